# The file goes into the container's own filesystem: nothing is mounted at /data.
kubectl exec writer -- sh -c 'mkdir -p /data && echo hello > /data/hello.txt'

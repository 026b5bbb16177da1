# Step 3: write through the mount…
kubectl exec writer -- sh -c 'echo hello > /data/hello.txt'
# …and the file outlives the Pod: it is on the PersistentVolume.
kubectl delete pod writer
kubectl apply -f storage.yaml

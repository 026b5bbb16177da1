# Step 1: each member writes into its own volume.
kubectl exec db-0 -- sh -c 'echo "written by $(hostname)" > /data/owner'
kubectl exec db-1 -- sh -c 'echo "written by $(hostname)" > /data/owner'
# Step 2: power off the node that runs a db member (kubectl get pods -o wide shows which), as a failure would…
docker stop kind-worker2
# …wait until Kubernetes marks it unreachable (40 s without heartbeats)…
kubectl wait --for=condition=Ready=Unknown node/kind-worker2 --timeout=2m
# …and, to "start clean", delete the members' claims (a claim in use only waits; the stuck member's goes)…
kubectl delete pvc -l app=db --wait=false
kubectl delete pod -l app=db --field-selector spec.nodeName=kind-worker2 --force --grace-period=0
# The Deployment's replica there is evicted 300 s after the taint, and replaced.
kubectl wait --for=condition=Available deployment/web --timeout=10m

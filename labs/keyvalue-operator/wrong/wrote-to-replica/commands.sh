# Step 2: the key goes to kv-1, a replica, which refuses it (READONLY).
kubectl wait --for=jsonpath='{.status.readyMembers}'=5 keyvaluecluster/kv --timeout=3m
kubectl exec kv-1 -- redis-cli SET greeting hello
# Replication is asynchronous: see the key on a replica before the primary goes.
kubectl exec kv-1 -- redis-cli GET greeting
# Step 4: kill the primary, as a crash would, and let the operator promote a replica.
kubectl delete pod kv-0
kubectl wait --for=jsonpath='{.status.readyMembers}'=5 keyvaluecluster/kv --timeout=3m

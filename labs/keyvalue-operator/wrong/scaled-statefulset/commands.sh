kubectl wait --for=jsonpath='{.status.readyMembers}'=3 keyvaluecluster/kv --timeout=3m
kubectl exec svc/kv-primary -- redis-cli SET greeting hello
kubectl exec kv-1 -- redis-cli GET greeting
# Scales the StatefulSet the operator owns: the next reconcile puts it back to 3.
kubectl scale statefulset kv --replicas=5
kubectl delete pod kv-0
kubectl wait --for=jsonpath='{.status.readyMembers}'=3 keyvaluecluster/kv --timeout=3m

kubectl wait --for=jsonpath='{.status.readyMembers}'=5 keyvaluecluster/kv --timeout=3m
kubectl exec svc/kv-primary -- redis-cli SET greeting hello

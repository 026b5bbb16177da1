# Only the key is written; there is no operator-made primary Service.
kubectl exec kv-0 -- redis-cli SET greeting hello

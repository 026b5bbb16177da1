# Step 3: the rollout of busybox:1.37 finishes, one node at a time.
kubectl rollout status daemonset/log-agent --timeout=2m

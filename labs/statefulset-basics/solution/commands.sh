# Step 3: every replica writes its hostname into its own volume…
kubectl exec web-0 -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'
kubectl exec web-1 -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'
kubectl exec web-2 -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'
# …and the pages survive the Pods: the StatefulSet recreates them on the same claims.
kubectl delete pod -l app=nginx

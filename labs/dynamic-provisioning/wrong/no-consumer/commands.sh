# Step 4: delete the Pod, then its claim; the class retains the volume.
kubectl delete pod archiver --now
kubectl delete pvc archive

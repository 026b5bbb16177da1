/**
 * PersistentVolumes, PersistentVolumeClaims and StorageClasses as kubectl
 * describes them (K:staging/src/k8s.io/kubectl/pkg/describe/describe.go).
 */
import { accessModesString } from '../../api/printers/storage.ts';
import { describeEvents, formatLabels, goList, printAnnotationsMultiline, printLabelsMultiline, since, type Obj, type PrefixWriter } from './writer.ts';

export function describePersistentVolume(pv: Obj, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  const spec = pv.spec ?? {};
  w.write(0, `Name:\t${pv.metadata.name}\n`);
  printLabelsMultiline(w, 'Labels', pv.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', pv.metadata.annotations);
  w.write(0, `Finalizers:\t${goList(pv.metadata.finalizers)}\n`);
  w.write(0, `StorageClass:\t${spec.storageClassName ?? pv.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? ''}\n`);
  if (pv.metadata.deletionTimestamp) w.write(0, `Status:\tTerminating (lasts ${since(pv.metadata.deletionTimestamp, now)})\n`);
  else w.write(0, `Status:\t${pv.status?.phase ?? ''}\n`);
  w.write(0, `Claim:\t${spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : ''}\n`);
  w.write(0, `Reclaim Policy:\t${spec.persistentVolumeReclaimPolicy ?? ''}\n`);
  w.write(0, `Access Modes:\t${accessModesString(spec.accessModes)}\n`);
  if (spec.volumeMode) w.write(0, `VolumeMode:\t${spec.volumeMode}\n`);
  w.write(0, `Capacity:\t${spec.capacity?.storage ?? '0'}\n`);
  w.write(0, 'Node Affinity:\t');
  const required = spec.nodeAffinity?.required;
  if (!required) w.line('<none>');
  else {
    w.line('');
    w.write(1, 'Required Terms:\t');
    const terms = (required.nodeSelectorTerms ?? []) as Obj[];
    if (terms.length === 0) w.line('<none>');
    else {
      w.line('');
      terms.forEach((term, i) => {
        w.write(2, `Term ${i}:\t`);
        const reqs = (term.matchExpressions ?? []) as Obj[];
        if (reqs.length === 0) return w.line('<none>');
        reqs.forEach((r, j) => {
          if (j !== 0) w.write(2, '\t');
          let expr = `${r.key} ${String(r.operator).toLowerCase()}`;
          if ((r.values ?? []).length > 0) expr += ` [${r.values.join(', ')}]`;
          w.write(0, `${expr}\n`);
        });
      });
    }
  }
  w.write(0, `Message:\t${pv.status?.message ?? ''}\n`);
  w.write(0, 'Source:\n');
  if (spec.hostPath) w.write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${spec.hostPath.path}\n    HostPathType:\t${spec.hostPath.type ?? '<none>'}\n`);
  else if (spec.local) w.write(2, `Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t${spec.local.path}\n`);
  else if (spec.nfs) w.write(2, `Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t${spec.nfs.server}\n    Path:\t${spec.nfs.path}\n    ReadOnly:\t${spec.nfs.readOnly === true}\n`);
  else if (spec.csi) {
    w.write(2, `Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t${spec.csi.driver}\n    FSType:\t${spec.csi.fsType ?? ''}\n    VolumeHandle:\t${spec.csi.volumeHandle}\n    ReadOnly:\t${spec.csi.readOnly === true}\n`);
    const attrs = (spec.csi.volumeAttributes ?? {}) as Record<string, string>;
    w.write(2, 'VolumeAttributes:\t');
    const keys = Object.keys(attrs).sort();
    if (keys.length === 0) w.line('<none>');
    keys.forEach((k, i) => {
      if (i !== 0) w.write(2, '\t');
      const line = `${k}=${attrs[k]}`;
      w.write(2, `${line.length > 140 ? `${line.slice(0, 140)}...` : line}\n`);
    });
  } else w.write(1, '<unknown>\n');
  describeEvents(events, w, now);
}

export function describePersistentVolumeClaim(pvc: Obj, pods: Obj[], events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  const spec = pvc.spec ?? {};
  w.write(0, `Name:\t${pvc.metadata.name}\n`);
  w.write(0, `Namespace:\t${pvc.metadata.namespace}\n`);
  w.write(0, `StorageClass:\t${spec.storageClassName ?? pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? ''}\n`);
  if (pvc.metadata.deletionTimestamp) w.write(0, `Status:\tTerminating (lasts ${since(pvc.metadata.deletionTimestamp, now)})\n`);
  else w.write(0, `Status:\t${pvc.status?.phase ?? ''}\n`);
  w.write(0, `Volume:\t${spec.volumeName ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', pvc.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', pvc.metadata.annotations);
  w.write(0, `Finalizers:\t${goList(pvc.metadata.finalizers)}\n`);
  const bound = !!spec.volumeName;
  w.write(0, `Capacity:\t${bound ? (pvc.status?.capacity?.storage ?? '0') : ''}\n`);
  w.write(0, `Access Modes:\t${bound ? accessModesString(pvc.status?.accessModes) : ''}\n`);
  if (spec.volumeMode) w.write(0, `VolumeMode:\t${spec.volumeMode}\n`);
  if (spec.dataSource) {
    w.write(0, 'DataSource:\n');
    if (spec.dataSource.apiGroup) w.write(1, `APIGroup:\t${spec.dataSource.apiGroup}\n`);
    w.write(1, `Kind:\t${spec.dataSource.kind}\n`);
    w.write(1, `Name:\t${spec.dataSource.name}\n`);
  }
  w.write(0, 'Used By:\t');
  const names = pods.map((p) => p.metadata.name as string).sort();
  if (names.length === 0) w.line('<none>');
  names.forEach((n, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${n}\n`);
  });
  describeEvents(events, w, now);
}

/** The pods that mount the claim, or own it (K:…/describe.go getPodsForPVC). */
export function podsForClaim(pvc: Obj, pods: Obj[]): Obj[] {
  const out: Obj[] = [];
  for (const p of pods) for (const v of (p.spec?.volumes ?? []) as Obj[]) if (v.persistentVolumeClaim?.claimName === pvc.metadata.name) out.push(p);
  for (const ref of (pvc.metadata.ownerReferences ?? []) as Obj[]) {
    if (ref.kind !== 'Pod') continue;
    const owner = pods.find((p) => p.metadata.uid === ref.uid);
    if (owner && !out.some((p) => p.metadata.uid === owner.metadata.uid)) out.push(owner);
  }
  return out;
}

export function describeStorageClass(sc: Obj, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  const ann = (sc.metadata.annotations ?? {}) as Record<string, string>;
  const isDefault = ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
  w.write(0, `Name:\t${sc.metadata.name}\n`);
  w.write(0, `IsDefaultClass:\t${isDefault ? 'Yes' : 'No'}\n`);
  w.write(0, `Annotations:\t${formatLabels(ann)}\n`);
  w.write(0, `Provisioner:\t${sc.provisioner ?? ''}\n`);
  w.write(0, `Parameters:\t${formatLabels(sc.parameters)}\n`);
  w.write(0, `AllowVolumeExpansion:\t${sc.allowVolumeExpansion === undefined ? '<unset>' : sc.allowVolumeExpansion ? 'True' : 'False'}\n`);
  if ((sc.mountOptions ?? []).length === 0) w.write(0, 'MountOptions:\t<none>\n');
  else {
    w.write(0, 'MountOptions:\n');
    for (const o of sc.mountOptions as string[]) w.write(1, `${o}\n`);
  }
  if (sc.reclaimPolicy) w.write(0, `ReclaimPolicy:\t${sc.reclaimPolicy}\n`);
  if (sc.volumeBindingMode) w.write(0, `VolumeBindingMode:\t${sc.volumeBindingMode}\n`);
  if (sc.allowedTopologies) {
    w.write(0, 'AllowedTopologies:\t');
    const terms = sc.allowedTopologies as Obj[];
    if (terms.length === 0) w.line('<none>');
    else {
      w.line('');
      terms.forEach((t, i) => {
        w.write(1, `Term ${i}:\t`);
        const reqs = (t.matchLabelExpressions ?? []) as Obj[];
        if (reqs.length === 0) return w.line('<none>');
        reqs.forEach((r, j) => {
          if (j !== 0) w.write(1, '\t');
          w.write(0, `${r.key} in [${(r.values ?? []).join(', ')}]\n`);
        });
      });
    }
  }
  describeEvents(events, w, now);
}

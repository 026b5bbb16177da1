/**
 * Storage tables (`K:pkg/printers/internalversion/printers.go`, v1.32):
 * PersistentVolume, PersistentVolumeClaim, StorageClass.
 */
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import { DOC } from './descriptions.ts';
import { ageSince } from './duration.ts';
import { column, formatQuantity, type Printer } from './table.ts';

const NAME = column('Name', 'string', DOC['ObjectMeta.name'], { format: 'name' });
const AGE = column('Age', 'string', DOC['ObjectMeta.creationTimestamp']);
const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** `helper.GetAccessModesAsString`: fixed order RWO, ROX, RWX, RWOP, duplicates dropped. */
export function accessModesString(modes: readonly string[] | undefined): string {
  const have = new Set(modes ?? []);
  const out: string[] = [];
  if (have.has('ReadWriteOnce')) out.push('RWO');
  if (have.has('ReadOnlyMany')) out.push('ROX');
  if (have.has('ReadWriteMany')) out.push('RWX');
  if (have.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

export const persistentVolumePrinter: Printer<PersistentVolume> = {
  columns: [
    NAME,
    column('Capacity', 'string', DOC['PersistentVolumeSpec.capacity']),
    column('Access Modes', 'string', DOC['PersistentVolumeSpec.accessModes']),
    column('Reclaim Policy', 'string', DOC['PersistentVolumeSpec.persistentVolumeReclaimPolicy']),
    column('Status', 'string', DOC['PersistentVolumeStatus.phase']),
    column('Claim', 'string', DOC['PersistentVolumeSpec.claimRef']),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', DOC['PersistentVolumeStatus.reason']),
    AGE,
    column('VolumeMode', 'string', DOC['PersistentVolumeSpec.volumeMode'], { priority: 1 }),
  ],
  row(pv, nowMs) {
    const ref = pv.spec?.claimRef;
    const claim = ref ? `${ref.namespace ?? ''}/${ref.name ?? ''}` : '';
    const phase = pv.metadata?.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? '');
    // helper.GetPersistentVolumeClass: the beta annotation wins over the field.
    const storageClass = pv.metadata?.annotations?.[BETA_STORAGE_CLASS] ?? pv.spec?.storageClassName ?? '';
    return {
      cells: [
        pv.metadata?.name ?? '',
        formatQuantity(pv.spec?.capacity?.storage),
        accessModesString(pv.spec?.accessModes),
        pv.spec?.persistentVolumeReclaimPolicy ?? '',
        phase,
        claim,
        storageClass,
        (pv.spec as { volumeAttributesClassName?: string } | undefined)?.volumeAttributesClassName ?? '<unset>',
        pv.status?.reason ?? '',
        ageSince(pv.metadata?.creationTimestamp, nowMs),
        pv.spec?.volumeMode ?? '<unset>',
      ],
    };
  },
};

export const persistentVolumeClaimPrinter: Printer<PersistentVolumeClaim> = {
  columns: [
    NAME,
    column('Status', 'string', DOC['PersistentVolumeClaimStatus.phase']),
    column('Volume', 'string', DOC['PersistentVolumeClaimSpec.volumeName']),
    column('Capacity', 'string', DOC['PersistentVolumeClaimStatus.capacity']),
    column('Access Modes', 'string', DOC['PersistentVolumeClaimStatus.accessModes']),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE,
    column('VolumeMode', 'string', DOC['PersistentVolumeClaimSpec.volumeMode'], { priority: 1 }),
  ],
  row(pvc, nowMs) {
    const phase = pvc.metadata?.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? '');
    const volumeName = pvc.spec?.volumeName ?? '';
    // Capacity and access modes come from status, and only once the claim names a volume.
    const capacity = volumeName ? formatQuantity(pvc.status?.capacity?.storage) : '';
    const accessModes = volumeName ? accessModesString(pvc.status?.accessModes) : '';
    const storageClass = pvc.metadata?.annotations?.[BETA_STORAGE_CLASS] ?? pvc.spec?.storageClassName ?? '';
    return {
      cells: [
        pvc.metadata?.name ?? '',
        phase,
        volumeName,
        capacity,
        accessModes,
        storageClass,
        (pvc.spec as { volumeAttributesClassName?: string } | undefined)?.volumeAttributesClassName ?? '<unset>',
        ageSince(pvc.metadata?.creationTimestamp, nowMs),
        pvc.spec?.volumeMode ?? '<unset>',
      ],
    };
  },
};

/** `storageutil.IsDefaultAnnotation`: the GA or beta is-default-class annotation set to "true". */
export function isDefaultStorageClass(sc: StorageClass): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

export const storageClassPrinter: Printer<StorageClass> = {
  columns: [
    NAME,
    column('Provisioner', 'string', DOC['StorageClass.provisioner']),
    column('ReclaimPolicy', 'string', DOC['StorageClass.reclaimPolicy']),
    column('VolumeBindingMode', 'string', DOC['StorageClass.volumeBindingMode']),
    column('AllowVolumeExpansion', 'string', DOC['StorageClass.allowVolumeExpansion']),
    AGE,
  ],
  row(sc, nowMs) {
    const name = (sc.metadata?.name ?? '') + (isDefaultStorageClass(sc) ? ' (default)' : '');
    return { cells: [name, sc.provisioner, sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', sc.allowVolumeExpansion ?? false, ageSince(sc.metadata?.creationTimestamp, nowMs)] };
  },
};

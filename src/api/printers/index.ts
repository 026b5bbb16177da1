/**
 * `toTable`: the Table a 1.32 API server returns for a list (or one object) of
 * a resource, as `kubectl get` requests it. Everything time-dependent is
 * rendered against `nowMs`, the caller's (virtual) clock.
 */
import { configMapPrinter, eventPrinter, leasePrinter, namespacePrinter, nodePrinter, secretPrinter, serviceAccountPrinter } from './cluster.ts';
import { customColumnsFromCRD, defaultPrinter, type PrinterColumn } from './custom-columns.ts';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './network.ts';
import { podPrinter } from './pod.ts';
import {
  clusterRoleBindingPrinter, ingressClassPrinter, ingressPrinter, networkPolicyPrinter, priorityClassPrinter, resourceQuotaPrinter, roleBindingPrinter,
} from './policy.ts';
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from './storage.ts';
import { buildTable, type KubeObject, type Printer, type Table, type TableOptions } from './table.ts';
import {
  controllerRevisionPrinter,
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  podDisruptionBudgetPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './workloads.ts';

export type { Cell, IncludeObject, KubeObject, Printer, Table, TableColumnDefinition, TableOptions, TableRow, TableRowCondition } from './table.ts';
export { buildTable, partialObjectMetadata } from './table.ts';
export { humanDuration, shortHumanDuration, ageSince } from './duration.ts';
export { customColumnsFromCRD, defaultPrinter, parseSimpleJsonPath, evaluateJsonPath, type PrinterColumn } from './custom-columns.ts';
export { podStatusCells } from './pod.ts';

/** Built-in printers by Kind. Events of `events.k8s.io/v1` are served with the core printer too. */
const BY_KIND: Record<string, Printer<never>> = {
  Pod: podPrinter,
  Node: nodePrinter,
  Namespace: namespacePrinter,
  Service: servicePrinter,
  Endpoints: endpointsPrinter,
  EndpointSlice: endpointSlicePrinter,
  Deployment: deploymentPrinter,
  ReplicaSet: replicaSetPrinter,
  StatefulSet: statefulSetPrinter,
  DaemonSet: daemonSetPrinter,
  ControllerRevision: controllerRevisionPrinter,
  Job: jobPrinter,
  CronJob: cronJobPrinter,
  PodDisruptionBudget: podDisruptionBudgetPrinter,
  PersistentVolume: persistentVolumePrinter,
  PersistentVolumeClaim: persistentVolumeClaimPrinter,
  StorageClass: storageClassPrinter,
  Event: eventPrinter,
  ConfigMap: configMapPrinter,
  Secret: secretPrinter,
  ServiceAccount: serviceAccountPrinter,
  Lease: leasePrinter,
  ResourceQuota: resourceQuotaPrinter,
  PriorityClass: priorityClassPrinter,
  RoleBinding: roleBindingPrinter,
  ClusterRoleBinding: clusterRoleBindingPrinter,
  NetworkPolicy: networkPolicyPrinter,
  Ingress: ingressPrinter,
  IngressClass: ingressClassPrinter,
};

/** Plural resource names (as in request paths) of the kinds above. */
const RESOURCE_TO_KIND: Record<string, string> = {
  pods: 'Pod',
  nodes: 'Node',
  namespaces: 'Namespace',
  services: 'Service',
  endpoints: 'Endpoints',
  endpointslices: 'EndpointSlice',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  controllerrevisions: 'ControllerRevision',
  jobs: 'Job',
  cronjobs: 'CronJob',
  poddisruptionbudgets: 'PodDisruptionBudget',
  persistentvolumes: 'PersistentVolume',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  storageclasses: 'StorageClass',
  events: 'Event',
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  serviceaccounts: 'ServiceAccount',
  leases: 'Lease',
  resourcequotas: 'ResourceQuota',
  priorityclasses: 'PriorityClass',
  rolebindings: 'RoleBinding',
  clusterrolebindings: 'ClusterRoleBinding',
  networkpolicies: 'NetworkPolicy',
  ingresses: 'Ingress',
  ingressclasses: 'IngressClass',
};

export interface ToTableOptions extends TableOptions {
  /**
   * For custom resources: the served version's `additionalPrinterColumns`
   * (an empty list means the default `Age` column). When set, the CR printer
   * is used whatever the kind.
   */
  printerColumns?: readonly PrinterColumn[];
}

/** The printer a server uses for a Kind or a plural resource name; undefined → default (Name, Created At). */
export function printerFor(kindOrResource: string): Printer<never> | undefined {
  return BY_KIND[kindOrResource] ?? BY_KIND[RESOURCE_TO_KIND[kindOrResource.toLowerCase()] ?? ''];
}

export function toTable(kindOrResource: string, objects: readonly object[], nowMs: number, opts: ToTableOptions = {}): Table {
  const printer = (opts.printerColumns ? customColumnsFromCRD(opts.printerColumns) : (printerFor(kindOrResource) ?? defaultPrinter)) as Printer<KubeObject>;
  return buildTable(printer, objects as KubeObject[], nowMs, opts);
}

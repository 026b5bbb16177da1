// The shim's public surface: a cluster and the pieces the API layer needs to speak
// Kubernetes over it (registry, selectors, errors, resource catalogue, clock).
export { Cluster, type ClusterOptions, type SettleOptions, type SettleResult } from './cluster.ts';
export type { Controller, ControllerContext, ControllerFactory } from './controller.ts';
export { VirtualClock, rfc3339, microTime, DEFAULT_START_MS, type TimerOptions } from './clock.ts';
export { SeededRandom, NAME_ALPHABET, safeEncodeString, fnv32a } from './random.ts';
export {
  StatusError, isStatusError, notFound, alreadyExists, conflict, forbidden, namespaceTerminating, badRequest,
  methodNotSupported, tooManyRequests, resourceExpired, internalError, invalid, fieldError, fieldErrorString,
  type FieldError, type FieldErrorType,
} from './errors.ts';
export { LabelSelector, SelectorError, parseLabelSelector, fromLabelSelector, type Labels } from './selectors.ts';
export { FieldSelector, parseFieldSelector, checkFieldSelector, selectableFields } from './field-selectors.ts';
export { ResourceCatalog, builtinResourceTypes, apiVersionOf, ALL_VERBS, type ResourceType, type Verb } from './resources.ts';
export { Store, type Change, type ChangeType, type WatchEvent, type ListOptions, type WatchOptions, type Watch, type StoreSnapshot } from './store.ts';
export {
  Registry, FINALIZER_FOREGROUND, FINALIZER_ORPHAN,
  type AdmissionPlugin, type AdmissionAttributes, type CreateOptions, type UpdateOptions, type DeleteOptions,
  type DeleteResult, type PropagationPolicy, type Validator,
} from './registry.ts';
export { kindNodes, KUBERNETES_VERSION, type Topology, type KindNode } from './kind.ts';
export { qualifiedResource, deepClone, deepEqual, type KObject, type GroupResource } from './objects.ts';
export { serverVersion } from './version.ts';
export { createKindCluster, type KindCluster } from './kind-cluster.ts';
export { decodeObject } from './decode/index.ts';
export { installWorkloadControllers, DeploymentController, DEPLOYMENTS } from './deployment.ts';
export { ReplicaSetController, REPLICASETS } from './replicaset.ts';
export { installServiceAllocation, serviceAllocationPlugin, SERVICE_CIDR, NODE_PORT_RANGE } from './service-ip.ts';
export { installEndpointControllers, EndpointsController } from './endpoints.ts';
export { EndpointSliceController, ENDPOINTSLICES } from './endpointslice.ts';
export { installDisruptionController, DisruptionController, PDBS } from './disruption.ts';
export { evictPod, EVICTION_BLOCKED, type Eviction } from './eviction.ts';
export { requestToken, type TokenRequestSpec } from './token-request.ts';
export { installJobController, JobController, JOBS } from './job.ts';
export { installCronJobController, CronJobController, CRONJOBS } from './cronjob.ts';

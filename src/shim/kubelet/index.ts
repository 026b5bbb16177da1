// The kubelet: pod lifecycle on every node, container logs, exec and the pod network's
// listening sockets. See kubelet.ts.
export { Kubelet, installKubelet, DEFAULT_TIMINGS, goDuration, expandVars, type KubeletOptions, type KubeletTimings } from './kubelet.ts';
export type { ContainerRuntime, StartProcess } from './runtime.ts';
export { containerRuntime, startProcess } from '../container/process.ts';
export { formatLogs, rfc3339Nano, type LogOptions, type LogLine } from './logs.ts';
export { NodeIPAM } from './ipam.ts';

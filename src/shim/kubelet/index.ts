// The kubelet: pod lifecycle on every node, container logs, exec and the pod network's
// listening sockets. See kubelet.ts.
export { Kubelet, installKubelet, DEFAULT_TIMINGS, goDuration, expandVars, type KubeletOptions, type KubeletTimings } from './kubelet.ts';
export { builtinRuntime, MemoryFileSystem, GeneratorProcess, type ContainerRuntime, type StartProcess } from './runtime.ts';
export { formatLogs, rfc3339Nano, type LogOptions, type LogLine } from './logs.ts';
export { NodeIPAM } from './ipam.ts';

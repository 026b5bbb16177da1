// What the kubelet needs from the container runtime: a root filesystem per container
// instance and processes in it. src/shim/container implements it (`containerRuntime()`:
// copy-on-write image layers, mounts, PID namespaces, the shell and its applets);
// tests may hand the kubelet another implementation through `installKubelet`.
import type { VirtualClock } from '../clock.ts';
import type { ContainerFsOptions } from '../container/process.ts';
import type { FileSystem, ProcessEnv, ProcessHandle, ProcessIO } from '../container/types.ts';

/** container/process.ts `startProcess`. */
export type StartProcess = (argv: string[], env: ProcessEnv, io: ProcessIO, clock: VirtualClock) => ProcessHandle;

export interface ContainerRuntime {
  startProcess: StartProcess;
  /**
   * A fresh writable root filesystem holding the image's files, with the Pod's volumes
   * mounted (`mounts`: each a FileSystem at a path, read-only or not, with `subPath`,
   * and the device and size `df` reports).
   */
  createFileSystem(files: Readonly<Record<string, string>>, options?: ContainerFsOptions): FileSystem;
}

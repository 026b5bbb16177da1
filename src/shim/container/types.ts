// The contract between the kubelet (which starts containers) and the container
// runtime (filesystem + processes + the small POSIX shell). Everything runs on the
// shim's virtual clock and synchronously: a process is a generator that yields when
// it must wait (sleep, stdin, forever), and a driver resumes it from clock timers.
// No Promises: settle() runs synchronously and would never see their continuations.

/** A mounted filesystem tree; paths are absolute, `/`-separated. */
export interface FileSystem {
  readFile(path: string): string; // throws FsError (ENOENT, EISDIR, …)
  writeFile(path: string, data: string, options?: { append?: boolean }): void;
  readdir(path: string): string[];
  stat(path: string): { type: 'file' | 'dir'; size: number; mtimeMs: number };
  mkdir(path: string, options?: { recursive?: boolean }): void;
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): void;
  exists(path: string): boolean;
}

/** What a process may wait on. */
export type Wait =
  | { kind: 'sleep'; ms: number }
  | { kind: 'stdin' }
  | { kind: 'forever' };

/** Name resolution and HTTP inside the cluster network (CoreDNS + Services + pod IPs). */
export interface ClusterNetwork {
  /** A/AAAA lookup as CoreDNS answers it from a pod with `search` domains applied; undefined = NXDOMAIN. */
  resolve(name: string, fromNamespace: string): { fqdn: string; addresses: string[] } | undefined;
  /** An HTTP GET to host:port (host = IP or name); undefined = connection refused / no route. */
  httpGet(host: string, port: number, path: string, fromNamespace: string): { status: number; body: string } | undefined;
}

export interface ProcessEnv {
  fs: FileSystem;
  env: Record<string, string>;
  hostname: string;
  cwd: string;
  namespace: string;
  network?: ClusterNetwork;
  /** The virtual clock's now, ms since epoch (for `date`). */
  now(): number;
}

export interface ProcessIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A running process: the kubelet and `kubectl exec` drive it. */
export interface ProcessHandle {
  readonly pid: number;
  /** Exit code once finished, undefined while running. */
  readonly exitCode: number | undefined;
  onExit(listener: (code: number) => void): void;
  /** Input for a process waiting on stdin (`kubectl exec -i`); `null` closes stdin. */
  write(data: string | null): void;
  /** SIGTERM (15) / SIGKILL (9) / SIGINT (2): exit code 128+signal unless the process handles it. */
  kill(signal: 2 | 9 | 15): void;
}

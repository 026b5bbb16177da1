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
  stat(path: string): { type: 'file' | 'dir'; size: number; mtimeMs: number; mode?: number };
  mkdir(path: string, options?: { recursive?: boolean }): void;
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): void;
  exists(path: string): boolean;
  // Optional operations (container/vfs.ts MemoryFileSystem and MountedFileSystem have them):
  /** rename(2): EXDEV across filesystems, so `mv` falls back to copy + remove. */
  rename?(from: string, to: string): void;
  /** Permission bits (0o7777); files default to 0644, directories to 0755. */
  chmod?(path: string, mode: number): void;
  /** Sets the modification time (`touch`). */
  utimes?(path: string, mtimeMs: number): void;
}

/** What a process may wait on. */
export type Wait =
  /** `background`: an idle or busy-looping process that must not hold `Cluster.settle()` up. */
  | { kind: 'sleep'; ms: number; background?: boolean }
  | { kind: 'stdin' }
  | { kind: 'forever' }
  /**
   * Until something happens (a child process exits, a pipe gets data): the driver calls
   * `subscribe` with a wake function and cancels through what it returns. `wake` may be
   * called at once, from inside `subscribe`.
   */
  | { kind: 'event'; subscribe(wake: () => void): () => void };

/** Name resolution and HTTP inside the cluster network (CoreDNS + Services + pod IPs). */
export interface ClusterNetwork {
  /** A/AAAA lookup as CoreDNS answers it from a pod with `search` domains applied; undefined = NXDOMAIN. */
  resolve(name: string, fromNamespace: string): { fqdn: string; addresses: string[] } | undefined;
  /** An HTTP GET to host:port (host = IP or name); undefined = connection refused / no route. */
  httpGet(host: string, port: number, path: string, fromNamespace: string): { status: number; body: string } | undefined;
  /** Reverse (PTR) lookup, for nslookup's `Address 1: <ip> <name>` lines. */
  reverse?(ip: string): string | undefined;
  /** A raw connection to host:port (non-HTTP protocols such as Redis); undefined = refused / no route. */
  connect?(host: string, port: number, fromNamespace: string): PortHandler | undefined;
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
  /** Open a listening port in the pod's network namespace; returns the function that closes it. */
  listen?(port: number, handler: PortHandler): () => void;
  /** What listens on 127.0.0.1:`port` inside this pod (loopback). */
  localPort?(port: number): PortHandler | undefined;
  /** Stdin is a terminal (`kubectl exec -it`): interactive prompts, redis-cli's quoted replies. */
  tty?: boolean;
  /**
   * Stdin is open (`kubectl exec -i`, a container with `stdin: true`): reads wait for
   * `ProcessHandle.write`. Otherwise stdin is /dev/null and reads see end of input at once.
   */
  stdin?: boolean;
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

// ---- Added with the runtime: df's mount table, ports, the program protocol ----

/** One line of `df`: a mount as the container sees it. */
export interface MountUsage {
  /** `Filesystem` column: `overlay` for the root, `/dev/sda1`, `tmpfs`, … */
  device: string;
  mountPoint: string;
  sizeBytes: number;
  usedBytes: number;
  readOnly: boolean;
}

/** A filesystem that knows its mount table (MountedFileSystem); `df` reads it. */
export interface MountTable {
  mounts(): MountUsage[];
}

/** An HTTP request as a listening program receives it. */
export interface HttpRequest {
  method: string;
  path: string;
  /** Client address for access logs; `undefined` when unknown. */
  remoteAddr?: string;
  userAgent?: string;
}

export interface HttpResponse {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/**
 * What a program serves on a port. HTTP servers (nginx) answer `http`; line or
 * frame protocols (Redis RESP) answer `request` with the raw bytes of one exchange.
 */
export interface PortHandler {
  http?(req: HttpRequest): HttpResponse;
  request?(data: string): string;
}

/** What a process waiting on stdin is resumed with: a chunk, or `null` at end of input. */
export type StdinChunk = string | null;

/** A running program: yields what it waits on, is resumed with stdin chunks, returns its exit code. */
export type Program = Generator<Wait, number, StdinChunk | undefined>;

/** What a program sees when it starts. */
export interface ProgramContext {
  env: ProcessEnv;
  io: ProcessIO;
  pid: number;
}

/**
 * A built-in program (`nginx`, `redis-server`, …): argv[0] is the name it was started as.
 * A signal arrives as a thrown `Signal` (signal.ts) at the program's current `yield`;
 * catch it to handle SIGTERM/SIGINT (SIGKILL is never delivered: the generator is closed).
 */
export type ProgramFactory = (argv: string[], ctx: ProgramContext) => Program;

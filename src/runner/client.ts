/**
 * What the lab runner knows of a cluster: the `ClusterClient`. The grader never
 * learns which cluster it grades — the shim in this process (or the page's
 * worker), or any cluster reached by kubeconfig — so both must give the same
 * verdicts for the same state (DESIGN.md rule 3).
 */
import type { KObject } from '../shim/objects.ts';

export type { KObject };

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  /** For namespaced kinds; the client's namespace when left out. */
  namespace?: string;
  name: string;
}

export interface ListQuery {
  apiVersion: string;
  kind: string;
  /** For namespaced kinds; the client's namespace when left out. */
  namespace?: string;
  labelSelector?: string;
}

/** What discovery says about a kind. */
export interface ResourceInfo {
  /** The plural resource name, e.g. `statefulsets`. */
  name: string;
  namespaced: boolean;
}

/** A file handed in with a submission (or a lab's setup). */
export interface TextFile {
  /** Path as shown in reports, relative to the submission folder, e.g. `web.yaml`. */
  path: string;
  text: string;
}

export interface RunOptions {
  timeoutMs?: number;
  /** The files `kubectl apply -f NAME` may read: a submission's own, nothing else. */
  files?: readonly TextFile[];
  /**
   * A learner's line rather than a lab author's: on a real cluster it may only
   * act on the learner's namespace, and never read or write the grader's disk.
   */
  untrusted?: boolean;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the runner stopped the command (time limit) or refused to run it. */
  note?: string;
}

/**
 * Runs one terminal line. On the shim: our kubectl in-process (later the
 * terminal's shell); on a real cluster: the real kubectl binary, never a shell.
 */
export interface CommandRunner {
  run(line: string, options?: RunOptions): Promise<CommandResult>;
}

/** A Kubernetes API error, with the Status the server sent. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ClusterClient extends CommandRunner {
  /** Where namespaced objects go when they name none, or name `default`. */
  readonly namespace: string;
  /** A short description for reports: `shim`, `kubeconfig kind-kind (namespace team-a)`. */
  readonly description: string;
  resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  /** The object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KObject | undefined>;
  /** Objects of a kind (apiVersion and kind set on each), in the API server's order. */
  list(query: ListQuery): Promise<KObject[]>;
  /** Server-side apply (create or update); throws ApiError with the server's message. */
  apply(object: KObject): Promise<KObject>;
  /** Deletes in the background; false when it did not exist. */
  delete(ref: ObjectRef): Promise<boolean>;
  /**
   * A simulated cluster: run its controllers until nothing is left to do, so a
   * check sees the state the cluster converges to. Absent on real clusters,
   * where checks poll instead.
   */
  settle?(): Promise<void>;
  /** Real clusters: waits between polls (injected so the core needs no timers). */
  sleep?(ms: number): Promise<void>;
  /** Wall-clock milliseconds, for polling deadlines on real clusters. */
  now?(): number;
}

/**
 * The namespace a manifest or check lands in: a namespaced object that names
 * none, or names `default`, goes to the client's namespace (one namespace per
 * learner on a shared cluster); other namespaces are kept.
 */
export function targetNamespace(client: Pick<ClusterClient, 'namespace'>, requested: string | undefined): string {
  return requested === undefined || requested === '' || requested === 'default' ? client.namespace : requested;
}

/** `StatefulSet web` / `Pod default/web-0` style name of an object for messages. */
export function describeRef(ref: { kind: string; name?: string; namespace?: string }): string {
  return `${ref.kind} ${ref.name ?? '(unnamed)'}`;
}

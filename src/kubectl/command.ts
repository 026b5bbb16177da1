/**
 * What every command gets: its parsed flags and arguments, the namespace
 * (`-n`, else the context's, else `default`), a REST client and discovery
 * for the cluster, the files `-f` may name, and the kubeconfig.
 */
import type { ApiTransport } from '../api/types.ts';
import { RestClient } from './client.ts';
import { Discovery } from './discovery.ts';
import type { FlagSpec, FlagValues } from './flags.ts';
import type { CommandIO, EditorIO, FileSource } from './io.ts';
import type { Kubeconfig } from './kubeconfig.ts';

/** State kept between the commands of one terminal (discovery is asked once). */
export class KubectlSession {
  private cache = new WeakMap<ApiTransport, { client: RestClient; discovery: Discovery }>();

  for(transport: ApiTransport): { client: RestClient; discovery: Discovery } {
    let entry = this.cache.get(transport);
    if (!entry) {
      const client = new RestClient(transport);
      entry = { client, discovery: new Discovery(client) };
      this.cache.set(transport, entry);
    }
    return entry;
  }
}

export interface KubectlContext {
  io: CommandIO;
  /** The cluster; without one only client-side commands work. */
  transport?: ApiTransport;
  /** Files for `-f` (the lesson's files in the browser, the disk in Node). */
  files?: FileSource;
  /** The kubeconfig kubectl would load (the browser's cluster is `kind-kind`). */
  kubeconfig?: Kubeconfig;
  /** Discovery cache shared by a terminal's commands. */
  session?: KubectlSession;
  /** The time ages are measured against (describe's event ages): the cluster's clock in the browser, the wall clock otherwise. */
  now?: () => number;
  /** Waits (drain's 5 s retries and 1 s polls): on the cluster's clock in-process, so virtual time passes. */
  sleep?: (ms: number) => Promise<void>;
  /** The editor `kubectl edit` opens ($KUBE_EDITOR in Node, the editor panel in the browser). */
  editor?: EditorIO;
}

export interface Invocation {
  ctx: KubectlContext;
  io: CommandIO;
  /** `kubectl get`, as help texts name the command. */
  path: string;
  flags: FlagValues;
  changed: Set<string>;
  args: string[];
  dashAt: number;
  namespace: string;
  /** `-n` was given (objects from files must then be in it). */
  explicitNamespace: boolean;
  client(): RestClient;
  discovery(): Discovery;
}

export interface Command {
  name: string;
  flags: FlagSpec[];
  run(inv: Invocation): Promise<number>;
  /** Subcommands (`config view`). */
  subcommands?: Command[];
  /** Other names cobra accepts for a subcommand (`top pods` for `top pod`). */
  aliases?: string[];
}

export class NoClusterError extends Error {
  constructor() {
    super('there is no cluster to talk to yet (this build does not include the in-browser cluster)');
  }
}

export function str(flags: FlagValues, name: string): string {
  const v = flags[name];
  return typeof v === 'string' ? v : '';
}

export function bool(flags: FlagValues, name: string): boolean {
  return flags[name] === true;
}

export function list(flags: FlagValues, name: string): string[] {
  const v = flags[name];
  return Array.isArray(v) ? v : [];
}

export function int(flags: FlagValues, name: string, fallback: number): number {
  const v = flags[name];
  return typeof v === 'number' ? v : fallback;
}

// Flag tables shared by several commands.
export const FILENAME_FLAGS: FlagSpec[] = [
  { name: 'filename', short: 'f', type: 'stringSlice' },
  { name: 'kustomize', short: 'k', type: 'string' },
  { name: 'recursive', short: 'R', type: 'bool' },
];
export const PRINT_FLAGS: FlagSpec[] = [
  { name: 'output', short: 'o', type: 'string' },
  { name: 'template', type: 'string' },
  { name: 'allow-missing-template-keys', type: 'bool' },
  { name: 'show-managed-fields', type: 'bool' },
];
export const DRY_RUN_FLAG: FlagSpec = { name: 'dry-run', type: 'string', noOptDefault: 'unchanged' };

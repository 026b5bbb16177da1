/**
 * The kubeconfig as kubectl reads it (clientcmd v1 Config), for the `config`
 * commands and the default namespace. Loading files is the caller's job (the
 * Node CLI reads them; the browser has the one `kind-kind` context a fresh
 * `kind create cluster` writes).
 */
import { parse } from 'yaml';

export interface NamedCluster { name: string; cluster: Record<string, unknown> }
export interface NamedUser { name: string; user: Record<string, unknown> }
export interface NamedContext { name: string; context: { cluster?: string; user?: string; namespace?: string } }

export interface Kubeconfig {
  clusters: NamedCluster[];
  users: NamedUser[];
  contexts: NamedContext[];
  currentContext: string;
  /** The file it came from, if any. */
  path?: string;
}

export function parseKubeconfig(text: string, path?: string): Kubeconfig {
  const raw = (parse(text) ?? {}) as Record<string, unknown>;
  const arr = <T>(v: unknown) => (Array.isArray(v) ? (v as T[]) : []);
  return {
    clusters: arr<NamedCluster>(raw.clusters).map((c) => ({ name: String(c.name ?? ''), cluster: c.cluster ?? {} })),
    users: arr<NamedUser>(raw.users).map((u) => ({ name: String(u.name ?? ''), user: u.user ?? {} })),
    contexts: arr<NamedContext>(raw.contexts).map((c) => ({ name: String(c.name ?? ''), context: c.context ?? {} })),
    currentContext: typeof raw['current-context'] === 'string' ? raw['current-context'] : '',
    ...(path ? { path } : {}),
  };
}

/** What `kind create cluster` writes for the in-browser cluster. */
export function kindKubeconfig(server = 'https://127.0.0.1:6443'): Kubeconfig {
  return {
    clusters: [{ name: 'kind-kind', cluster: { server, 'certificate-authority-data': 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==' } }],
    users: [{ name: 'kind-kind', user: { 'client-certificate-data': 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==', 'client-key-data': 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=' } }],
    contexts: [{ name: 'kind-kind', context: { cluster: 'kind-kind', user: 'kind-kind' } }],
    currentContext: 'kind-kind',
  };
}

export function contextNamed(kc: Kubeconfig | undefined, name?: string): NamedContext | undefined {
  if (!kc) return undefined;
  const wanted = name || kc.currentContext;
  return kc.contexts.find((c) => c.name === wanted);
}

/** The namespace commands default to: the context's, else `default`. */
export function defaultNamespace(kc: Kubeconfig | undefined, contextName?: string): string {
  return contextNamed(kc, contextName)?.context.namespace || 'default';
}

const CLUSTER_FIELDS = ['server', 'tls-server-name', 'insecure-skip-tls-verify', 'certificate-authority', 'certificate-authority-data', 'proxy-url', 'disable-compression', 'extensions'];
const USER_FIELDS = ['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'as', 'as-uid', 'as-groups', 'as-user-extra', 'username', 'password', 'auth-provider', 'exec', 'extensions'];
const CONTEXT_FIELDS = ['cluster', 'user', 'namespace', 'extensions'];

function ordered(obj: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (obj[f] !== undefined && obj[f] !== '' && obj[f] !== false) out[f] = obj[f];
  for (const [k, v] of Object.entries(obj)) if (!(k in out) && !fields.includes(k)) out[k] = v;
  return out;
}

/**
 * The document `kubectl config view` prints, in clientcmd's field order:
 * secrets shown as `DATA+OMITTED`/`REDACTED` unless `raw`, only the current
 * context's entries with `minify`.
 */
export function viewDocument(kc: Kubeconfig, options: { raw?: boolean; minify?: boolean; context?: string } = {}): Record<string, unknown> {
  let { clusters, users, contexts } = kc;
  let current = kc.currentContext;
  if (options.minify) {
    const ctx = contextNamed(kc, options.context);
    if (!ctx) throw new Error(`current-context must exist in order to minify`);
    current = ctx.name;
    contexts = [ctx];
    clusters = clusters.filter((c) => c.name === ctx.context.cluster);
    users = users.filter((u) => u.name === ctx.context.user);
  }
  const redactData = (v: Record<string, unknown>) => {
    if (options.raw) return v;
    const out: Record<string, unknown> = { ...v };
    for (const k of Object.keys(out)) {
      if (k.endsWith('-data')) out[k] = 'DATA+OMITTED';
      if (k === 'token' || k === 'password') out[k] = 'REDACTED';
    }
    return out;
  };
  return {
    kind: 'Config',
    apiVersion: 'v1',
    preferences: {},
    clusters: clusters.map((c) => ({ name: c.name, cluster: ordered(redactData(c.cluster), CLUSTER_FIELDS) })),
    users: users.map((u) => ({ name: u.name, user: ordered(redactData(u.user), USER_FIELDS) })),
    contexts: contexts.map((c) => ({ name: c.name, context: ordered(c.context, CONTEXT_FIELDS) })),
    'current-context': current,
  };
}

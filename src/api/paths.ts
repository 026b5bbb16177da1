/**
 * Kubernetes REST paths, parsed: `/api/v1/namespaces/default/pods/web-0/log`
 * becomes {group: '', version: 'v1', namespace: 'default', resource: 'pods',
 * name: 'web-0', subresource: 'log'}. Mirrors the API server's
 * RequestInfoFactory (K:staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
 */

export interface ResourcePath {
  type: 'resource';
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

export type ApiPath =
  | ResourcePath
  | { type: 'version' }
  | { type: 'core-versions' }
  | { type: 'groups' }
  | { type: 'group'; group: string }
  | { type: 'resources'; group: string; version: string }
  | { type: 'openapi-v3-root' }
  | { type: 'openapi-v3'; groupVersion: string }
  | { type: 'openapi-v2' }
  | { type: 'health'; check: string }
  | { type: 'unknown' };

export function parsePath(path: string): ApiPath {
  const clean = path.split('?')[0]!.replace(/\/+$/, '');
  const parts = clean.split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts.length === 0) return { type: 'unknown' };
  const [head, ...rest] = parts as [string, ...string[]];
  if (head === 'version' && rest.length === 0) return { type: 'version' };
  if (['healthz', 'livez', 'readyz'].includes(head)) return { type: 'health', check: head };
  if (head === 'openapi') {
    if (rest[0] === 'v2' && rest.length === 1) return { type: 'openapi-v2' };
    if (rest[0] !== 'v3') return { type: 'unknown' };
    if (rest.length === 1) return { type: 'openapi-v3-root' };
    return { type: 'openapi-v3', groupVersion: rest.slice(1).join('/') };
  }
  if (head === 'api') {
    if (rest.length === 0) return { type: 'core-versions' };
    const [version, ...tail] = rest as [string, ...string[]];
    if (tail.length === 0) return { type: 'resources', group: '', version };
    return resourcePath('', version, tail);
  }
  if (head === 'apis') {
    if (rest.length === 0) return { type: 'groups' };
    const [group, version, ...tail] = rest as [string, string | undefined, ...string[]];
    if (version === undefined) return { type: 'group', group };
    if (tail.length === 0) return { type: 'resources', group, version };
    return resourcePath(group, version, tail);
  }
  return { type: 'unknown' };
}

function resourcePath(group: string, version: string, parts: string[]): ApiPath {
  // namespaces/{ns}/{resource}/… is namespaced; a bare namespaces/{name}[/status] is the Namespace itself.
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    const [, namespace, resource, name, subresource, ...extra] = parts as [string, string, string, string?, string?, ...string[]];
    if (extra.length > 0) return { type: 'unknown' };
    return { type: 'resource', group, version, namespace, resource, ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
  }
  const [resource, name, subresource, ...extra] = parts as [string, string?, string?, ...string[]];
  if (extra.length > 0) return { type: 'unknown' };
  return { type: 'resource', group, version, resource, ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
}

/** The path of a collection or object, the inverse of parsePath (for selfLinks and kubectl). */
export function resourceUrl(p: { group: string; version: string; resource: string; namespace?: string; name?: string; subresource?: string }): string {
  const base = p.group === '' ? `/api/${p.version}` : `/apis/${p.group}/${p.version}`;
  const ns = p.namespace ? `/namespaces/${encodeURIComponent(p.namespace)}` : '';
  const name = p.name !== undefined ? `/${encodeURIComponent(p.name)}` : '';
  const sub = p.subresource ? `/${p.subresource}` : '';
  return `${base}${ns}/${p.resource}${name}${sub}`;
}

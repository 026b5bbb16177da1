/**
 * `kubectl create ingress|ing NAME --rule=host/path=svc:port[,tls[=secret]]
 * [--class] [--default-backend=svc:port] [--annotation=k=v]`.
 * K:staging/src/k8s.io/kubectl/pkg/cmd/create/create_ingress.go
 */
import type { KObject, ResourceRef } from '../client.ts';
import { list, str, type Command } from '../command.ts';
import { GENERATOR_FLAGS, objectMeta, runGenerator } from './create-object.ts';

const INGRESSES: ResourceRef = { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', namespaced: true };

// host, /path, =service:port, then optionally ",tls" or ",tls=secret".
const RULE = /^[\w*\-.]*\/[^,=\n]*=[\w-]+:[\w-]+(,tls=?([\w-]+)?)?$/;

/** intstr.Parse: a port number, else a port name. */
function backend(service: string): Record<string, unknown> {
  const [name, port] = service.split(':') as [string, string];
  const number = /^-?[0-9]+$/.test(port) ? Number(port) : undefined;
  return { service: { name, port: number === undefined ? { name: port } : number !== 0 ? { number } : {} } };
}

/** A rule's path: `/` plus what follows the host; a trailing `*` makes it a Prefix. */
function httpPath(pathAndService: string): Record<string, unknown> {
  const [p, service] = pathAndService.split('=') as [string, string];
  const path = `/${p}`;
  const prefix = path.endsWith('*');
  return { path: prefix ? path.slice(0, -1) : path, pathType: prefix ? 'Prefix' : 'Exact', backend: backend(service) };
}

/** buildTLSRules: hosts grouped by secret, each host once. */
function tlsRules(rules: string[]): Record<string, unknown>[] {
  const seen = new Set<string>();
  const out: { hosts?: string[]; secretName?: string }[] = [];
  for (const rule of rules) {
    const parts = rule.split(',');
    if (parts.length !== 2) continue;
    const host = rule.split('/')[0]!;
    const secret = parts[1]!.split('=')[1] ?? '';
    if (seen.has(host)) continue;
    seen.add(host);
    const same = out.find((t) => (t.secretName ?? '') === secret);
    if (same) {
      (same.hosts ??= []).push(host);
      continue;
    }
    const tls = { ...(host !== '' ? { hosts: [host] } : {}), ...(secret !== '' ? { secretName: secret } : {}) };
    if (tls.hosts || tls.secretName) out.push(tls);
  }
  return out;
}

/** buildIngressRules: one rule per host, its paths in the order given. */
function ingressRules(rules: string[]): Record<string, unknown>[] {
  const out: { host?: string; http: { paths: unknown[] } }[] = [];
  for (const rule of rules) {
    const withoutTls = rule.split(',')[0]!;
    const slash = withoutTls.indexOf('/');
    const host = withoutTls.slice(0, slash);
    const path = httpPath(withoutTls.slice(slash + 1));
    const same = out.find((r) => (r.host ?? '') === host);
    if (same) same.http.paths.push(path);
    else out.push({ ...(host !== '' ? { host } : {}), http: { paths: [path] } });
  }
  return out;
}

export const createIngressCommand: Command = {
  name: 'ingress',
  aliases: ['ing'],
  flags: [
    ...GENERATOR_FLAGS,
    { name: 'class', type: 'string' }, { name: 'rule', type: 'stringArray' },
    { name: 'default-backend', type: 'string' }, { name: 'annotation', type: 'stringArray' },
  ],
  run(inv) {
    const rules = list(inv.flags, 'rule');
    const annotations = list(inv.flags, 'annotation');
    const defaultBackend = str(inv.flags, 'default-backend');
    const ingressClass = str(inv.flags, 'class');
    return runGenerator(inv, () => {
      if (defaultBackend === '' && rules.length === 0) {
        throw new Error('not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)');
      }
      for (const rule of rules) if (!RULE.test(rule)) throw new Error(`rule ${rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]`);
      for (const a of annotations) if (!a.includes('=')) throw new Error(`annotation ${a} is invalid and should be in format key=[value]`);
      if (defaultBackend !== '' && defaultBackend.split(':').length !== 2) throw new Error('default-backend should be in format servicename:serviceport');
    }, {
      ref: INGRESSES,
      failure: 'failed to create ingress: ',
      build(name) {
        const annotationMap: Record<string, string> = {};
        for (const a of annotations) annotationMap[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
        const sortedAnnotations = Object.fromEntries(Object.keys(annotationMap).sort().map((k) => [k, annotationMap[k]!]));
        const tls = tlsRules(rules);
        const ruleList = ingressRules(rules);
        return {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: objectMeta(inv, name, annotations.length > 0 ? { annotations: sortedAnnotations } : {}),
          spec: {
            ...(ingressClass !== '' ? { ingressClassName: ingressClass } : {}),
            ...(defaultBackend !== '' ? { defaultBackend: backend(defaultBackend) } : {}),
            ...(tls.length > 0 ? { tls } : {}),
            ...(ruleList.length > 0 ? { rules: ruleList } : {}),
          },
        } as KObject;
      },
    });
  },
};

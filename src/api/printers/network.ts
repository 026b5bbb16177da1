/**
 * Service, Endpoints and EndpointSlice tables (`K:pkg/printers/internalversion/printers.go`, v1.32).
 */
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Endpoints, Service } from 'kubernetes-types/core/v1';
import { DOC } from './descriptions.ts';
import { ageSince } from './duration.ts';
import { column, formatLabels, type Printer } from './table.ts';

const NAME = column('Name', 'string', DOC['ObjectMeta.name'], { format: 'name' });
const AGE = column('Age', 'string', DOC['ObjectMeta.creationTimestamp']);

/** `getServiceExternalIP` with wide=true (the server always prints wide, so no 16-char clipping). */
function externalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = new Set<string>();
      for (const i of svc.status?.loadBalancer?.ingress ?? []) {
        if (i.ip) ingress.add(i.ip);
        else if (i.hostname) ingress.add(i.hostname);
      }
      const lb = [...ingress].sort();
      if (externalIPs.length > 0) return [...lb, ...externalIPs].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** `makePortString`: `80/TCP`, `80:30080/TCP`, comma-joined. */
function portString(svc: Service): string {
  return (svc.spec?.ports ?? []).map((p) => (p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`)).join(',');
}

export const servicePrinter: Printer<Service> = {
  columns: [
    NAME,
    column('Type', 'string', DOC['ServiceSpec.type']),
    column('Cluster-IP', 'string', DOC['ServiceSpec.clusterIP']),
    column('External-IP', 'string', DOC['ServiceSpec.externalIPs']),
    column('Port(s)', 'string', DOC['ServiceSpec.ports']),
    AGE,
    column('Selector', 'string', DOC['ServiceSpec.selector'], { priority: 1 }),
  ],
  row(svc, nowMs) {
    return {
      cells: [
        svc.metadata?.name ?? '',
        svc.spec?.type ?? '',
        svc.spec?.clusterIPs?.[0] ?? '<none>',
        externalIP(svc),
        portString(svc) || '<none>',
        ageSince(svc.metadata?.creationTimestamp, nowMs),
        formatLabels(svc.spec?.selector),
      ],
    };
  },
};

/** `net.JoinHostPort`: IPv6 addresses get brackets. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `formatEndpoints(endpoints, nil)`: up to 3 `ip:port`, then ` + N more...`; `<none>` without subsets. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    if ((ss.ports ?? []).length === 0) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const port of ss.ports ?? []) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(a.ip, port.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsPrinter: Printer<Endpoints> = {
  columns: [NAME, column('Endpoints', 'string', DOC['Endpoints.subsets']), AGE],
  row(ep, nowMs) {
    return { cells: [ep.metadata?.name ?? '', formatEndpoints(ep), ageSince(ep.metadata?.creationTimestamp, nowMs)] };
  },
};

/** `listWithMoreString`: `<unset>` when empty. */
function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

export const endpointSlicePrinter: Printer<EndpointSlice> = {
  columns: [
    NAME,
    column('AddressType', 'string', DOC['EndpointSlice.addressType']),
    column('Ports', 'string', DOC['EndpointSlice.ports']),
    column('Endpoints', 'string', DOC['EndpointSlice.endpoints']),
    AGE,
  ],
  row(slice, nowMs) {
    const max = 3;
    const ports: string[] = [];
    let portsMore = false;
    let portCount = 0;
    for (const p of slice.ports ?? []) {
      if (ports.length < max) ports.push(p.port !== undefined && p.port !== null ? String(p.port) : (p.name ?? '*'));
      else if (ports.length === max) portsMore = true;
      portCount++;
    }
    const addrs: string[] = [];
    let addrMore = false;
    let addrCount = 0;
    for (const e of slice.endpoints ?? []) {
      for (const a of e.addresses) {
        if (addrs.length < max) addrs.push(a);
        else if (addrs.length === max) addrMore = true;
        addrCount++;
      }
    }
    return {
      cells: [slice.metadata?.name ?? '', slice.addressType, listWithMore(ports, portsMore, portCount, max), listWithMore(addrs, addrMore, addrCount, max), ageSince(slice.metadata?.creationTimestamp, nowMs)],
    };
  },
};

/**
 * Services, Endpoints, EndpointSlices, ConfigMaps, Secrets, Namespaces,
 * ServiceAccounts and Nodes as kubectl describes them
 * (K:staging/src/k8s.io/kubectl/pkg/describe/describe.go).
 */
import { describeEvents, formatLabels, printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline, rfc1123z, since, type Obj, type PrefixWriter } from './writer.ts';

/** `formatEndpointSlices`: ready addresses with the port named like the service port, at most three. */
function formatEndpointSlices(slices: Obj[], portName: string): string {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const s of slices) {
    const ports = (s.ports ?? []) as Obj[];
    const endpoints = (s.endpoints ?? []) as Obj[];
    if (ports.length === 0) {
      for (const e of endpoints) {
        if (list.length === 3) more = true;
        if (e.conditions?.ready === false) continue;
        if (!more) list.push(e.addresses[0]);
        count++;
      }
      continue;
    }
    for (const p of ports) {
      if ((p.name ?? '') !== portName) continue;
      for (const e of endpoints) {
        if (list.length === 3) more = true;
        if (e.conditions?.ready === false) continue;
        const addr = String(e.addresses[0]);
        if (!more) list.push(`${addr.includes(':') ? `[${addr}]` : addr}:${p.port}`);
        count++;
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - 3} more...` : ret;
}

export function describeService(svc: Obj, slices: Obj[], events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  const spec = svc.spec ?? {};
  w.write(0, `Name:\t${svc.metadata.name}\n`);
  w.write(0, `Namespace:\t${svc.metadata.namespace}\n`);
  printLabelsMultiline(w, 'Labels', svc.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', svc.metadata.annotations);
  w.write(0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(0, `Type:\t${spec.type ?? ''}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${(spec.ipFamilies ?? []).length > 0 ? spec.ipFamilies.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ''}\n`);
  w.write(0, `IPs:\t${(spec.clusterIPs ?? []).length > 0 ? spec.clusterIPs.join(',') : '<none>'}\n`);
  if ((spec.externalIPs ?? []).length > 0) w.write(0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
  if (spec.loadBalancerIP) w.write(0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
  if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
  const ingress = (svc.status?.loadBalancer?.ingress ?? []) as Obj[];
  if (ingress.length > 0) w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => (i.ip ? `${i.ip}${i.ipMode ? ` (${i.ipMode})` : ''}` : i.hostname)).join(', ')}\n`);
  for (const p of (spec.ports ?? []) as Obj[]) {
    const name = p.name || '<unset>';
    w.write(0, `Port:\t${name}\t${p.port}/${p.protocol}\n`);
    w.write(0, `TargetPort:\t${p.targetPort ?? ''}/${p.protocol}\n`);
    if (p.appProtocol) w.write(0, `AppProtocol:\t${p.appProtocol}\n`);
    if (p.nodePort) w.write(0, `NodePort:\t${name}\t${p.nodePort}/${p.protocol}\n`);
    w.write(0, `Endpoints:\t${formatEndpointSlices(slices, p.name ?? '')}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? ''}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (spec.healthCheckNodePort) w.write(0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  if ((spec.loadBalancerSourceRanges ?? []).length > 0) w.write(0, `LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges.join(',')}\n`);
  if (spec.trafficDistribution) w.write(0, `Traffic Distribution:\t${spec.trafficDistribution}\n`);
  describeEvents(events, w, now);
}

export function describeEndpoints(ep: Obj, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  w.write(0, `Name:\t${ep.metadata.name}\n`);
  w.write(0, `Namespace:\t${ep.metadata.namespace}\n`);
  printLabelsMultiline(w, 'Labels', ep.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', ep.metadata.annotations);
  w.write(0, 'Subsets:\n');
  for (const s of (ep.subsets ?? []) as Obj[]) {
    const ips = (list: Obj[] | undefined) => (list ?? []).map((a) => a.ip).join(',') || '<none>';
    w.write(1, `Addresses:\t${ips(s.addresses)}\n`);
    w.write(1, `NotReadyAddresses:\t${ips(s.notReadyAddresses)}\n`);
    if ((s.ports ?? []).length > 0) {
      w.write(1, 'Ports:\n');
      w.write(2, 'Name\tPort\tProtocol\n');
      w.write(2, '----\t----\t--------\n');
      for (const p of s.ports as Obj[]) w.write(2, `${p.name || '<unset>'}\t${p.port}\t${p.protocol}\n`);
    }
    w.write(0, '\n');
  }
  describeEvents(events, w, now);
}

export function describeEndpointSlice(eps: Obj, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  w.write(0, `Name:\t${eps.metadata.name}\n`);
  w.write(0, `Namespace:\t${eps.metadata.namespace}\n`);
  printLabelsMultiline(w, 'Labels', eps.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', eps.metadata.annotations);
  w.write(0, `AddressType:\t${eps.addressType ?? ''}\n`);
  const ports = (eps.ports ?? []) as Obj[];
  if (ports.length === 0) w.write(0, 'Ports: <unset>\n');
  else {
    w.write(0, 'Ports:\n');
    w.write(1, 'Name\tPort\tProtocol\n');
    w.write(1, '----\t----\t--------\n');
    for (const p of ports) w.write(1, `${p.name || '<unset>'}\t${p.port ?? '<unset>'}\t${p.protocol}\n`);
  }
  const endpoints = (eps.endpoints ?? []) as Obj[];
  if (endpoints.length === 0) w.write(0, 'Endpoints: <none>\n');
  else {
    w.write(0, 'Endpoints:\n');
    for (const e of endpoints) {
      w.write(1, `- Addresses:\t${(e.addresses ?? []).join(', ') || '<none>'}\n`);
      w.write(2, 'Conditions:\n');
      w.write(3, `Ready:\t${e.conditions?.ready === undefined ? '<unset>' : String(e.conditions.ready)}\n`);
      w.write(2, `Hostname:\t${e.hostname ?? '<unset>'}\n`);
      if (e.targetRef) w.write(2, `TargetRef:\t${e.targetRef.kind}/${e.targetRef.name}\n`);
      w.write(2, `NodeName:\t${e.nodeName ?? '<unset>'}\n`);
      w.write(2, `Zone:\t${e.zone ?? '<unset>'}\n`);
    }
  }
  describeEvents(events, w, now);
}

export function describeConfigMap(cm: Obj, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  w.write(0, `Name:\t${cm.metadata.name}\n`);
  w.write(0, `Namespace:\t${cm.metadata.namespace}\n`);
  printLabelsMultiline(w, 'Labels', cm.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', cm.metadata.annotations);
  w.write(0, '\nData\n====\n');
  // 1.32 ranges over the Go map (random order); sorted here, as later kubectl does.
  const data = (cm.data ?? {}) as Record<string, string>;
  for (const k of Object.keys(data).sort()) {
    w.write(0, `${k}:\n----\n`);
    w.write(0, `${data[k]}\n`);
    w.write(0, '\n');
  }
  w.write(0, '\nBinaryData\n====\n');
  const binary = (cm.binaryData ?? {}) as Record<string, string>;
  for (const k of Object.keys(binary).sort()) w.write(0, `${k}: ${base64Length(binary[k]!)} bytes\n`);
  w.write(0, '\n');
  describeEvents(events, w, now);
}

function decodeBase64(b64: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of b64.replace(/=+$/, '')) {
    value = (value << 6) | alphabet.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function base64Length(b64: string): number {
  const clean = b64.replace(/=+$/, '');
  return Math.floor((clean.length * 3) / 4);
}

export function describeSecret(secret: Obj, w: PrefixWriter): void {
  w.write(0, `Name:\t${secret.metadata.name}\n`);
  w.write(0, `Namespace:\t${secret.metadata.namespace}\n`);
  printLabelsMultiline(w, 'Labels', secret.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', secret.metadata.annotations);
  w.write(0, `\nType:\t${secret.type ?? ''}\n`);
  w.write(0, '\nData\n====\n');
  const data = (secret.data ?? {}) as Record<string, string>;
  for (const k of Object.keys(data).sort()) {
    if (k === 'token' && secret.type === 'kubernetes.io/service-account-token') w.write(0, `${k}:\t${decodeBase64(data[k]!)}\n`);
    else w.write(0, `${k}:\t${base64Length(data[k]!)} bytes\n`);
  }
}

export function describeNamespace(ns: Obj, quotas: Obj[] | undefined, limits: Obj[] | undefined, w: PrefixWriter): void {
  w.write(0, `Name:\t${ns.metadata.name}\n`);
  printLabelsMultiline(w, 'Labels', ns.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', ns.metadata.annotations);
  w.write(0, `Status:\t${ns.status?.phase ?? ''}\n`);
  const conds = (ns.status?.conditions ?? []) as Obj[];
  if (conds.length > 0) {
    w.write(0, 'Conditions:\n');
    w.write(1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t------------------\t------\t-------\n');
    for (const c of conds) w.write(1, `${c.type}\t${c.status}\t${rfc1123z(c.lastTransitionTime)}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
  }
  if (quotas) {
    w.write(0, '\n');
    if (quotas.length === 0) w.write(0, 'No resource quota.\n');
  }
  if (limits) {
    w.write(0, '\n');
    if (limits.length === 0) w.write(0, 'No LimitRange resource.\n');
  }
}

export function describeServiceAccount(sa: Obj, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  w.write(0, `Name:\t${sa.metadata.name}\n`);
  w.write(0, `Namespace:\t${sa.metadata.namespace}\n`);
  printLabelsMultiline(w, 'Labels', sa.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', sa.metadata.annotations);
  const pull = ((sa.imagePullSecrets ?? []) as Obj[]).map((s) => s.name as string);
  if (pull.length === 0) w.write(0, 'Image pull secrets:\t<none>\n');
  else pull.forEach((n, i) => w.write(0, `${i === 0 ? 'Image pull secrets:' : '                   '}\t${n}\n`));
  // 1.32 still lists the (long empty) mountable secrets and tokens.
  const mountable = ((sa.secrets ?? []) as Obj[]).map((s) => s.name as string);
  if (mountable.length === 0) w.write(0, 'Mountable secrets:\t<none>\n');
  else mountable.forEach((n, i) => w.write(0, `${i === 0 ? 'Mountable secrets: ' : '                   '}\t${n}\n`));
  w.write(0, 'Tokens:\t<none>\n');
  describeEvents(events, w, now);
}

export function describeNode(node: Obj, pods: Obj[], lease: Obj | undefined, leaseError: string | undefined, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  const spec = node.spec ?? {};
  const st = node.status ?? {};
  w.write(0, `Name:\t${node.metadata.name}\n`);
  const roles = new Set<string>();
  for (const [k, v] of Object.entries((node.metadata.labels ?? {}) as Record<string, string>)) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  w.write(0, `Roles:\t${roles.size > 0 ? [...roles].sort().join(',') : '<none>'}\n`);
  printLabelsMultiline(w, 'Labels', node.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', node.metadata.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}\n`);
  printTaintsMultiline(w, 'Taints', spec.taints);
  w.write(0, `Unschedulable:\t${spec.unschedulable === true}\n`);
  if (lease) {
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${lease.spec?.holderIdentity ?? '<unset>'}\n`);
    w.write(1, `AcquireTime:\t${lease.spec?.acquireTime ? rfc1123z(lease.spec.acquireTime) : '<unset>'}\n`);
    w.write(1, `RenewTime:\t${lease.spec?.renewTime ? rfc1123z(lease.spec.renewTime) : '<unset>'}\n`);
  } else w.write(0, `Lease:\tFailed to get lease: ${leaseError ?? ''}\n`);
  const conds = (st.conditions ?? []) as Obj[];
  if (conds.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conds) w.write(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
  }
  w.write(0, 'Addresses:\n');
  for (const a of (st.addresses ?? []) as Obj[]) w.write(1, `${a.type}:\t${a.address}\n`);
  const resources = (list: Record<string, string>) => {
    for (const k of Object.keys(list).sort()) w.write(0, `  ${k}:\t${list[k]}\n`);
  };
  if (Object.keys(st.capacity ?? {}).length > 0) {
    w.write(0, 'Capacity:\n');
    resources(st.capacity);
  }
  if (Object.keys(st.allocatable ?? {}).length > 0) {
    w.write(0, 'Allocatable:\n');
    resources(st.allocatable);
  }
  const info = st.nodeInfo ?? {};
  w.write(0, 'System Info:\n');
  w.write(0, `  Machine ID:\t${info.machineID ?? ''}\n`);
  w.write(0, `  System UUID:\t${info.systemUUID ?? ''}\n`);
  w.write(0, `  Boot ID:\t${info.bootID ?? ''}\n`);
  w.write(0, `  Kernel Version:\t${info.kernelVersion ?? ''}\n`);
  w.write(0, `  OS Image:\t${info.osImage ?? ''}\n`);
  w.write(0, `  Operating System:\t${info.operatingSystem ?? ''}\n`);
  w.write(0, `  Architecture:\t${info.architecture ?? ''}\n`);
  w.write(0, `  Container Runtime Version:\t${info.containerRuntimeVersion ?? ''}\n`);
  w.write(0, `  Kubelet Version:\t${info.kubeletVersion ?? ''}\n`);
  w.write(0, `  Kube-Proxy Version:\t${info.kubeProxyVersion ?? ''}\n`);
  if (spec.podCIDR) w.write(0, `PodCIDR:\t${spec.podCIDR}\n`);
  if ((spec.podCIDRs ?? []).length > 0) w.write(0, `PodCIDRs:\t${spec.podCIDRs.join(',')}\n`);
  if (spec.providerID) w.write(0, `ProviderID:\t${spec.providerID}\n`);
  describeNodeResource(pods, node, w, now);
  describeEvents(events, w, now);
}

function describeNodeResource(pods: Obj[], node: Obj, w: PrefixWriter, now: number): void {
  const alloc = (Object.keys(node.status?.allocatable ?? {}).length > 0 ? node.status.allocatable : node.status?.capacity ?? {}) as Record<string, string>;
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const total: Record<string, { req: number; lim: number }> = {};
  const cpuAlloc = milli(alloc.cpu);
  const memAlloc = bytes(alloc.memory);
  const pct = (v: number, of: number) => (of === 0 ? 0 : Math.trunc((v / of) * 100));
  for (const pod of pods) {
    const r = podResources(pod);
    for (const [k, v] of Object.entries(r)) {
      const t = (total[k] ??= { req: 0, lim: 0 });
      t.req += v.req;
      t.lim += v.lim;
    }
    const cpu = r.cpu ?? { req: 0, lim: 0 };
    const mem = r.memory ?? { req: 0, lim: 0 };
    w.write(1, `${pod.metadata.namespace}\t${pod.metadata.name}\t\t${fmtCpu(cpu.req)} (${pct(cpu.req, cpuAlloc)}%)\t${fmtCpu(cpu.lim)} (${pct(cpu.lim, cpuAlloc)}%)\t${fmtMem(mem.req, r.memory?.text?.req)} (${pct(mem.req, memAlloc)}%)\t${fmtMem(mem.lim, r.memory?.text?.lim)} (${pct(mem.lim, memAlloc)}%)\t${since(pod.metadata.creationTimestamp, now)}\n`);
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  const cpu = total.cpu ?? { req: 0, lim: 0 };
  const mem = total.memory ?? { req: 0, lim: 0 };
  const eph = total['ephemeral-storage'] ?? { req: 0, lim: 0 };
  const ephAlloc = bytes(alloc['ephemeral-storage']);
  w.write(1, `cpu\t${fmtCpu(cpu.req)} (${pct(cpu.req, cpuAlloc)}%)\t${fmtCpu(cpu.lim)} (${pct(cpu.lim, cpuAlloc)}%)\n`);
  w.write(1, `memory\t${fmtMem(mem.req)} (${pct(mem.req, memAlloc)}%)\t${fmtMem(mem.lim)} (${pct(mem.lim, memAlloc)}%)\n`);
  w.write(1, `ephemeral-storage\t${fmtMem(eph.req)} (${pct(eph.req, ephAlloc)}%)\t${fmtMem(eph.lim)} (${pct(eph.lim, ephAlloc)}%)\n`);
  for (const k of Object.keys(alloc).filter((k) => k.startsWith('hugepages-')).sort()) {
    const t = total[k] ?? { req: 0, lim: 0 };
    w.write(1, `${k}\t${fmtMem(t.req)} (${pct(t.req, bytes(alloc[k]))}%)\t${fmtMem(t.lim)} (${pct(t.lim, bytes(alloc[k]))}%)\n`);
  }
}

type Totals = Record<string, { req: number; lim: number; text?: { req?: string; lim?: string } }>;

/** Sum of the containers' requests and limits (init containers ignored, as is typical). */
function podResources(pod: Obj): Totals {
  const out: Totals = {};
  for (const c of (pod.spec?.containers ?? []) as Obj[]) {
    for (const kind of ['requests', 'limits'] as const) {
      for (const [k, v] of Object.entries((c.resources?.[kind] ?? {}) as Record<string, string>)) {
        const t = (out[k] ??= { req: 0, lim: 0, text: {} });
        const n = k === 'cpu' ? milli(v) : bytes(v);
        if (kind === 'requests') { t.req += n; t.text!.req = v; } else { t.lim += n; t.text!.lim = v; }
      }
    }
  }
  // A container with limits but no requests requests its limits (defaulting).
  return out;
}

function milli(q: string | undefined): number {
  if (!q) return 0;
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

const SUFFIX: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
function bytes(q: string | undefined): number {
  if (!q) return 0;
  const m = /^(\d+(?:\.\d+)?)([KMGT]i|[kMGT])?$/.exec(q);
  return m ? Number(m[1]) * (m[2] ? SUFFIX[m[2]]! : 1) : 0;
}

function fmtCpu(m: number): string {
  if (m === 0) return '0';
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

function fmtMem(n: number, text?: string): string {
  if (text) return text;
  if (n === 0) return '0';
  for (const [s, f] of [['Ti', 1024 ** 4], ['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) if (n % f === 0) return `${n / f}${s}`;
  return String(n);
}

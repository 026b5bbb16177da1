/**
 * Node, Namespace, Event, ConfigMap, Secret, ServiceAccount and Lease tables
 * (`K:pkg/printers/internalversion/printers.go`, v1.32).
 */
import type { Lease } from 'kubernetes-types/coordination/v1';
import type { ConfigMap, Event, Namespace, Node, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import { DOC } from './descriptions.ts';
import { ageSince } from './duration.ts';
import { column, type Printer } from './table.ts';

const NAME = column('Name', 'string', DOC['ObjectMeta.name'], { format: 'name' });
const AGE = column('Age', 'string', DOC['ObjectMeta.creationTimestamp']);

/** `findNodeRoles`: `node-role.kubernetes.io/<role>` keys and the `kubernetes.io/role` value, sorted, deduplicated. */
function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

function nodeAddress(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

export const nodePrinter: Printer<Node> = {
  columns: [
    NAME,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE,
    column('Version', 'string', DOC['NodeSystemInfo.kubeletVersion']),
    column('Internal-IP', 'string', DOC['NodeStatus.addresses'], { priority: 1 }),
    column('External-IP', 'string', DOC['NodeStatus.addresses'], { priority: 1 }),
    column('OS-Image', 'string', DOC['NodeSystemInfo.osImage'], { priority: 1 }),
    column('Kernel-Version', 'string', DOC['NodeSystemInfo.kernelVersion'], { priority: 1 }),
    column('Container-Runtime', 'string', DOC['NodeSystemInfo.containerRuntimeVersion'], { priority: 1 }),
  ],
  row(node, nowMs) {
    // Only the Ready condition counts: True → Ready, False or Unknown → NotReady.
    const status: string[] = [];
    const ready = [...(node.status?.conditions ?? [])].reverse().find((c) => c.type === 'Ready');
    if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
    if (status.length === 0) status.push('Unknown');
    if (node.spec?.unschedulable) status.push('SchedulingDisabled');
    const roles = nodeRoles(node).join(',') || '<none>';
    const info = node.status?.nodeInfo;
    return {
      cells: [
        node.metadata?.name ?? '',
        status.join(','),
        roles,
        ageSince(node.metadata?.creationTimestamp, nowMs),
        info?.kubeletVersion ?? '',
        nodeAddress(node, 'InternalIP'),
        nodeAddress(node, 'ExternalIP'),
        info?.osImage || '<unknown>',
        info?.kernelVersion || '<unknown>',
        info?.containerRuntimeVersion || '<unknown>',
      ],
    };
  },
};

export const namespacePrinter: Printer<Namespace> = {
  columns: [NAME, column('Status', 'string', 'The status of the namespace'), AGE],
  row(ns, nowMs) {
    return { cells: [ns.metadata?.name ?? '', ns.status?.phase ?? '', ageSince(ns.metadata?.creationTimestamp, nowMs)] };
  },
};

export const configMapPrinter: Printer<ConfigMap> = {
  columns: [NAME, column('Data', 'string', DOC['ConfigMap.data']), AGE],
  row(cm, nowMs) {
    const data = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
    return { cells: [cm.metadata?.name ?? '', data, ageSince(cm.metadata?.creationTimestamp, nowMs)] };
  },
};

export const secretPrinter: Printer<Secret> = {
  columns: [NAME, column('Type', 'string', DOC['Secret.type']), column('Data', 'string', DOC['Secret.data']), AGE],
  row(s, nowMs) {
    return { cells: [s.metadata?.name ?? '', s.type ?? '', Object.keys(s.data ?? {}).length, ageSince(s.metadata?.creationTimestamp, nowMs)] };
  },
};

export const serviceAccountPrinter: Printer<ServiceAccount> = {
  columns: [NAME, column('Secrets', 'string', DOC['ServiceAccount.secrets']), AGE],
  row(sa, nowMs) {
    return { cells: [sa.metadata?.name ?? '', sa.secrets?.length ?? 0, ageSince(sa.metadata?.creationTimestamp, nowMs)] };
  },
};

export const leasePrinter: Printer<Lease> = {
  columns: [NAME, column('Holder', 'string', DOC['LeaseSpec.holderIdentity']), AGE],
  row(l, nowMs) {
    return { cells: [l.metadata?.name ?? '', l.spec?.holderIdentity ?? '', ageSince(l.metadata?.creationTimestamp, nowMs)] };
  },
};

/** `formatEventSource`: component (or reportingController), then `, host` (or reportingInstance) when set. */
function eventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

export const eventPrinter: Printer<Event> = {
  columns: [
    column('Last Seen', 'string', DOC['Event.lastTimestamp']),
    column('Type', 'string', DOC['Event.type']),
    column('Reason', 'string', DOC['Event.reason']),
    column('Object', 'string', DOC['Event.involvedObject']),
    column('Subobject', 'string', DOC['ObjectReference.fieldPath'], { priority: 1 }),
    column('Source', 'string', DOC['Event.source'], { priority: 1 }),
    column('Message', 'string', DOC['Event.message']),
    column('First Seen', 'string', DOC['Event.firstTimestamp'], { priority: 1 }),
    column('Count', 'string', DOC['Event.count'], { priority: 1 }),
    column('Name', 'string', DOC['ObjectMeta.name'], { format: 'name', priority: 1 }),
  ],
  row(ev, nowMs) {
    const set = (t: string | undefined | null) => Boolean(t) && t !== ZERO_TIME;
    const firstSeen = set(ev.firstTimestamp) ? ageSince(ev.firstTimestamp, nowMs) : ageSince(ev.eventTime, nowMs);
    let lastSeen = set(ev.lastTimestamp) ? ageSince(ev.lastTimestamp, nowMs) : firstSeen;
    let count = ev.count ?? 0;
    if (ev.series) {
      lastSeen = ageSince(ev.series.lastObservedTime, nowMs);
      count = ev.series.count ?? 0;
    } else if (count === 0) {
      count = 1; // singleton events of the new API carry no count
    }
    const inv = ev.involvedObject;
    const target = inv.name ? `${(inv.kind ?? '').toLowerCase()}/${inv.name}` : (inv.kind ?? '').toLowerCase();
    return {
      cells: [lastSeen, ev.type ?? '', ev.reason ?? '', target, inv.fieldPath ?? '', eventSource(ev), (ev.message ?? '').trim(), firstSeen, count, ev.metadata?.name ?? ''],
    };
  },
};

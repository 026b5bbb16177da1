/**
 * Policy, access and ingress tables, ported from `K:pkg/printers/internalversion/printers.go`
 * (v1.32): ResourceQuota, PriorityClass, RoleBinding, ClusterRoleBinding, NetworkPolicy,
 * Ingress, IngressClass. Role, ClusterRole and LimitRange use the default Name/Created At.
 */
import { DOC } from './descriptions.ts';
import { ageSince } from './duration.ts';
import { column, formatLabelSelector, formatQuantity, type LabelSelector, type Printer } from './table.ts';

const NAME = column('Name', 'string', DOC['ObjectMeta.name'], { format: 'name' });
const AGE = column('Age', 'string', DOC['ObjectMeta.creationTimestamp']);

interface Meta { metadata?: { name?: string; creationTimestamp?: string } }

interface ResourceQuotaLike extends Meta { status?: { hard?: Record<string, string>; used?: Record<string, string> } }

export const resourceQuotaPrinter: Printer<ResourceQuotaLike> = {
  columns: [
    NAME,
    AGE,
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ],
  row(q, nowMs) {
    const hard = q.status?.hard ?? {};
    const used = q.status?.used ?? {};
    const request: string[] = [];
    const limit: string[] = [];
    for (const r of Object.keys(hard).sort()) {
      const pieces = r.split('.');
      (pieces.length > 1 && pieces[0] === 'limits' ? limit : request).push(`${r}: ${formatQuantity(used[r] ?? '0')}/${formatQuantity(hard[r])}`);
    }
    return { cells: [q.metadata?.name ?? '', ageSince(q.metadata?.creationTimestamp, nowMs), request.join(', '), limit.join(', ')] };
  },
};

interface PriorityClassLike extends Meta { value?: number; globalDefault?: boolean; preemptionPolicy?: string }

export const priorityClassPrinter: Printer<PriorityClassLike> = {
  columns: [
    NAME,
    column('Value', 'integer', 'The value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.'),
    column('Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.'),
    AGE,
    column('PreemptionPolicy', 'string', 'PreemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.'),
  ],
  row(pc, nowMs) {
    return { cells: [pc.metadata?.name ?? '', pc.value ?? 0, pc.globalDefault ?? false, ageSince(pc.metadata?.creationTimestamp, nowMs), pc.preemptionPolicy ?? ''] };
  },
};

interface Subject { kind: string; name: string; namespace?: string }
interface BindingLike extends Meta { roleRef?: { kind?: string; name?: string }; subjects?: Subject[] }

/** SubjectsStrings: users, groups and `namespace/name` service accounts. */
function subjects(b: BindingLike): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of b.subjects ?? []) {
    if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
    else if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

const bindingPrinter: Printer<BindingLike> = {
  columns: [
    NAME,
    column('Role', 'string', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.'),
    AGE,
    column('Users', 'string', 'Users in the roleBinding', { priority: 1 }),
    column('Groups', 'string', 'Groups in the roleBinding', { priority: 1 }),
    column('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', { priority: 1 }),
  ],
  row(b, nowMs) {
    const [users, groups, sas] = subjects(b);
    return { cells: [b.metadata?.name ?? '', `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, ageSince(b.metadata?.creationTimestamp, nowMs), users, groups, sas] };
  },
};

export const roleBindingPrinter = bindingPrinter;
export const clusterRoleBindingPrinter: Printer<BindingLike> = {
  ...bindingPrinter,
  columns: bindingPrinter.columns.map((c) => (c.name.endsWith('s') && c.priority === 1 ? { ...c, description: c.description.replace('roleBinding', 'clusterRoleBinding') } : c)),
};

interface NetworkPolicyLike extends Meta { spec?: { podSelector?: LabelSelector } }

export const networkPolicyPrinter: Printer<NetworkPolicyLike> = {
  columns: [
    NAME,
    column('Pod-Selector', 'string', "podSelector selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace."),
    AGE,
  ],
  row(np, nowMs) {
    return { cells: [np.metadata?.name ?? '', formatLabelSelector(np.spec?.podSelector), ageSince(np.metadata?.creationTimestamp, nowMs)] };
  },
};

interface IngressLike extends Meta {
  spec?: { ingressClassName?: string; rules?: { host?: string }[]; tls?: unknown[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** formatHosts: up to three hosts, `*` when no rule names one, "+ N more..." beyond. */
function formatHosts(rules: { host?: string }[] | undefined): string {
  const all = rules ?? [];
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const r of all) {
    if (list.length === max) more = true;
    if (!more && r.host) list.push(r.host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${all.length - max} more...` : list.join(',');
}

export const ingressPrinter: Printer<IngressLike> = {
  columns: [
    NAME,
    column('Class', 'string', 'The name of the IngressClass resource.'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE,
  ],
  row(ing, nowMs) {
    const addresses = (ing.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter((a) => a !== '');
    const ports = (ing.spec?.tls ?? []).length > 0 ? '80, 443' : '80';
    return { cells: [ing.metadata?.name ?? '', ing.spec?.ingressClassName ?? '<none>', formatHosts(ing.spec?.rules), addresses.join(','), ports, ageSince(ing.metadata?.creationTimestamp, nowMs)] };
  },
};

interface IngressClassLike extends Meta { spec?: { controller?: string; parameters?: { kind?: string; apiGroup?: string; name?: string } } }

export const ingressClassPrinter: Printer<IngressClassLike> = {
  columns: [
    NAME,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE,
  ],
  row(ic, nowMs) {
    const p = ic.spec?.parameters;
    let parameters = '<none>';
    if (p !== undefined) parameters = `${p.kind ?? ''}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name ?? ''}`;
    return { cells: [ic.metadata?.name ?? '', ic.spec?.controller ?? '', parameters, ageSince(ic.metadata?.creationTimestamp, nowMs)] };
  },
};

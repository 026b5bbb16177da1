/**
 * `kubectl create job|cronjob|token|quota|priorityclass|namespace|serviceaccount|role|
 * rolebinding|clusterrolebinding`: objects built from flags, as
 * K:staging/src/k8s.io/kubectl/pkg/cmd/create/create_job.go, create_cronjob.go,
 * create_token.go, create_quota.go, create_priorityclass.go, create_namespace.go,
 * create_serviceaccount.go, create_role.go, create_rolebinding.go and
 * create_clusterrolebinding.go build them.
 */
import { resourcePath, type KObject, type ResourceRef } from '../client.ts';
import { bool, DRY_RUN_FLAG, list, PRINT_FLAGS, str, type Command, type Invocation } from '../command.ts';
import { ExitError, usageError } from '../errors.ts';
import { dryRunOf, ResultPrinter } from '../mutate.ts';

const JOBS: ResourceRef = { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true };
const CRONJOBS: ResourceRef = { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true };
const QUOTAS: ResourceRef = { group: '', version: 'v1', resource: 'resourcequotas', namespaced: true };
const PRIORITY_CLASSES: ResourceRef = { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', namespaced: false };
const SERVICE_ACCOUNTS: ResourceRef = { group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true };

const COMMON = [...PRINT_FLAGS, DRY_RUN_FLAG, { name: 'field-manager', type: 'string' as const }, { name: 'save-config', type: 'bool' as const }, { name: 'validate', type: 'string' as const, noOptDefault: 'strict' }];

/** NAME, the only positional argument before `--`. */
function nameArg(inv: Invocation): string {
  const before = inv.dashAt >= 0 ? inv.args.slice(0, inv.dashAt) : inv.args;
  if (before.length === 0) throw usageError(inv.path, 'NAME is required');
  if (before.length > 1) throw usageError(inv.path, `exactly one NAME is required, got ${before.length}`);
  return before[0]!;
}

const commandAfterDash = (inv: Invocation): string[] => (inv.dashAt >= 0 ? inv.args.slice(inv.dashAt) : []);

/** Creates (or, with --dry-run=client, only prints) the object. */
async function submit(inv: Invocation, ref: ResourceRef, obj: KObject): Promise<number> {
  const dryRun = dryRunOf(inv);
  const printer = new ResultPrinter(inv, dryRun);
  if (dryRun === 'client') {
    printer.print(obj, 'created');
    return 0;
  }
  const query: Record<string, string> = { fieldManager: str(inv.flags, 'field-manager') || 'kubectl-create', fieldValidation: 'Strict' };
  if (dryRun === 'server') query.dryRun = 'All';
  const created = (await inv.client().call('POST', resourcePath(ref, inv.namespace), { query, body: obj })) as KObject;
  printer.print(created, 'created');
  return 0;
}

const withNamespace = (inv: Invocation, meta: Record<string, unknown>): Record<string, unknown> =>
  inv.explicitNamespace ? { ...meta, namespace: inv.namespace } : meta;

export const createJobCommand: Command = {
  name: 'job',
  flags: [...COMMON, { name: 'image', type: 'string' }, { name: 'from', type: 'string' }],
  async run(inv) {
    const name = nameArg(inv);
    const image = str(inv.flags, 'image');
    const from = str(inv.flags, 'from');
    const command = commandAfterDash(inv);
    if ((image === '') === (from === '')) throw new Error('either --image or --from must be specified');
    if (command.length > 0 && from !== '') throw new Error('cannot specify --from and command');
    if (from === '') {
      return submit(inv, JOBS, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: withNamespace(inv, { name }),
        spec: { template: { spec: { containers: [{ name, image, ...(command.length > 0 ? { command } : {}) }], restartPolicy: 'Never' } } },
      } as KObject);
    }
    const slash = from.indexOf('/');
    const kind = slash < 0 ? from : from.slice(0, slash);
    if (slash < 0 || !['cronjob', 'cronjobs', 'cj', 'cronjob.batch', 'cronjobs.batch'].includes(kind.toLowerCase())) throw new Error(`unknown object type ${kind}`);
    const cj = (await inv.client().call('GET', resourcePath(CRONJOBS, inv.namespace, from.slice(slash + 1)))) as KObject & {
      spec?: { jobTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown } };
    };
    const template = cj.spec?.jobTemplate;
    return submit(inv, JOBS, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: withNamespace(inv, {
        name,
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual', ...(template?.metadata?.annotations ?? {}) },
        ...(template?.metadata?.labels ? { labels: template.metadata.labels } : {}),
        // Not metav1.NewControllerRef: blockOwnerDeletion would need the cronjobs/finalizers permission.
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata?.name ?? '', uid: cj.metadata?.uid ?? '', controller: true }],
      }),
      spec: template?.spec ?? {},
    } as KObject);
  },
};

export const createCronJobCommand: Command = {
  name: 'cronjob',
  aliases: ['cj'],
  flags: [...COMMON, { name: 'image', type: 'string' }, { name: 'schedule', type: 'string' }, { name: 'restart', type: 'string' }],
  async run(inv) {
    const name = nameArg(inv);
    const image = str(inv.flags, 'image');
    const schedule = str(inv.flags, 'schedule');
    if (image === '') throw new Error('--image must be specified');
    if (schedule === '') throw new Error('--schedule must be specified');
    const command = commandAfterDash(inv);
    return submit(inv, CRONJOBS, {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: withNamespace(inv, { name }),
      spec: {
        schedule,
        jobTemplate: {
          metadata: { name },
          spec: { template: { spec: { containers: [{ name, image, ...(command.length > 0 ? { command } : {}) }], restartPolicy: str(inv.flags, 'restart') || 'OnFailure' } } },
        },
      },
    } as KObject);
  },
};

export const createQuotaCommand: Command = {
  name: 'quota',
  aliases: ['resourcequota'],
  flags: [...COMMON, { name: 'hard', type: 'string' }, { name: 'scopes', type: 'string' }],
  async run(inv) {
    const name = nameArg(inv);
    const hard: Record<string, string> = {};
    for (const pair of str(inv.flags, 'hard').split(',').filter((p) => p !== '')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`invalid input ${JSON.stringify(pair)}, expected format: resource=value`);
      hard[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    const scopes = str(inv.flags, 'scopes').split(',').map((s) => s.trim()).filter((s) => s !== '');
    return submit(inv, QUOTAS, {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: withNamespace(inv, { name }),
      spec: { hard, ...(scopes.length > 0 ? { scopes } : {}) },
    } as KObject);
  },
};

export const createPriorityClassCommand: Command = {
  name: 'priorityclass',
  aliases: ['pc'],
  flags: [...COMMON, { name: 'value', type: 'string' }, { name: 'global-default', type: 'bool' }, { name: 'description', type: 'string' }, { name: 'preemption-policy', type: 'string' }],
  async run(inv) {
    const name = nameArg(inv);
    const value = Number(str(inv.flags, 'value') || '0');
    if (!Number.isInteger(value)) throw usageError(inv.path, `invalid argument "${str(inv.flags, 'value')}" for "--value" flag`);
    return submit(inv, PRIORITY_CLASSES, {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name },
      value,
      globalDefault: bool(inv.flags, 'global-default'),
      description: str(inv.flags, 'description'),
      preemptionPolicy: str(inv.flags, 'preemption-policy') || 'PreemptLowerPriority',
    } as KObject);
  },
};

export const createTokenCommand: Command = {
  name: 'token',
  flags: [...PRINT_FLAGS, { name: 'audience', type: 'stringArray' }, { name: 'duration', type: 'string' }, { name: 'bound-object-kind', type: 'string' }, { name: 'bound-object-name', type: 'string' }, { name: 'bound-object-uid', type: 'string' }],
  async run(inv) {
    const name = nameArg(inv);
    const spec: Record<string, unknown> = {};
    const audiences = list(inv.flags, 'audience');
    if (audiences.length > 0) spec.audiences = audiences;
    const duration = str(inv.flags, 'duration');
    if (duration !== '') {
      const m = /^(\d+)(s|m|h)$/.exec(duration);
      if (m === null) throw new Error(`invalid argument "${duration}" for "--duration" flag`);
      spec.expirationSeconds = Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
    }
    let result: { status?: { token?: string } };
    try {
      result = (await inv.client().call('POST', resourcePath(SERVICE_ACCOUNTS, inv.namespace, name, 'token'), {
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name, namespace: inv.namespace }, spec },
      })) as { status?: { token?: string } };
    } catch (e) {
      throw new Error(`failed to create token: ${(e as Error).message}`);
    }
    inv.io.stdout(`${result.status?.token ?? ''}\n`);
    return 0;
  },
};

const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };
const RBAC = (resource: string, namespaced: boolean): ResourceRef => ({ group: 'rbac.authorization.k8s.io', version: 'v1', resource, namespaced });

export const createNamespaceCommand: Command = {
  name: 'namespace',
  aliases: ['ns'],
  flags: COMMON,
  run: (inv) => submit(inv, NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: nameArg(inv) }, spec: {}, status: {} } as KObject),
};

export const createServiceAccountCommand: Command = {
  name: 'serviceaccount',
  aliases: ['sa'],
  flags: COMMON,
  run: (inv) => submit(inv, SERVICE_ACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: withNamespace(inv, { name: nameArg(inv) }) } as KObject),
};

const VALID_VERBS = ['*', 'get', 'delete', 'list', 'create', 'update', 'patch', 'watch', 'proxy', 'deletecollection', 'use', 'bind', 'escalate', 'impersonate'];
const splitList = (values: string[]): string[] => values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

/** generateResourcePolicyRules: one rule per API group, groups sorted. */
async function roleRules(inv: Invocation): Promise<unknown[]> {
  const verbs = splitList(list(inv.flags, 'verb'));
  if (verbs.length === 0) throw new Error('at least one verb must be specified');
  for (const v of verbs) if (!VALID_VERBS.includes(v)) throw new Error(`invalid verb: '${v}'`);
  const resources = splitList(list(inv.flags, 'resource'));
  const resourceNames = splitList(list(inv.flags, 'resource-name'));
  if (resources.length === 0) throw new Error('at least one resource must be specified');
  const byGroup = new Map<string, string[]>();
  for (const r of resources) {
    const slash = r.indexOf('/');
    const typed = slash < 0 ? r : r.slice(0, slash);
    let group = typed.includes('.') ? typed.slice(typed.indexOf('.') + 1) : '';
    let resource = typed.includes('.') ? typed.slice(0, typed.indexOf('.')) : typed;
    if (resource !== '*') {
      try {
        const m = await inv.discovery().mappingFor(typed);
        group = m.group;
        resource = m.resource;
      } catch {
        throw new Error(`resource ${JSON.stringify(typed)} not found`);
      }
    }
    if (slash >= 0) resource += r.slice(slash);
    const list = byGroup.get(group) ?? [];
    if (!list.includes(resource)) list.push(resource);
    byGroup.set(group, list);
  }
  return [...byGroup.keys()].sort().map((g) => ({ verbs, apiGroups: [g], resources: byGroup.get(g), ...(resourceNames.length > 0 ? { resourceNames } : {}) }));
}

const ROLE_FLAGS = [...COMMON, { name: 'verb', type: 'stringArray' as const }, { name: 'resource', type: 'stringArray' as const }, { name: 'resource-name', type: 'stringArray' as const }];

export const createRoleCommand: Command = {
  name: 'role',
  flags: ROLE_FLAGS,
  async run(inv) {
    const name = nameArg(inv);
    return submit(inv, RBAC('roles', true), { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: withNamespace(inv, { name }), rules: await roleRules(inv) } as KObject);
  },
};

export const createClusterRoleCommand: Command = {
  name: 'clusterrole',
  flags: ROLE_FLAGS,
  async run(inv) {
    const name = nameArg(inv);
    return submit(inv, RBAC('clusterroles', false), { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: await roleRules(inv) } as KObject);
  },
};

/** Subjects in kubectl's order: users, groups, then service accounts (`namespace:name`). */
function subjects(inv: Invocation): unknown[] {
  const out: unknown[] = [];
  for (const u of list(inv.flags, 'user')) out.push({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: u });
  for (const g of list(inv.flags, 'group')) out.push({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: g });
  for (const sa of list(inv.flags, 'serviceaccount')) {
    const parts = sa.split(':');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new Error(`serviceaccount must be <namespace>:<name>`);
    out.push({ kind: 'ServiceAccount', namespace: parts[0], name: parts[1] });
  }
  return out;
}

const BINDING_FLAGS = [...COMMON, { name: 'role', type: 'string' as const }, { name: 'clusterrole', type: 'string' as const }, { name: 'user', type: 'stringArray' as const }, { name: 'group', type: 'stringArray' as const }, { name: 'serviceaccount', type: 'stringArray' as const }];

export const createRoleBindingCommand: Command = {
  name: 'rolebinding',
  flags: BINDING_FLAGS,
  async run(inv) {
    const name = nameArg(inv);
    const role = str(inv.flags, 'role');
    const clusterRole = str(inv.flags, 'clusterrole');
    if ((role === '') === (clusterRole === '')) throw new Error('exactly one of clusterrole or role must be specified');
    return submit(inv, RBAC('rolebindings', true), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: withNamespace(inv, { name }),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: role !== '' ? 'Role' : 'ClusterRole', name: role || clusterRole },
      subjects: subjects(inv),
    } as KObject);
  },
};

export const createClusterRoleBindingCommand: Command = {
  name: 'clusterrolebinding',
  flags: BINDING_FLAGS.filter((f) => f.name !== 'role'),
  async run(inv) {
    const name = nameArg(inv);
    const clusterRole = str(inv.flags, 'clusterrole');
    if (clusterRole === '') throw new Error('required flag(s) "clusterrole" not set');
    return submit(inv, RBAC('clusterrolebindings', false), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
      subjects: subjects(inv),
    } as KObject);
  },
};

const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };

/** K:staging/src/k8s.io/kubectl/pkg/cmd/create/create_deployment.go: one container per --image, labelled app=NAME. */
export const createDeploymentCommand: Command = {
  name: 'deployment',
  aliases: ['deploy'],
  flags: [...COMMON, { name: 'image', type: 'stringSlice' }, { name: 'port', type: 'int' }, { name: 'replicas', short: 'r', type: 'int' }],
  run(inv) {
    const name = nameArg(inv);
    const images = list(inv.flags, 'image');
    const command = commandAfterDash(inv);
    if (!inv.changed.has('image')) throw new ExitError('error: required flag(s) "image" not set');
    if (images.length > 1 && command.length > 0) throw new Error('cannot specify multiple --image options and command');
    const used = new Set<string>();
    const containers: Record<string, unknown>[] = images.map((image) => {
      // The image's last path element without tag or digest; `_` is not allowed in a container name.
      let base = (image.split('/').at(-1) ?? '').split(':')[0]!.split('@')[0]!.replace(/_/g, '-');
      if (used.has(base)) base = `${base}-${used.size}`;
      used.add(base);
      return { name: base, image, ...(command.length > 0 ? { command } : {}), resources: {} };
    });
    const port = typeof inv.flags.port === 'number' ? inv.flags.port : -1;
    if (port >= 0 && containers[0]) containers[0].ports = [{ containerPort: port }];
    const labels = { app: name };
    return submit(inv, DEPLOYMENTS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      // Go's typed object prints its zero timestamp as null (--dry-run=client -o yaml).
      metadata: withNamespace(inv, { creationTimestamp: null, name, labels }),
      spec: {
        replicas: typeof inv.flags.replicas === 'number' ? inv.flags.replicas : 1,
        selector: { matchLabels: labels },
        strategy: {},
        template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
      },
      status: {},
    } as KObject);
  },
};

export const CREATE_SUBCOMMANDS: Command[] = [
  createDeploymentCommand,
  createClusterRoleCommand, createClusterRoleBindingCommand, createCronJobCommand, createJobCommand, createNamespaceCommand,
  createPriorityClassCommand, createQuotaCommand, createRoleCommand, createRoleBindingCommand, createServiceAccountCommand, createTokenCommand,
];

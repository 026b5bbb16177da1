import { describe, expect, it } from 'vitest';
import { toTable } from './index.ts';

const NOW = Date.parse('2025-01-01T01:00:00Z');
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: '2025-01-01T00:23:00Z', ...extra }); // 37m old

const headers = (kind: string) => toTable(kind, [], NOW).columnDefinitions.map((c) => (c.priority ? `${c.name}*` : c.name));
const cells = (kind: string, obj: object) => toTable(kind, [obj], NOW).rows[0]?.cells;

describe('column sets (printers.go, v1.32; * = wide only)', () => {
  it.each([
    ['nodes', ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP*', 'External-IP*', 'OS-Image*', 'Kernel-Version*', 'Container-Runtime*']],
    ['namespaces', ['Name', 'Status', 'Age']],
    ['services', ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector*']],
    ['endpoints', ['Name', 'Endpoints', 'Age']],
    ['endpointslices', ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']],
    ['deployments', ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']],
    ['replicasets', ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']],
    ['statefulsets', ['Name', 'Ready', 'Age', 'Containers*', 'Images*']],
    ['daemonsets', ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers*', 'Images*', 'Selector*']],
    ['controllerrevisions', ['Name', 'Controller', 'Revision', 'Age']],
    ['persistentvolumes', ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode*']],
    ['persistentvolumeclaims', ['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age', 'VolumeMode*']],
    ['storageclasses', ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']],
    ['events', ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject*', 'Source*', 'Message', 'First Seen*', 'Count*', 'Name*']],
    ['configmaps', ['Name', 'Data', 'Age']],
    ['secrets', ['Name', 'Type', 'Data', 'Age']],
    ['serviceaccounts', ['Name', 'Secrets', 'Age']],
    ['leases', ['Name', 'Holder', 'Age']],
    ['poddisruptionbudgets', ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']],
    ['jobs', ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers*', 'Images*', 'Selector*']],
    ['cronjobs', ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers*', 'Images*', 'Selector*']],
    ['customresourcedefinitions', ['Name', 'Created At']],
  ])('%s', (resource, want) => {
    expect(headers(resource)).toEqual(want);
  });
});

describe('cells', () => {
  it('nodes: Ready / NotReady / SchedulingDisabled, roles, wide info', () => {
    const node = (ready: string, unschedulable = false, labels: Record<string, string> = {}) => ({
      metadata: meta('kind-worker', { namespace: undefined, labels }),
      spec: unschedulable ? { unschedulable: true } : {},
      status: {
        conditions: [{ type: 'Ready', status: ready }],
        addresses: [{ type: 'InternalIP', address: '172.18.0.3' }, { type: 'Hostname', address: 'kind-worker' }],
        nodeInfo: { kubeletVersion: 'v1.32.2', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://2.0.2' },
      },
    });
    expect(cells('Node', node('True', false, { 'node-role.kubernetes.io/control-plane': '' }))).toEqual([
      'kind-worker', 'Ready', 'control-plane', '37m', 'v1.32.2', '172.18.0.3', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'containerd://2.0.2',
    ]);
    expect(cells('Node', node('Unknown'))?.slice(1, 3)).toEqual(['NotReady', '<none>']);
    expect(cells('Node', node('True', true))?.[1]).toBe('Ready,SchedulingDisabled');
  });

  it('services: ClusterIP, headless, NodePort, LoadBalancer pending', () => {
    const svc = (spec: object, status: object = {}) => ({ metadata: meta('nginx'), spec, status });
    expect(cells('Service', svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'nginx' } }))).toEqual([
      'nginx', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '37m', 'app=nginx',
    ]);
    expect(cells('Service', svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80, protocol: 'TCP' }] }))?.slice(2, 5)).toEqual(['None', '<none>', '80/TCP']);
    expect(cells('Service', svc({ type: 'NodePort', clusterIPs: ['10.96.1.1'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }))?.[4]).toBe('80:30080/TCP,53/UDP');
    expect(cells('Service', svc({ type: 'LoadBalancer', clusterIPs: ['10.96.1.2'], ports: [] }))?.slice(3, 5)).toEqual(['<pending>', '<none>']);
  });

  it('endpoints and endpointslices: first three, then "+ N more..."', () => {
    const ep = { metadata: meta('nginx'), subsets: [{ addresses: ['10.244.1.2', '10.244.2.2', '10.244.1.3', '10.244.2.3'].map((ip) => ({ ip })), ports: [{ port: 80 }] }] };
    expect(cells('Endpoints', ep)?.[1]).toBe('10.244.1.2:80,10.244.2.2:80,10.244.1.3:80 + 1 more...');
    expect(cells('Endpoints', { metadata: meta('none') })?.[1]).toBe('<none>');
    const slice = { metadata: meta('nginx-abcde'), addressType: 'IPv4', ports: [{ port: 80, name: 'web' }], endpoints: [{ addresses: ['10.244.1.2'] }, { addresses: ['10.244.2.2'] }] };
    expect(cells('EndpointSlice', slice)).toEqual(['nginx-abcde', 'IPv4', '80', '10.244.1.2,10.244.2.2', '37m']);
    expect(cells('EndpointSlice', { metadata: meta('empty'), addressType: 'IPv4', endpoints: [] })?.slice(2, 4)).toEqual(['<unset>', '<unset>']);
  });

  it('workloads: ready/desired, integers, containers, images, selector', () => {
    const template = { spec: { containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.24' }, { name: 'sidecar', image: 'busybox' }] } };
    const selector = { matchLabels: { app: 'nginx' } };
    expect(cells('StatefulSet', { metadata: meta('web'), spec: { replicas: 2, selector, template }, status: { readyReplicas: 1 } })).toEqual([
      'web', '1/2', '37m', 'nginx,sidecar', 'registry.k8s.io/nginx-slim:0.24,busybox',
    ]);
    expect(cells('Deployment', { metadata: meta('web'), spec: { replicas: 3, selector, template }, status: { readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 } })).toEqual([
      'web', '3/3', 3, 3, '37m', 'nginx,sidecar', 'registry.k8s.io/nginx-slim:0.24,busybox', 'app=nginx',
    ]);
    expect(cells('ReplicaSet', { metadata: meta('web-5d4f8'), spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, template }, status: { replicas: 3, readyReplicas: 2 } })).toEqual([
      'web-5d4f8', 3, 3, 2, '37m', 'nginx,sidecar', 'registry.k8s.io/nginx-slim:0.24,busybox', 'app=nginx,tier in (api,web)',
    ]);
    expect(cells('DaemonSet', { metadata: meta('fluentd'), spec: { selector, template: { spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'f', image: 'fluentd' }] } } }, status: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1 } })).toEqual([
      'fluentd', 1, 1, 1, 1, 1, 'disk=ssd', '37m', 'f', 'fluentd', 'app=nginx',
    ]);
  });

  it('controllerrevisions name their controller as kind.group/name', () => {
    const cr = { metadata: meta('web-6bd8f5c8d8', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }), revision: 1 };
    expect(cells('ControllerRevision', cr)).toEqual(['web-6bd8f5c8d8', 'statefulset.apps/web', 1, '37m']);
  });

  it('persistentvolumes and claims: capacity, modes, claim, class, <unset>', () => {
    const pv = {
      metadata: meta('pvc-0b1c', { namespace: undefined }),
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadOnlyMany'], persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: 'default', name: 'www-web-0' }, storageClassName: 'standard', volumeMode: 'Filesystem' },
      status: { phase: 'Bound' },
    };
    expect(cells('PersistentVolume', pv)).toEqual(['pvc-0b1c', '1Gi', 'RWO,ROX,RWOP', 'Delete', 'Bound', 'default/www-web-0', 'standard', '<unset>', '', '37m', 'Filesystem']);
    const pending = { metadata: meta('www-web-0'), spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } };
    expect(cells('PersistentVolumeClaim', pending)).toEqual(['www-web-0', 'Pending', '', '', '', 'standard', '<unset>', '37m', '<unset>']);
    const bound = { ...pending, spec: { ...pending.spec, volumeName: 'pvc-0b1c', volumeMode: 'Filesystem' }, status: { phase: 'Bound', capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOnce'] } };
    expect(cells('PersistentVolumeClaim', bound)).toEqual(['www-web-0', 'Bound', 'pvc-0b1c', '1Gi', 'RWO', 'standard', '<unset>', '37m', 'Filesystem']);
    const deleting = { ...bound, metadata: meta('www-web-0', { deletionTimestamp: '2025-01-01T00:59:00Z' }) };
    expect(cells('PersistentVolumeClaim', deleting)?.[1]).toBe('Terminating');
  });

  it('storageclasses: (default) suffix and defaults for unset fields', () => {
    const sc = { metadata: meta('standard', { namespace: undefined, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }), provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' };
    expect(cells('StorageClass', sc)).toEqual(['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '37m']);
    expect(cells('StorageClass', { metadata: meta('fast'), provisioner: 'x' })?.slice(0, 5)).toEqual(['fast', 'x', 'Delete', 'Immediate', false]);
  });

  it('events: last seen, object as kind/name, wide source and count', () => {
    const ev = {
      metadata: meta('web-0.181a'),
      involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', fieldPath: 'spec.containers{nginx}' },
      reason: 'Pulled',
      message: 'Container image "nginx" already present on machine\n',
      type: 'Normal',
      source: { component: 'kubelet', host: 'kind-worker' },
      firstTimestamp: '2025-01-01T00:50:00Z',
      lastTimestamp: '2025-01-01T00:59:48Z',
      count: 3,
    };
    expect(cells('Event', ev)).toEqual(['12s', 'Normal', 'Pulled', 'pod/web-0', 'spec.containers{nginx}', 'kubelet, kind-worker', 'Container image "nginx" already present on machine', '10m', 3, 'web-0.181a']);
    const fresh = { metadata: meta('x'), involvedObject: { kind: 'StatefulSet', name: 'web' }, eventTime: '2025-01-01T00:59:30.123456Z', reportingComponent: 'statefulset-controller', type: 'Normal', reason: 'SuccessfulCreate', message: 'create Pod web-0' };
    // 29.877 s truncates to 29s, as Go's integer division does.
    expect(cells('Event', fresh)?.slice(0, 6)).toEqual(['29s', 'Normal', 'SuccessfulCreate', 'statefulset/web', '', 'statefulset-controller']);
    expect(cells('Event', fresh)?.[8]).toBe(1);
  });

  it('config objects, leases and PDBs', () => {
    expect(cells('ConfigMap', { metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: '' } })).toEqual(['cfg', 3, '37m']);
    expect(cells('Secret', { metadata: meta('s'), type: 'Opaque', data: { password: 'cw==' } })).toEqual(['s', 'Opaque', 1, '37m']);
    expect(cells('ServiceAccount', { metadata: meta('default') })).toEqual(['default', 0, '37m']);
    expect(cells('Lease', { metadata: meta('kind-worker'), spec: { holderIdentity: 'kind-worker' } })).toEqual(['kind-worker', 'kind-worker', '37m']);
    expect(cells('PodDisruptionBudget', { metadata: meta('web'), spec: { minAvailable: 2 }, status: { disruptionsAllowed: 0 } })).toEqual(['web', '2', 'N/A', 0, '37m']);
    expect(cells('PodDisruptionBudget', { metadata: meta('web'), spec: { maxUnavailable: '25%' }, status: {} })?.slice(1, 4)).toEqual(['N/A', '25%', 0]);
  });

  it('jobs and cronjobs', () => {
    const job = (status: object, spec: object = { completions: 1 }) => ({ metadata: meta('pi'), spec: { ...spec, template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } }, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } } }, status });
    expect(cells('Job', job({ startTime: '2025-01-01T00:59:00Z', active: 1 }))?.slice(0, 5)).toEqual(['pi', 'Running', '0/1', '60s', '37m']);
    expect(cells('Job', job({ startTime: '2025-01-01T00:30:00Z', completionTime: '2025-01-01T00:30:12Z', succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }))?.slice(1, 4)).toEqual(['Complete', '1/1', '12s']);
    expect(cells('Job', job({}, { parallelism: 2 }))?.slice(1, 4)).toEqual(['Running', '0/1 of 2', '']);
    const cj = { metadata: meta('hello'), spec: { schedule: '* * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox' }] } } } } }, status: {} };
    expect(cells('CronJob', cj)).toEqual(['hello', '* * * * *', '<none>', 'False', 0, '<none>', '37m', 'hello', 'busybox', '<none>']);
  });
});

describe('objects without a built-in printer', () => {
  it('CRDs and unknown kinds: Name and Created At (RFC 3339)', () => {
    const crd = { metadata: meta('databases.example.com', { namespace: undefined }) };
    expect(cells('CustomResourceDefinition', crd)).toEqual(['databases.example.com', '2025-01-01T00:23:00Z']);
    expect(toTable('customresourcedefinitions', [crd], NOW).columnDefinitions[1]?.type).toBe('date');
  });

  it('custom resources: additionalPrinterColumns with JSONPath, date columns as ages, missing values null', () => {
    const printerColumns = [
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Current phase' },
      { name: 'Ready', type: 'boolean', jsonPath: '.status.conditions[0].ready', priority: 1 },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ];
    const db = { apiVersion: 'example.com/v1', kind: 'Database', metadata: meta('db1'), spec: { replicas: 3 }, status: { conditions: [{ ready: true }] } };
    const t = toTable('databases', [db], NOW, { printerColumns });
    expect(t.columnDefinitions.map((c) => [c.name, c.type, c.priority, c.description])).toEqual([
      ['Name', 'string', 0, t.columnDefinitions[0]?.description],
      ['Replicas', 'integer', 0, 'Custom resource definition column (in JSONPath format): .spec.replicas'],
      ['Phase', 'string', 0, 'Current phase'],
      ['Ready', 'boolean', 1, 'Custom resource definition column (in JSONPath format): .status.conditions[0].ready'],
      ['Age', 'date', 0, 'Custom resource definition column (in JSONPath format): .metadata.creationTimestamp'],
    ]);
    expect(t.rows[0]?.cells).toEqual(['db1', 3, null, true, '37m']);
  });

  it('custom resources without printer columns get Age', () => {
    const t = toTable('databases', [{ metadata: meta('db1') }], NOW, { printerColumns: [] });
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Age']);
    expect(t.rows[0]?.cells).toEqual(['db1', '37m']);
  });
});

/**
 * The proof that our kubectl is kubectl: every command line below runs twice,
 * once through the REAL kubectl 1.32 and once through ours (src/kubectl over
 * the HTTP transport, as `statecraft kubectl` runs it), against twin clusters
 * — two `statecraft serve` servers from the same seed whose virtual clocks
 * move only when a write settles — so both see byte-identical state, ages
 * included. stdout, stderr and the exit code must be identical. Cases where
 * we deliberately differ, or have not caught up yet, are listed in
 * `knownDifferences` with the reason, and are checked to still differ.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShimApi, type InProcessTransport } from '../../src/api/index.ts';
import type { ApiRequest } from '../../src/api/types.ts';
import { runKubectl } from '../../src/cli/kubectl.ts';
import { kubeconfigYaml } from '../../src/cli/serve.ts';
import { createApiServer } from '../../src/server/http.ts';
import { selfSignedCert } from '../../src/server/tls.ts';
import { kubectlPath, type KubectlResult } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

interface Twin {
  transport: InProcessTransport;
  kubeconfig: string;
  home: string;
  /** Resolves when the next watch request arrives. */
  nextWatch(): Promise<void>;
  close(): Promise<void>;
}

const TOKEN = 'differential-token';

function settleCluster(t: InProcessTransport): void {
  try {
    t.cluster.settle({ maxVirtualMs: 10 * 60_000 });
  } catch {
    // Something that never settles (a crash loop) just runs for the bounded time.
  }
}

async function startTwin(dir: string, name: string): Promise<Twin> {
  const transport = createShimApi({ seed: 'differential' });
  const cluster = transport.cluster;
  const tls = await selfSignedCert('127.0.0.1');
  let watchWaiters: (() => void)[] = [];
  const api = transport.server;
  const originalWatch = api.watch.bind(api);
  api.watch = (req: ApiRequest, onEvent) => {
    const handle = originalWatch(req, onEvent);
    const waiters = watchWaiters;
    watchWaiters = [];
    for (const w of waiters) w();
    return handle;
  };
  // DIFF_TRACE=file logs each twin's requests with its virtual time (to find where twins diverge).
  const originalHandle = api.handle.bind(api);
  api.handle = (req: ApiRequest) => {
    if (process.env.DIFF_TRACE) appendFileSync(process.env.DIFF_TRACE, `${name} ${req.method} ${req.path} ${JSON.stringify(req.query ?? {})} t=${cluster.clock.now()}\n`);
    return originalHandle(req);
  };
  // Time moves only when a request has to play out (a pod starting, a graceful
  // delete), the same way in both twins, so ages match to the second.
  const server = createApiServer({ cluster, api, token: TOKEN, tls, afterRequest: () => settleCluster(transport) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const home = join(dir, `home-${name}`);
  mkdirSync(home, { recursive: true });
  const kubeconfig = join(dir, `kubeconfig-${name}`);
  writeFileSync(kubeconfig, kubeconfigYaml(`https://127.0.0.1:${port}`, TOKEN, tls.cert));
  return {
    transport, kubeconfig, home,
    nextWatch: () => new Promise<void>((resolve) => watchWaiters.push(resolve)),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

interface Case {
  /** The kubectl arguments. */
  args: string[];
  stdin?: string;
  /** Files to write (relative to the work dir) before the case runs. */
  files?: Record<string, string | Uint8Array>;
  /** For `get -w`: changes made through the API once the watch is open, then Ctrl-C. */
  during?: (t: InProcessTransport) => void;
  /** Run against the reference cluster's kubeconfig (client-only commands that print it). */
  sameKubeconfig?: boolean;
  /** Run ours as a separate process, `statecraft kubectl --kubeconfig FILE -- ARGS`. */
  viaCli?: boolean;
}

/**
 * kubectl drain collects its refusals and evictions in Go maps and goroutines, so
 * the real one prints them in an order that changes from run to run: compare its
 * lines, and the "cannot delete …" groups inside an error, as sets.
 */
function unordered(r: KubectlResult): KubectlResult {
  const lines = (text: string): string => text.split('\n').map((line) => line.replace(/\[(cannot delete .*)\]/, (_, groups: string) => `[${groups.split(/, (?=cannot delete )/).sort().join(', ')}]`)).sort().join('\n');
  return { ...r, stdout: lines(r.stdout), stderr: lines(r.stderr) };
}

/** Cases that differ, each with why; they are still run, and must still differ. */
const knownDifferences: Record<string, string> = {
  'kubectl get -h': 'deliberate: help texts are not reproduced; we point to the command reference instead',
};

const work = mkdtempSync(join(tmpdir(), 'statecraft-diff-'));
const at = (p: string) => join(work, p);

const CM = (data: string, name = 'settings') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
${data}`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
    tier: frontend
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
`;

const DEPLOY = (replicas: number, image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
          name: http
${extra}`;

const STATEFUL = `# the StatefulSet Basics manifest
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`;

const PDB_SOLO = (budget: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: solo
spec:
  replicas: 1
  selector:
    matchLabels:
      app: solo
  template:
    metadata:
      labels:
        app: solo
    spec:
      nodeSelector:
        kubernetes.io/hostname: kind-worker
      containers:
      - name: nginx
        image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: solo-pdb
spec:
  ${budget}
  selector:
    matchLabels:
      app: solo
`;

const PDB_BARE = `apiVersion: v1
kind: Pod
metadata:
  name: bare
  labels:
    run: bare
spec:
  nodeName: kind-worker2
  volumes:
  - name: scratch
    emptyDir: {}
  containers:
  - name: bare
    image: nginx:1.27
    volumeMounts:
    - name: scratch
      mountPath: /scratch
`;

const LIST = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: listed-a
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: listed-b
  data:
    enabled: yes
    count: "3"
`;

const changes = new WeakMap<InProcessTransport, number>();
const changeWatched = (t: InProcessTransport) => {
  const n = (changes.get(t) ?? 0) + 1;
  changes.set(t, n);
  t.requestSync({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched-new' }, data: { a: 'b' } }) });
  t.requestSync({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/watched', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ data: { k: `v${n + 1}` } }) });
  t.requestSync({ method: 'DELETE', path: '/api/v1/namespaces/default/configmaps/watched-new' });
};

const readOnly: Case[] = [
  // ---- get: the fresh cluster ----
  { args: ['get', 'nodes'] },
  { args: ['get', 'nodes', '-o', 'wide'] },
  { args: ['get', 'no', '--show-labels'] },
  { args: ['get', 'nodes', '-L', 'kubernetes.io/hostname,kubernetes.io/os'] },
  { args: ['get', 'nodes', '--no-headers'] },
  { args: ['get', 'namespaces'] },
  { args: ['get', 'ns', 'default', 'kube-system'] },
  { args: ['get', 'pods'] },
  { args: ['get', 'pods', '-A'] },
  { args: ['get', 'pods', '--all-namespaces', '-o', 'wide'] },
  { args: ['-n', 'kube-system', 'get', 'po', '-l', 'k8s-app=kube-dns'] },
  { args: ['get', 'pods', '-n', 'kube-system', '--field-selector', 'spec.nodeName=kind-worker'] },
  { args: ['get', 'deploy,svc', '-A'] },
  { args: ['get', 'all', '-A'] },
  { args: ['get', 'all'] },
  { args: ['get', 'all', '-n', 'kube-system', '--show-kind'] },
  { args: ['get', 'Deployment.apps', '-n', 'kube-system'] },
  { args: ['get', 'deployments.v1.apps', '-n', 'kube-system', 'coredns'] },
  { args: ['get', 'storageclass'] },
  { args: ['get', 'sc', 'standard', '-o', 'yaml'] },
  { args: ['get', 'sc', 'standard', '-o', 'json'] },
  { args: ['get', 'svc', '-o', 'yaml'] },
  { args: ['get', 'svc', 'kubernetes', '-o', 'name'] },
  { args: ['get', 'svc,ns', '-o', 'name'] },
  { args: ['get', 'pods', '-o', 'yaml'] },
  { args: ['get', 'pods', '-o', 'name'] },
  { args: ['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'] },
  { args: ['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.addresses[0].address}{"\\n"}{end}'] },
  { args: ['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.labels}'] },
  { args: ['get', 'nodes', '-o', 'jsonpath-as-json={.items[*].metadata.name}'] },
  { args: ['get', 'nodes', '-o', 'jsonpath={.items[?(@.metadata.name=="kind-worker")].status.nodeInfo.kubeletVersion}'] },
  { args: ['get', 'nodes', '-o', 'jsonpath={.items[0].status.allocatable.cpu} {..podCIDR}'] },
  { args: ['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name'] },
  { args: ['get', 'nodes', '-o', 'jsonpath'] },
  { args: ['get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR,TAINTS:.spec.taints[*].key'] },
  { args: ['get', 'pods', '-n', 'kube-system', '-o', 'custom-columns=POD:metadata.name,NODE:{.spec.nodeName}', '--no-headers'] },
  { args: ['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name'] },
  { args: ['get', 'namespace', 'kube-system', '-o', 'yaml'] },
  { args: ['get', 'ns/default', 'ns/kube-public'] },
  { args: ['get', 'ns/default', 'sc/standard'] },
  { args: ['get', 'events', '-A', '--field-selector', 'type=Warning'] },
  { args: ['get', 'pods', '-A', '--sort-by=.spec.nodeName'] },
  { args: ['get', 'pods', '-n', 'kube-system', '--sort-by', '{.metadata.name}', '-o', 'name'] },
  { args: ['get', 'nodes', '--sort-by=.status.addresses[0].address', '-o', 'wide'] },
  { args: ['get', 'pods', '-A', '--sort-by=.spec.bogus'] },
  { args: ['get', 'endpoints,endpointslices', '-n', 'kube-system'] },
  // ---- get: errors ----
  { args: ['get'] },
  { args: ['get', 'foo'] },
  { args: ['get', 'pods', 'nope'] },
  { args: ['get', 'pods', 'nope', 'nada'] },
  { args: ['get', 'pods', 'nope', '--ignore-not-found'] },
  { args: ['get', 'pods,svc', 'nope'] },
  { args: ['get', 'pods', 'nope', '-o', 'yaml'] },
  { args: ['get', 'pods', '--foo'] },
  { args: ['get', 'pods', '-z'] },
  { args: ['get', 'pods', '-n'] },
  { args: ['get', 'pods', '-w=x'] },
  { args: ['get', 'pods', '--chunk-size=x'] },
  { args: ['get', 'pods', '-o', 'foo'] },
  { args: ['get', 'pods', '-l', 'a in (b'] },
  { args: ['get', 'pods', '--field-selector', 'spec.bogus=1'] },
  { args: ['get', 'pods', 'pod/x'] },
  { args: ['get', 'pods/x/y'] },
  { args: ['get', 'pods', '-l', 'a=b', 'x'] },
  { args: ['get', 'nodes', '--show-labels', '-o', 'yaml'] },
  { args: ['get', 'pods.v1'] },
  { args: ['get', 'pods', '--', '-l'] },
  { args: ['get', 'po', '--=x'] },
  { args: ['--foo', 'get', 'pods'] },
  { args: ['frobnicate'] },
  { args: ['gte', 'pods'] },
  // ---- client-side commands ----
  { args: ['version', '--client'] },
  { args: ['version', '--client', '-o', 'json'] },
  { args: ['version'] },
  { args: ['version', '-o', 'yaml'] },
  { args: ['version', '-o', 'foo'] },
  { args: ['api-versions'] },
  { args: ['api-resources'] },
  { args: ['api-resources', '-o', 'wide'] },
  { args: ['api-resources', '-o', 'name'] },
  { args: ['api-resources', '--namespaced=false'] },
  { args: ['api-resources', '--api-group=apps', '--verbs=list,watch', '--sort-by=kind'] },
  { args: ['api-resources', '--categories=all', '--no-headers'] },
  { args: ['api-resources', '-o', 'yaml'] },
  { args: ['config', 'view'], sameKubeconfig: true },
  { args: ['config', 'view', '-o', 'json'], sameKubeconfig: true },
  { args: ['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].name}'], sameKubeconfig: true },
  { args: ['config', 'get-contexts'], sameKubeconfig: true },
  { args: ['config', 'current-context'], sameKubeconfig: true },
  { args: ['config', 'frob'], sameKubeconfig: true },
  // ---- describe, top and help-less command errors on the fresh cluster ----
  { args: ['describe', 'nodes'] },
  { args: ['describe', 'node', 'kind-control-plane'] },
  { args: ['describe', 'ns'] },
  { args: ['describe', 'sc', 'standard'] },
  { args: ['describe', 'sa', 'default'] },
  { args: ['describe', 'svc', 'kubernetes'] },
  { args: ['describe', 'endpoints', 'kubernetes'] },
  { args: ['describe', 'deploy', '-n', 'kube-system'] },
  { args: ['describe', 'rs', '-n', 'kube-system'] },
  { args: ['describe', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns'] },
  { args: ['describe', 'pods', 'coredns', '-n', 'kube-system'] },
  { args: ['describe', 'ds', '-n', 'kube-system'] },
  { args: ['describe', 'cm', 'kube-root-ca.crt'] },
  { args: ['describe', 'lease', '-n', 'kube-node-lease', 'kind-worker'] },
  { args: ['describe', 'endpointslices', '-n', 'kube-system'] },
  { args: ['describe', 'pods', 'nope', 'nada'] },
  { args: ['describe', 'cm', 'nope'] },
  { args: ['describe', 'pods', '-l', 'app=none'] },
  { args: ['describe', 'foo'] },
  { args: ['describe'] },
  { args: ['top', 'pod'] },
  { args: ['top', 'nodes'] },
  { args: ['top'] },
  { args: ['top', 'frob'] },
  { args: ['rollout'] },
  { args: ['rollout', 'status'] },
  { args: ['rollout', 'frob'] },
  { args: ['logs'] },
  { args: ['logs', 'nope'] },
  { args: ['exec'] },
  { args: ['exec', 'nope', '--', 'true'] },
  { args: ['wait', 'pod/x'] },
  { args: ['wait', '--for=condition=Ready'] },
  { args: ['run', 'x'] },
  { args: ['run', '--image=nginx'] },
  { args: ['run', 'x', '--image=nginx', '--restart=Bogus'] },
  { args: ['run', 'x', '--image=nginx', '--rm'] },
  { args: ['run', 'x', '--image=busybox', '-i', '--dry-run=client'] },
  { args: ['run', 'x', '--image=busybox', '--restart=Never', '--env=A=1', '--env=B=2', '--labels=a=b,c=d', '--port=8080', '--dry-run=client', '-o', 'yaml', '--', 'sh', '-c', 'echo hi'] },
  { args: ['run', 'x', '--image=busybox', '--command', '--annotations=k=v', '--image-pull-policy=Always', '--dry-run=client', '-o', 'json', '--', 'sleep', '10'] },
  { args: ['run', 'x', '--image=nginx', '--dry-run=client'] },
  { args: ['run', 'x', '--image=nginx', '--env=A'] },
  // ---- Go templates ----
  { args: ['get', 'nodes', '-o', 'go-template={{range .items}}{{.metadata.name}} {{end}}'] },
  { args: ['get', 'pods', '-n', 'kube-system', '-o', 'go-template={{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'] },
  { args: ['get', 'node', 'kind-control-plane', '--template', '{{.spec.podCIDR}}'] },
  { args: ['get', 'nodes', '--template', '{{len .items}} {{.kind}} {{.metadata}}'] },
  { args: ['get', 'nodes', '-o', 'template={{range .items}}{{index .metadata.labels "kubernetes.io/hostname"}}{{"\\t"}}{{range .status.conditions}}{{if eq .type "Ready"}}{{.status}}{{end}}{{end}}{{"\\n"}}{{end}}'] },
  { args: ['get', 'deploy', 'coredns', '-n', 'kube-system', '--template', '{{.spec.replicas}} {{printf "%d|%v|%T|%5.2f" .spec.replicas .status.readyReplicas .spec.replicas 2.25}}'] },
  { args: ['get', 'deploy', '-n', 'kube-system', '-o', 'go-template={{range .items}}{{if .status.readyReplicas}}{{.metadata.name}} ready{{else}}{{.metadata.name}} not ready{{end}}{{"\\n"}}{{end}}'] },
  { args: ['get', 'ns', 'default', '--template', '{{range $k, $v := .metadata.labels}}{{$k}}={{$v}}{{"\\n"}}{{end}}'] },
  { args: ['get', 'nodes', '-o', 'go-template={{range $i, $n := .items}}{{if $i}},{{end}}{{$n.metadata.name}}{{end}}'] },
  { args: ['get', 'svc', 'kubernetes', '--template', '{{printf "%s\\t%v\\n" .metadata.name (index .spec.ports 0).port}}'] },
  { args: ['get', 'svc', 'kubernetes', '--template', '{{.spec.nope.x}}|{{.metadata.missing}}|{{index .metadata.labels "nope"}}|{{exists .spec "ports" 0}}'] },
  { args: ['get', 'svc', 'kubernetes', '--template', '{{.x'] },
  { args: ['get', 'svc', 'kubernetes', '--template', 'A{{.metadata.name.x}}'] },
  { args: ['get', 'svc', 'kubernetes', '-o', 'go-template={{ "a" | upper }}'] },
  { args: ['get', 'svc', 'kubernetes', '--allow-missing-template-keys=false', '--template', '{{.nope}}'] },
  { args: ['get', 'svc', 'kubernetes', '-o', 'go-template', '--template', '{{- with .spec -}} {{.type}} {{- end}}'] },
  { args: ['get', 'svc', 'kubernetes', '--template', '{{eq .spec.ports 1}}'] },
  { args: ['get', 'sc', 'standard', '-o', 'go-template-file=tpl/sc.tpl'], files: { 'tpl/sc.tpl': '{{.provisioner}} {{.reclaimPolicy}}\n' } },
  { args: ['get', 'sc', 'standard', '-o', 'templatefile=tpl/nope.tpl'] },
  { args: ['get', 'pods', 'nope', '--template', '{{.x}}'] },
  { args: ['get', 'svc', 'kubernetes', '-o', 'go-template={{.a}}', '--template', '{{.b}}'] },
  { args: ['get', 'svc', 'kubernetes', '-o', 'jsonpath={.nope}', '--allow-missing-template-keys=false'] },
  { args: ['get', 'nodes', '--template', '{{range .items}}{{.metadata.name | printf "%-20s"}}|{{len .status.addresses}}{{"\\n"}}{{end}}'] },
  // ---- deliberately different (see knownDifferences) ----
  { args: ['get', '-h'] },
  // ---- the same code as `statecraft kubectl` ----
  { args: ['get', 'pods', '-A', '-o', 'wide'], viaCli: true },
  { args: ['get', 'nodes', 'nope'], viaCli: true },
  { args: ['config', 'view'], viaCli: true, sameKubeconfig: true },
];

const mutations: Case[] = [
  // ---- apply ----
  { args: ['apply', '-f', 'cm.yaml'], files: { 'cm.yaml': CM('  mode: fast\n') } },
  { args: ['apply', '-f', 'cm.yaml'] },
  { args: ['apply', '-f', 'cm.yaml'], files: { 'cm.yaml': CM('  mode: safe\n  retries: "3"\n  enabled: "true"\n  when: "2025-01-01"\n') } },
  { args: ['get', 'configmap', 'settings', '-o', 'yaml'] },
  { args: ['get', 'cm', 'settings', '-o', 'json'] },
  { args: ['apply', '-f', 'cm.yaml', '-o', 'name'] },
  { args: ['apply', '-f', 'cm.yaml', '-o', 'json'] },
  { args: ['apply', '-f', 'deploy.yaml'], files: { 'deploy.yaml': DEPLOY(2, 'nginx:1.27') } },
  { args: ['get', 'deploy,rs,pods', '-o', 'wide'] },
  { args: ['get', 'all'] },
  { args: ['apply', '-f', 'web.yaml'], files: { 'web.yaml': STATEFUL } },
  { args: ['get', 'sts,svc,pvc'] },
  { args: ['get', 'pods', '-l', 'app=nginx', '-o', 'wide'] },
  { args: ['get', 'pvc', '-o', 'custom-columns=NAME:.metadata.name,VOLUME:.spec.volumeName,SIZE:.status.capacity.storage'] },
  { args: ['get', 'pv'] },
  { args: ['get', 'deploy', 'web', '--template', '{{printf "%s %d/%d" .metadata.name .status.readyReplicas .spec.replicas}}'] },
  { args: ['apply', '-f', 'secret.yaml', '-o', 'go-template={{.kind}}/{{.metadata.name}} {{len .data}}'], files: { 'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  password: aHVudGVyMg==\n  user: Ym9i\n' } },
  { args: ['get', 'secret', 'creds', '--template', '{{.data.password | base64decode}}'] },
  { args: ['get', 'secret', 'creds', '-o', 'go-template={{range $k, $v := .data}}{{$k}}={{$v | base64decode}}{{"\\n"}}{{end}}'] },
  { args: ['label', 'secret', 'creds', 'tier=db', '-o', 'go-template={{.metadata.labels}}'] },
  { args: ['apply', '-f', 'web.yaml'] },
  { args: ['apply', '-f', 'dir'], files: { 'dir/b.yaml': CM('  b: "1"\n', 'dir-b'), 'dir/a.yml': CM('  a: "1"\n', 'dir-a'), 'dir/notes.txt': 'not a manifest', 'dir/sub/c.yaml': CM('  c: "1"\n', 'dir-c') } },
  { args: ['apply', '-R', '-f', 'dir'] },
  { args: ['apply', '-f', 'list.yaml'], files: { 'list.yaml': LIST } },
  { args: ['get', 'cm', 'listed-b', '-o', 'yaml'] },
  { args: ['apply', '-f', '-'], stdin: CM('  from: stdin\n', 'piped') },
  { args: ['apply', '-f', '-', '-o', 'yaml'], stdin: CM('  from: cli\n', 'piped-cli'), viaCli: true },
  { args: ['apply', '-f', 'deploy.yaml'], files: { 'deploy.yaml': DEPLOY(3, 'nginx:1.28', '        env:\n        - name: MODE\n          value: blue\n') } },
  { args: ['apply', '-f', 'deploy.yaml'], files: { 'deploy.yaml': DEPLOY(3, 'nginx:1.28') } },
  { args: ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].env}{"|"}{.spec.replicas}{"|"}{.spec.template.spec.containers[0].image}'] },
  { args: ['get', 'deploy', 'web', '-o', 'yaml'] },
  { args: ['get', 'pods', '-o', 'wide', '--show-labels', '-L', 'app,pod-template-hash'] },
  { args: ['get', 'rs', '--show-kind', '--no-headers'] },
  { args: ['get', 'cm', '--sort-by=.metadata.name', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'] },
  { args: ['get', 'events', '-o', 'custom-columns=REASON:.reason,OBJECT:.involvedObject.name', '--sort-by=.reason'] },
  { args: ['apply', '-f', 'dry.yaml', '--dry-run=client'], files: { 'dry.yaml': CM('  x: "1"\n', 'dry') } },
  { args: ['apply', '-f', 'dry.yaml', '--dry-run=server'] },
  { args: ['apply', '-f', 'dry.yaml', '--dry-run=client', '-o', 'yaml'] },
  { args: ['apply', '-f', 'dry.yaml', '--dry-run=bogus'] },
  { args: ['get', 'cm', 'dry'] },
  { args: ['apply', '--server-side', '-f', 'ssa.yaml'], files: { 'ssa.yaml': CM('  ssa: "1"\n', 'ssa') } },
  { args: ['apply', '-f', 'unknown-field.yaml'], files: { 'unknown-field.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndatta:\n  a: b\n' } },
  { args: ['apply', '-f', 'bad-name.yaml'], files: { 'bad-name.yaml': CM('  a: b\n', 'Bad_Name') } },
  { args: ['apply', '-f', 'no-kind.yaml'], files: { 'no-kind.yaml': 'apiVersion: v1\nmetadata:\n  name: x\n' } },
  { args: ['apply', '-f', 'no-kind.yaml', '--validate=false'] },
  { args: ['apply', '-f', 'wrong-version.yaml'], files: { 'wrong-version.yaml': 'apiVersion: apps/v2\nkind: Deployment\nmetadata:\n  name: x\n' } },
  { args: ['apply', '-f', 'missing.yaml'] },
  { args: ['apply'] },
  { args: ['apply', '-f', 'cm.yaml', '--validate=bogus'] },
  { args: ['apply', '-f', 'mixed.yaml'], files: { 'mixed.yaml': `${CM('  ok: "1"\n', 'mixed-ok')}---\napiVersion: apps/v2\nkind: Deployment\nmetadata:\n  name: x\n` } },
  { args: ['apply', '-f', 'other-ns.yaml', '-n', 'kube-system'], files: { 'other-ns.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: elsewhere\n  namespace: default\n' } },
  { args: ['apply', '-f', 'tricky.json'], files: { 'tricky.json': "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"tricky\", \"annotations\": {\"note\": \"<b>&amp;</b>  \"}, \"labels\": {\"app\": \"tricky\"}}, \"data\": {\"3\": \"3\", \"true\": \"true\", \"on\": \"on\", \"y\": \"y\", \"Yes\": \"Yes\", \"NO\": \"NO\", \"null\": \"null\", \"tilde\": \"~\", \"empty\": \"\", \"float\": \"1.5\", \"hex\": \"0x1F\", \"exp\": \"1e3\", \"octal\": \"0755\", \"eight\": \"08\", \"under\": \"1_000\", \"big\": \"99999999999999999999\", \"date\": \"2025-01-01\", \"stamp\": \"2025-01-01T10:00:00Z\", \"base60\": \"1:20\", \"plus\": \"+1\", \"dot5\": \".5\", \"dot\": \".\", \"nan\": \"nan\", \"dotnan\": \".nan\", \"neginf\": \"-.inf\", \"merge\": \"<<\", \"colon-space\": \"foo: bar\", \"colon\": \"a:b\", \"colon-end\": \"key:\", \"dash-space\": \"- x\", \"dash\": \"-\", \"dashword\": \"-x\", \"dashes\": \"---\", \"dots\": \"...\", \"hash\": \"#x\", \"space-hash\": \"a #b\", \"star\": \"*\", \"amp\": \"&x\", \"bang\": \"!x\", \"pipe\": \"|x\", \"gt\": \">x\", \"pct\": \"%x\", \"at\": \"@x\", \"tick\": \"`x\", \"q\": \"?x\", \"q-space\": \"? x\", \"brace\": \"{x}\", \"bracket\": \"[x]\", \"comma\": \",x\", \"quote1\": \"'q\", \"quote2\": \"\\\"q\", \"apos\": \"it's\", \"lead\": \" lead\", \"trail\": \"trail \", \"tab\": \"a\\tb\", \"multi\": \"line one\\nline two\", \"multi-nl\": \"x\\n\", \"multi-2nl\": \"x\\n\\n\", \"lead-nl\": \"\\nx\", \"lead-sp-nl\": \" x\\ny\", \"trail-sp-nl\": \"x \\ny\", \"unicode\": \"café ∑\", \"emoji\": \"smile 😀\", \"nbsp\": \"a b\", \"ctrl\": \"bell\\u0007\", \"backslash\": \"a\\\\b\", \"long\": \"This is a fairly long configuration value that goes on and on past the eighty column limit of the YAML emitter so it must fold.\", \"long-colon\": \"This: is a fairly long configuration value that goes on and on past the eighty column limit and is quoted.\", \"long-dq\": \"This\\tvalue has a tab and goes on and on past the eighty column limit so the double quoted writer must fold it too.\", \"longword\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", \"json\": \"{\\\"a\\\":1,\\\"b\\\":[true,null]}\"}}" } },
  { args: ['get', 'cm', 'tricky', '-o', 'yaml'] },
  { args: ['get', 'cm', 'tricky', '-o', 'json'] },
  { args: ['get', 'cm', 'tricky', '-o', 'jsonpath={.data.multi}|{.data.emoji}|{.metadata.annotations}'] },
  { args: ['get', 'cm', 'tricky'] },
  // ---- create ----
  { args: ['create', '-f', 'pod.yaml'], files: { 'pod.yaml': POD } },
  { args: ['create', '-f', 'pod.yaml'] },
  { args: ['get', 'pod', 'web', '--show-labels'] },
  { args: ['get', 'pod', 'web', '-o', 'jsonpath={.status.phase} {.spec.nodeName} {.status.conditions[?(@.type=="Ready")].status}'] },
  { args: ['create', '-f', 'saved.yaml', '--save-config'], files: { 'saved.yaml': CM('  s: "1"\n', 'saved') } },
  { args: ['get', 'cm', 'saved', '-o', 'jsonpath={.metadata.annotations}'] },
  { args: ['create', '-f', 'dry.yaml', '--dry-run=client', '-o', 'json'] },
  { args: ['create'] },
  { args: ['create', 'job', 'diff-job', '--image=busybox:1.36', '--', 'echo', 'hi'] },
  { args: ['get', 'jobs'] },
  { args: ['describe', 'job', 'diff-job'] },
  { args: ['logs', 'job/diff-job'] },
  { args: ['create', 'cronjob', 'diff-cron', '--image=busybox:1.36', '--schedule=0 0 * * *'] },
  { args: ['create', 'job', 'diff-manual', '--from=cronjob/diff-cron'] },
  { args: ['get', 'cronjobs'] },
  { args: ['create', 'job', 'diff-bad'] },
  { args: ['create', 'quota', 'diff-quota', '--hard=pods=100,count/configmaps=50'] },
  { args: ['get', 'quota'] },
  { args: ['create', 'priorityclass', 'diff-pc', '--value=5', '--description=low'] },
  { args: ['get', 'priorityclasses'] },
  { args: ['create', 'namespace', 'diff-ns'] },
  { args: ['create', 'serviceaccount', 'diff-sa', '-n', 'diff-ns'] },
  { args: ['create', 'role', 'diff-role', '-n', 'diff-ns', '--verb=get,list', '--resource=pods,deployments.apps,jobs', '--resource=pods/log'] },
  { args: ['get', 'role', 'diff-role', '-n', 'diff-ns', '-o', 'jsonpath={.rules}'] },
  { args: ['create', 'rolebinding', 'diff-rb', '-n', 'diff-ns', '--role=diff-role', '--serviceaccount=diff-ns:diff-sa', '--user=ann', '--group=devs'] },
  { args: ['get', 'rolebinding', 'diff-rb', '-n', 'diff-ns', '-o', 'wide'] },
  { args: ['create', 'clusterrolebinding', 'diff-crb', '--clusterrole=view', '--group=devs'] },
  { args: ['get', 'clusterrolebinding', 'diff-crb', '-o', 'jsonpath={.roleRef} {.subjects}'] },
  // ---- patch ----
  { args: ['patch', 'cm', 'settings', '-p', '{"data":{"mode":"smp"}}'] },
  { args: ['patch', 'cm', 'settings', '-p', '{"data":{"mode":"smp"}}'] },
  { args: ['patch', 'cm', 'settings', '--type=merge', '-p', '{"data":{"retries":null}}'] },
  { args: ['patch', 'cm', 'settings', '--type', 'json', '-p', '[{"op":"replace","path":"/data/mode","value":"json"}]'] },
  { args: ['patch', 'configmap/settings', '-p', 'data:\n  yaml: "yes"\n'] },
  { args: ['get', 'cm', 'settings', '-o', 'jsonpath={.data}'] },
  { args: ['patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.29"}]}}}}'] },
  { args: ['patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"replicas":2}}', '-o', 'jsonpath={.spec.replicas}'] },
  { args: ['patch', 'cm', 'settings', '--type=bogus', '-p', '{}'] },
  // patch says `patched` even for a dry run (label and annotate say `(server dry run)`).
  { args: ['patch', 'cm', 'settings', '--type=merge', '-p', '{"data":{"dry":"client"}}', '--dry-run=client'] },
  { args: ['patch', 'cm', 'settings', '--type=merge', '-p', '{"data":{"dry":"server"}}', '--dry-run=server'] },
  { args: ['label', 'cm', 'settings', 'dry=server', '--dry-run=server'] },
  { args: ['patch', 'cm', 'settings'] },
  { args: ['patch', 'cm', 'nope', '-p', '{"data":{}}'] },
  { args: ['patch', 'cm', 'settings', '--type=json', '-p', '[{"op":"remove","path":"/data/nope"}]'] },
  // ---- label / annotate ----
  { args: ['label', 'cm', 'settings', 'tier=config'] },
  { args: ['label', 'cm', 'settings', 'tier=config'] },
  { args: ['label', 'cm', 'settings', 'tier=other'] },
  { args: ['label', 'cm', 'settings', 'tier=other', '--overwrite'] },
  { args: ['get', 'cm', '-l', 'tier=other', '--show-labels'] },
  { args: ['get', 'cm', '-l', 'tier in (config,other)', '-o', 'name'] },
  { args: ['label', 'cm', 'settings', 'tier-'] },
  { args: ['label', 'cm', 'settings', 'tier-'] },
  { args: ['label', 'cm', 'settings', 'bad=va lue'] },
  { args: ['label', 'cm', 'settings'] },
  { args: ['label'] },
  { args: ['label', 'pods', '--all', 'checked=yes'] },
  { args: ['label', 'cm', '-l', 'app!=x', 'swept=true', '--dry-run=client'] },
  { args: ['annotate', 'cm', 'settings', 'owner=ops', 'note=first draft'] },
  { args: ['annotate', 'cm', 'settings', 'owner=dev'] },
  { args: ['annotate', 'cm', 'settings', 'owner=dev', '--overwrite'] },
  { args: ['annotate', 'cm', 'settings', 'owner-', 'note-'] },
  { args: ['annotate', 'cm', 'settings'] },
  { args: ['label', 'cm', 'settings', '--list'] },
  { args: ['annotate', 'cm', 'settings', 'extra=1', '--dry-run=client', '-o', 'yaml'] },
  { args: ['label', 'cm', 'settings', 'x=y', '-o', 'json', '--dry-run=server'] },
  { args: ['get', 'cm', 'settings', '-o', 'yaml'] },
  // ---- scale ----
  { args: ['scale', 'deploy', 'web', '--replicas=3'] },
  { args: ['scale', 'deployment/web', '--replicas=1', '--current-replicas=3'] },
  { args: ['scale', 'deploy', 'web', '--replicas=2', '--current-replicas=5'] },
  { args: ['scale', 'sts', 'web', '--replicas=3', '-o', 'name'] },
  { args: ['get', 'pods', '-l', 'app=nginx'] },
  { args: ['scale', 'deploy', 'nope', '--replicas=2'] },
  { args: ['scale', 'cm', 'settings', '--replicas=2'] },
  { args: ['scale', 'deploy', 'web'] },
  { args: ['scale', 'deploy', 'web', '--replicas=-1'] },
  { args: ['get', 'deploy', 'web'] },
  // ---- describe, logs, exec, wait, rollout on the workloads ----
  { args: ['describe', 'deploy', 'web'] },
  { args: ['describe', 'rs'] },
  { args: ['describe', 'sts', 'web'] },
  { args: ['describe', 'svc', 'nginx'] },
  { args: ['describe', 'pvc', 'www-web-0'] },
  { args: ['describe', 'pv'] },
  { args: ['describe', 'pods', 'web-'] },
  { args: ['describe', 'pod/web', 'cm/kube-root-ca.crt'] },
  { args: ['describe', '-f', 'web.yaml'] },
  { args: ['wait', '--for=condition=Ready', 'pods', '-l', 'app=nginx'] },
  { args: ['wait', '--for=condition=Available', 'deploy/web', '--timeout=10s'] },
  { args: ['wait', '--for=jsonpath={.status.readyReplicas}=3', 'sts/web'] },
  { args: ['wait', '--for=condition=Ready=false', 'pod/web', '--timeout=0'] },
  { args: ['wait', '--for=delete', 'pod/nope'] },
  { args: ['wait', '--for=bogus', 'pod/web'] },
  { args: ['logs', 'web-0'] },
  { args: ['logs', 'sts/web', '--tail=3'] },
  { args: ['logs', '-l', 'app=nginx', '--prefix'] },
  { args: ['logs', 'web', '--timestamps', '--tail=1'] },
  { args: ['logs', 'web', '-c', 'nope'] },
  { args: ['logs', 'web', '--previous'] },
  { args: ['logs', 'cm/settings'] },
  { args: ['exec', 'web-0', '--', 'hostname'] },
  { args: ['exec', 'web-0', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'] },
  { args: ['exec', 'web-0', '-c', 'nope', '--', 'true'] },
  { args: ['exec', '-i', 'web-0', '--', 'cat'], stdin: 'piped in\n' },
  { args: ['exec', 'web-0', 'hostname'] },
  // A missing TYPE/NAME: exec prints the API error as it is, logs words it its own way.
  { args: ['exec', 'deploy/nosuch', '--', 'true'] },
  { args: ['exec', 'sts/nosuch', '--', 'true'] },
  { args: ['logs', 'deploy/nosuch'] },
  { args: ['logs', 'svc/nosuch'] },
  { args: ['rollout', 'status', 'deploy/web'] },
  { args: ['rollout', 'status', 'sts/web', '--watch=false'] },
  { args: ['rollout', 'status', 'cm/settings'] },
  { args: ['rollout', 'history', 'deploy/web'] },
  { args: ['rollout', 'history', 'deploy/web', '--revision=2'] },
  { args: ['rollout', 'history', 'sts/web'] },
  { args: ['rollout', 'history', 'deploy/web', '--revision=9'] },
  { args: ['rollout', 'undo', 'deploy/web', '--dry-run=client'] },
  { args: ['rollout', 'undo', 'deploy/web', '--to-revision=9'] },
  { args: ['rollout', 'pause', 'deploy/web'] },
  { args: ['rollout', 'pause', 'deploy/web'] },
  { args: ['rollout', 'restart', 'deploy/web'] },
  { args: ['rollout', 'resume', 'deploy/web'] },
  { args: ['rollout', 'resume', 'deploy/web'] },
  { args: ['rollout', 'pause', 'sts/web'] },
  { args: ['rollout', 'restart', 'deploy/web', '--dry-run=server'] },
  { args: ['rollout', 'undo', 'deploy/web'] },
  { args: ['rollout', 'status', 'deploy/web'] },
  { args: ['rollout', 'history', 'deploy/web'] },
  { args: ['run', 'one', '--image=nginx:1.27'] },
  { args: ['run', 'one', '--image=nginx:1.27'] },
  { args: ['wait', '--for=condition=Ready', 'pod/one'] },
  // ---- replace ----
  { args: ['replace', '-f', 'cm.yaml'], files: { 'cm.yaml': CM('  mode: replaced\n') } },
  { args: ['replace', '-f', 'ghost.yaml'], files: { 'ghost.yaml': CM('  g: "1"\n', 'ghost') } },
  { args: ['replace', '--force', '-f', 'saved.yaml'] },
  { args: ['get', 'cm', 'settings', '-o', 'yaml'] },
  // ---- watch ----
  { args: ['apply', '-f', 'watched.yaml'], files: { 'watched.yaml': CM('  k: v1\n', 'watched') } },
  { args: ['get', 'cm', '-w'], during: changeWatched },
  { args: ['get', 'cm', 'watched', '-w'], during: changeWatched },
  { args: ['get', 'cm', '-w', '--output-watch-events', '-l', 'app!=none'], during: changeWatched },
  { args: ['get', 'cm', '-w', '-o', 'name'], during: changeWatched },
  { args: ['get', 'cm', 'watched', '--watch-only'], during: changeWatched },
  { args: ['get', 'cm,svc', '-w'] },
  { args: ['get', 'pods', '-l', 'app=web', '-w'], during: (t) => {
    t.requestSync({ method: 'PATCH', path: '/apis/apps/v1/namespaces/default/deployments/web/scale', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"spec":{"replicas":4}}' });
  } },
  { args: ['get', 'deploy', 'web', '-w', '-o', 'wide'], during: (t) => {
    t.requestSync({ method: 'PATCH', path: '/apis/apps/v1/namespaces/default/deployments/web/scale', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"spec":{"replicas":2}}' });
  } },
  // ---- delete ----
  { args: ['delete', 'cm', 'settings'] },
  { args: ['delete', 'cm', 'settings'] },
  { args: ['delete', 'cm', 'settings', '--ignore-not-found'] },
  { args: ['delete', 'pod', 'web'] },
  { args: ['delete', '-f', 'dir', '-R'] },
  { args: ['delete', 'cm', '-l', 'nothing=here'] },
  { args: ['delete', 'cm', 'listed-a', 'listed-b', '-o', 'name'] },
  { args: ['delete', 'deploy', 'web', '--cascade=orphan'] },
  { args: ['get', 'rs,pods', '-l', 'app=web'] },
  { args: ['delete', 'rs', '-l', 'app=web', '--cascade=foreground'] },
  { args: ['delete', 'pods', '-l', 'app=nginx', '--grace-period=0', '--force'] },
  { args: ['get', 'pods'] },
  { args: ['delete', '-f', 'web.yaml'] },
  { args: ['delete', 'pvc', '--all', '--dry-run=server'] },
  { args: ['delete', 'pvc', '--all'] },
  { args: ['delete', 'cm', 'x', '--now', '--grace-period=3'] },
  { args: ['delete', 'cm', 'mixed-ok', '--wait=false', '-n', 'default'] },
  { args: ['delete', 'cm', 'piped', 'piped-cli', 'nope'] },
  { args: ['delete', 'cm', 'x', '--cascade=bogus'] },
  { args: ['delete', 'cm', 'x', '--force', '--grace-period=5'] },
  { args: ['delete', 'sc', 'nope', '-n', 'default'] },
  { args: ['delete'] },
  { args: ['delete', 'pods'] },
  { args: ['delete', 'cm', '--all', '-l', 'a=b'] },
  { args: ['get', 'all'] },
  // ---- disruptions: PodDisruptionBudgets, cordon, drain (one evictable pod per drain: kubectl evicts concurrently) ----
  { args: ['apply', '-f', 'pdb-solo.yaml'], files: { 'pdb-solo.yaml': PDB_SOLO('minAvailable: 1') } },
  { args: ['get', 'pdb'] },
  { args: ['get', 'pdb', 'solo-pdb', '-o', 'jsonpath={.status.disruptionsAllowed} {.status.conditions[0].reason}'] },
  { args: ['cordon', 'kind-worker'] },
  { args: ['cordon', 'kind-worker'] },
  { args: ['get', 'nodes'] },
  { args: ['drain', 'kind-worker'] },
  { args: ['drain', 'kind-worker', '--ignore-daemonsets', '--dry-run=client'] },
  { args: ['drain', 'kind-worker', '--ignore-daemonsets', '--pod-selector=app=solo', '--timeout=3s'] },
  { args: ['apply', '-f', 'pdb-solo.yaml'], files: { 'pdb-solo.yaml': PDB_SOLO('maxUnavailable: 1') } },
  { args: ['get', 'pdb'] },
  { args: ['drain', 'kind-worker', '--ignore-daemonsets', '--pod-selector=app=solo'] },
  { args: ['get', 'pods', '-l', 'app=solo'] },
  { args: ['uncordon', 'kind-worker'] },
  { args: ['uncordon', 'kind-worker'] },
  { args: ['cordon', 'nope'] },
  { args: ['drain'] },
  { args: ['cordon', 'kind-worker', '-l', 'a=b'] },
  { args: ['cordon', '-l', 'kubernetes.io/hostname=kind-worker2', '--dry-run=server'] },
  { args: ['uncordon', 'kind-worker2', '--dry-run=client'] },
  { args: ['drain', 'kind-worker', '--selector=x=y', '--ignore-daemonsets'] },
  { args: ['drain', '--selector=nomatch=x'] },
  { args: ['drain', 'kind-worker', '--delete-local-data'] },
  { args: ['create', '-f', 'pdb-bare.yaml'], files: { 'pdb-bare.yaml': PDB_BARE } },
  { args: ['drain', 'kind-worker2', '--ignore-daemonsets', '--pod-selector=run=bare'] },
  { args: ['drain', 'kind-worker2', '--ignore-daemonsets', '--pod-selector=run=bare', '--delete-emptydir-data'] },
  { args: ['drain', 'kind-worker2', '--pod-selector=run=bare', '--delete-emptydir-data', '--force', '--grace-period=0'] },
  { args: ['uncordon', 'kind-worker2'] },
  { args: ['delete', '-f', 'pdb-solo.yaml'] },
  // ---- explain ----
  { args: ['explain', 'pods'] },
  { args: ['explain', 'deploy.spec.replicas'] },
  { args: ['explain', 'statefulset.spec.podManagementPolicy'] },
  { args: ['explain', 'pvc.spec'] },
  { args: ['explain', 'pods.spec.containers.resources', '--recursive'] },
  { args: ['explain', 'svc.spec.ports'] },
  { args: ['explain', 'pods.metadata.labels'] },
  { args: ['explain', 'nodes.status.conditions'] },
  { args: ['explain', 'pods.spec.bogus'] },
  { args: ['explain', 'foo'] },
  { args: ['explain'] },
  { args: ['explain', 'svc', '--api-version=v2'] },
  { args: ['explain', 'pods', '-o', 'foo'] },
  { args: ['explain', 'deploy.spec.strategy', '--recursive'] },
  { args: ['explain', 'cm', '--api-version=v1'] },
  { args: ['explain', 'sts.spec.updateStrategy.rollingUpdate.partition'] },
];

// A throwaway EC key pair for `create secret tls`.
const TLS_CRT = `-----BEGIN CERTIFICATE-----
MIIBijCCAS+gAwIBAgIUFVvyNiruBnmvfnJ6WmI/gSL+d0YwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOZGIuZXhhbXBsZS5jb20wIBcNMjYxMTIzMTY1OTQwWhgPMjEy
NjEwMzAxNjU5NDBaMBkxFzAVBgNVBAMMDmRiLmV4YW1wbGUuY29tMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEhZUrnNsRwsO0wX/B7GIwepQTZRAXLCChErTVOh//
piCgCNtk+vNwEtwu+CUbchLWJtiDG3Dqzy2xxStEs84REKNTMFEwHQYDVR0OBBYE
FBqAGptdjzizsM84s50hHW7iySZkMB8GA1UdIwQYMBaAFBqAGptdjzizsM84s50h
HW7iySZkMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAP8q9sk3
nbQjxa0evTUUi2Efy/XGJUSmXSw11GhgujhqAiEAkE9+YIPUU+b3l3Pz67kaF0pU
HdgyKdbxs6SisOjRG9A=
-----END CERTIFICATE-----
`;
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgmzqJZqsAWqjGWVxe
Q57QrOHuGdGMnC3Wf81TUHDhazahRANCAASFlSuc2xHCw7TBf8HsYjB6lBNlEBcs
IKEStNU6H/+mIKAI22T683AS3C74JRtyEtYm2IMbcOrPLbHFK0SzzhEQ
-----END PRIVATE KEY-----
`;

/** `kubectl create configmap|secret|service|pdb|ingress`: the generators. */
const generators: Case[] = [
  // ---- configmap ----
  { args: ['create', 'configmap', 'app-config', '--from-literal=mode=replica', '--from-literal=port=5432', '--dry-run=client', '-o', 'yaml'] },
  {
    args: ['create', 'cm', 'app-files', '--from-file=conf', '--from-file=blob.bin', '--from-literal=k=v', '--dry-run=client', '-o', 'yaml'],
    files: { 'conf/app.properties': 'mode=replica\nport=5432\n', 'conf/notes.txt': 'x', 'conf/sub/ignored.txt': 'no', 'blob.bin': new Uint8Array([0xff, 0xfe, 0, 0x62, 0x69, 0x6e]) },
  },
  { args: ['create', 'cm', 'app-env', '--from-env-file=app.env', '--append-hash', '--dry-run=client', '-o', 'json'], files: { 'app.env': '# settings\nMODE=replica\n  PORT=5432\r\nEMPTY=\n\n' } },
  { args: ['create', 'cm', 'renamed', '--from-file=props=conf/app.properties', '--dry-run=client', '-o', 'json'] },
  { args: ['create', 'configmap', 'app-config', '--from-literal=mode=replica', '--save-config', '-o', 'json'] },
  { args: ['create', 'configmap', 'app-config', '--from-literal=mode=primary'] },
  { args: ['get', 'cm', 'app-config', '-o', 'yaml'] },
  { args: ['-n', 'kube-public', 'create', 'cm', 'pub', '--from-literal=a=b', '--dry-run=server'] },
  { args: ['create', 'cm', 'bad', '--from-literal=novalue'] },
  { args: ['create', 'cm', 'bad', '--from-literal=a=1', '--from-literal=a=2'] },
  { args: ['create', 'cm', 'bad', '--from-literal=a/b=1'] },
  { args: ['create', 'cm', 'bad', '--from-file=missing.txt'] },
  { args: ['create', 'cm', 'bad', '--from-file=key=conf'] },
  { args: ['create', 'cm', 'bad', '--from-env-file=app.env', '--from-literal=a=b'] },
  { args: ['create', 'cm', 'bad', '--from-env-file=bad.env'], files: { 'bad.env': '1BAD=x\n' } },
  { args: ['create', 'cm'] },
  { args: ['create', 'cm', 'a', 'b'] },
  { args: ['create', 'cm', '.', '--from-literal=a=b'] },
  { args: ['create', 'cm', 'srv', '--from-literal=a=b', '--dry-run=server', '-o', 'yaml'] },
  { args: ['create', 'cm', 'in-ns', '-n', 'kube-public', '--from-literal=a=b', '--save-config', '--dry-run=client', '-o', 'json'] },
  // ---- secret ----
  { args: ['create', 'secret', 'generic', 'db-pass', '--from-literal=password=s3cr3t', '--from-literal=user=admin', '--dry-run=client', '-o', 'yaml'] },
  { args: ['create', 'secret', 'generic', 'db-pass', '--from-literal=password=s3cr3t'] },
  { args: ['get', 'secret', 'db-pass', '-o', 'jsonpath={.type} {.data.password}'] },
  { args: ['create', 'secret', 'generic', 'keyed', '--from-file=key.bin=blob.bin', '--type=example.com/blob', '--append-hash', '--dry-run=client', '-o', 'name'] },
  { args: ['create', 'secret', 'generic', 'bad', '--from-literal=a=1', '--from-literal=a=2'] },
  { args: ['create', 'secret', 'generic', 'bad', '--from-literal=a%=1'] },
  { args: ['create', 'secret', 'tls', 'db-tls', '--cert=tls/db.crt', '--key=tls/db.key', '--dry-run=client', '-o', 'yaml'], files: { 'tls/db.crt': TLS_CRT, 'tls/db.key': TLS_KEY } },
  { args: ['create', 'secret', 'tls', 'db-tls', '--cert=tls/db.crt', '--key=tls/db.key'] },
  { args: ['create', 'secret', 'tls', 'bad', '--cert=tls/db.key', '--key=tls/db.key'] },
  { args: ['create', 'secret', 'tls', 'bad', '--cert=tls/db.crt', '--key=tls/db.crt'] },
  { args: ['create', 'secret', 'tls', 'bad', '--cert=tls/nope.crt', '--key=tls/db.key'] },
  { args: ['create', 'secret', 'tls', 'bad'] },
  { args: ['create', 'secret', 'docker-registry', 'regcred', '--docker-server=registry.example.com', '--docker-username=ci', '--docker-password=t0k<en>', '--docker-email=ci@example.com', '--dry-run=client', '-o', 'yaml'] },
  { args: ['create', 'secret', 'docker-registry', 'regcred', '--docker-username=ci', '--docker-password=t0ken', '-o', 'json'] },
  { args: ['create', 'secret', 'docker-registry', 'bad', '--docker-username=ci'] },
  { args: ['create', 'secret', 'docker-registry', 'fromfile', '--from-file=.dockerconfigjson=docker.json', '--dry-run=client', '-o', 'json'], files: { 'docker.json': '{"auths":{}}' } },
  { args: ['create', 'secret'] },
  { args: ['create', 'secret', 'opaque', 'x'] },
  // ---- service ----
  { args: ['create', 'service', 'clusterip', 'db', '--tcp=5432:5432', '--dry-run=client', '-o', 'yaml'] },
  { args: ['create', 'service', 'clusterip', 'db-headless', '--clusterip=None'] },
  { args: ['create', 'svc', 'nodeport', 'web', '--tcp=80:8080', '--node-port=30080', '--save-config'] },
  { args: ['get', 'svc', 'web', 'db-headless', '-o', 'wide'] },
  { args: ['create', 'svc', 'loadbalancer', 'lb', '--tcp=443:https,8443', '--dry-run=client', '-o', 'json'] },
  { args: ['create', 'svc', 'externalname', 'ext', '--external-name=db.example.com', '--dry-run=client', '-o', 'yaml'] },
  { args: ['create', 'svc', 'clusterip', 'bad'] },
  { args: ['create', 'svc', 'clusterip', 'bad', '--tcp=http:80'] },
  { args: ['create', 'svc', 'clusterip', 'bad', '--tcp=80:0'] },
  { args: ['create', 'svc', 'clusterip', 'bad', '--tcp=80:a--b'] },
  { args: ['create', 'svc', 'nodeport', 'bad', '--clusterip=None', '--tcp=80'] },
  { args: ['create', 'svc', 'externalname', 'bad', '--external-name=Bad_Name'] },
  { args: ['create', 'service', 'clusterip', 'db-headless', '--clusterip=None'] },
  { args: ['create', 'svc'] },
  { args: ['create', 'svc', 'clusterip', 'cache', '--tcp=6379', '-n', 'default', '-o', 'json'] },
  { args: ['create', 'svc', 'clusterip', 'cache', '--tcp=6379'] },
  // ---- poddisruptionbudget ----
  { args: ['create', 'pdb', 'db-pdb', '--selector=app=db', '--min-available=2', '--dry-run=client', '-o', 'yaml'] },
  { args: ['create', 'pdb', 'sel', '--selector=app in (db,cache),!canary', '--max-unavailable=1', '--dry-run=client', '-o', 'json'] },
  { args: ['create', 'poddisruptionbudget', 'db-pdb', '--selector=app=db', '--max-unavailable=25%'] },
  { args: ['get', 'pdb', 'db-pdb'] },
  { args: ['create', 'pdb', 'bad', '--selector=app=db'] },
  { args: ['create', 'pdb', 'bad', '--selector=app=db', '--min-available=1', '--max-unavailable=1'] },
  { args: ['create', 'pdb', 'bad', '--min-available=1'] },
  { args: ['create', 'pdb', 'bad', '--selector=app=db', '--min-available=1Gi'] },
  { args: ['create', 'pdb', 'bad', '--selector=app!=db', '--min-available=1'] },
  // ---- ingress ----
  { args: ['create', 'ingress', 'shop', '--rule=shop.example.com/*=web:80,tls=shop-tls', '--rule=shop.example.com/api=api:http', '--rule=admin.example.com/=admin:8080,tls=shop-tls', '--class=nginx', '--annotation=nginx.ingress.kubernetes.io/rewrite-target=/', '--dry-run=client', '-o', 'yaml'] },
  { args: ['create', 'ing', 'catch-all', '--default-backend=web:http', '--rule=/static*=static:80,tls', '--dry-run=client', '-o', 'json'] },
  { args: ['create', 'ingress', 'shop', '--rule=shop.example.com/*=web:80', '--default-backend=web:80'] },
  { args: ['get', 'ingress', 'shop', '-o', 'yaml'] },
  { args: ['create', 'ingress', 'api', '--rule=/api*=api:8080', '--class=nginx', '-o', 'json'] },
  { args: ['create', 'pdb', 'cache-pdb', '--selector=app=cache', '--min-available=1', '-o', 'yaml'] },
  { args: ['create', 'ingress', 'bad'] },
  { args: ['create', 'ingress', 'bad', '--rule=shop.example.com=web:80'] },
  { args: ['create', 'ingress', 'bad', '--default-backend=web'] },
  { args: ['create', 'ingress', 'bad', '--rule=/=web:80', '--annotation=novalue'] },
];

const cases = [...readOnly, ...mutations, ...generators];

function caseName(c: Case): string {
  return `kubectl ${c.args.join(' ')}`;
}

async function runReal(twin: Twin, c: Case, kubeconfig: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = spawn(kubectlPath!, c.args, { argv0: 'kubectl', cwd: work, env: { PATH: process.env.PATH ?? '', HOME: twin.home, KUBECONFIG: kubeconfig } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
    child.stdin.end(c.stdin ?? '');
    if (c.during) {
      void twin.nextWatch().then(async () => {
        await delay(300);
        c.during!(twin.transport);
      settleCluster(twin.transport);
        // Let the change play out (pods start…) while the watch streams it, in both twins alike.
        settleCluster(twin.transport);
        await delay(300);
        child.kill('SIGINT');
      });
    }
  });
}

const TSX = join(import.meta.dirname, '../../node_modules/.bin/tsx');
const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');

function runCli(c: Case, kubeconfig: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = spawn(TSX, [MAIN, 'kubectl', '--kubeconfig', kubeconfig, '--', ...c.args], { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(c.stdin ?? '');
  });
}

async function runOurs(twin: Twin, c: Case, kubeconfig: string): Promise<KubectlResult> {
  if (c.viaCli) return runCli(c, kubeconfig);
  let stdout = '';
  let stderr = '';
  let interrupt!: () => void;
  const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
  if (c.during) {
    void twin.nextWatch().then(async () => {
      await delay(300);
      c.during!(twin.transport);
      settleCluster(twin.transport);
      await delay(300);
      interrupt();
    });
  }
  const cwd = process.cwd();
  process.chdir(work);
  try {
    const code = await runKubectl(c.args, {
      kubeconfig,
      env: { HOME: twin.home },
      io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupted, stdin: async () => c.stdin ?? '' },
    });
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let reference: Twin;
let ours: Twin;
const tally = { identical: 0, knownDifferent: 0 };

beforeAll(async () => {
  reference = await startTwin(work, 'reference');
  ours = await startTwin(work, 'ours');
}, 30_000);
afterAll(async () => {
  await reference?.close();
  await ours?.close();
  console.log(`differential: ${tally.identical} identical, ${tally.knownDifferent} known differences, ${cases.length} cases`);
});

suite('our kubectl against the real kubectl, same cluster state', () => {
  for (const c of cases) {
    const name = caseName(c);
    it(name, async () => {
      for (const [path, text] of Object.entries(c.files ?? {})) {
        mkdirSync(join(at(path), '..'), { recursive: true });
        writeFileSync(at(path), text);
      }
      let expected = await runReal(reference, c, reference.kubeconfig);
      let actual = await runOurs(ours, c, c.sameKubeconfig ? reference.kubeconfig : ours.kubeconfig);
      if (c.args[0] === 'drain') [expected, actual] = [unordered(expected), unordered(actual)];
      // DIFF_DUMP=file keeps a transcript of what the real kubectl printed, for review.
      if (process.env.DIFF_DUMP) appendFileSync(process.env.DIFF_DUMP, `$ ${name}\n${expected.stdout}${expected.stderr ? `[stderr]\n${expected.stderr}` : ''}[exit ${expected.code}]\n\n`);
      if (name in knownDifferences) {
        tally.knownDifferent++;
        expect(actual, `${name} now matches; remove it from knownDifferences`).not.toEqual(expected);
      } else {
        expect(actual).toEqual(expected);
        tally.identical++;
      }
    });
  }
});

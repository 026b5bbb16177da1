import { describe, expect, it } from 'vitest';
import { kubectlFlagNames } from '../kubectl.ts';
import { testCluster } from './test-cluster.ts';

describe('kubectl create job|cronjob|quota|priorityclass|token', () => {
  it('creates a job from a cronjob, owned by it and marked manual', async () => {
    const c = testCluster();
    expect(await c.run(['create', 'cronjob', 'hello', '--image=busybox:1.36', '--schedule=0 * * * *', '--', 'echo', 'hi']))
      .toEqual({ code: 0, stdout: 'cronjob.batch/hello created\n', stderr: '' });
    expect((await c.run(['create', 'job', 'now', '--from=cronjob/hello'])).stdout).toBe('job.batch/now created\n');
    const job = JSON.parse((await c.run(['get', 'job', 'now', '-o', 'json'])).stdout);
    expect(job.metadata.annotations).toEqual({ 'cronjob.kubernetes.io/instantiate': 'manual' });
    expect(job.metadata.ownerReferences).toMatchObject([{ kind: 'CronJob', name: 'hello', controller: true }]);
    expect(job.spec.template.spec.containers[0].command).toEqual(['echo', 'hi']);
    c.settle();
    expect((await c.run(['logs', 'job/now'])).stdout).toBe('hi\n');
    expect((await c.run(['create', 'job', 'x'])).stderr).toBe('error: either --image or --from must be specified\n');
    expect((await c.run(['create', 'job', 'y', '--from=deployment/web'])).stderr).toBe('error: unknown object type deployment\n');
  });

  it('creates a job from an image with restartPolicy Never', async () => {
    const c = testCluster();
    await c.run(['create', 'job', 'pi', '--image=busybox:1.36', '--', 'sh', '-c', 'echo 3.14']);
    c.settle();
    expect((await c.run(['get', 'job', 'pi', '-o', 'jsonpath={.spec.template.spec.restartPolicy} {.status.succeeded}'])).stdout).toBe('Never 1');
  });

  it('creates a quota and a priority class, and prints a token', async () => {
    const c = testCluster();
    expect((await c.run(['create', 'quota', 'q', '--hard=pods=1'])).stdout).toBe('resourcequota/q created\n');
    expect((await c.run(['create', 'priorityclass', 'high', '--value=1000'])).stdout).toBe('priorityclass.scheduling.k8s.io/high created\n');
    const token = await c.run(['create', 'token', 'default']);
    expect(token.stdout).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+\n$/);
    expect((await c.run(['create', 'token', 'ghost'])).stderr).toBe('error: failed to create token: serviceaccounts "ghost" not found\n');
  });
});

describe('kubectl create configmap|secret|service|pdb|ingress', () => {
  const files = {
    'conf/app.properties': 'mode=replica\n',
    'conf/notes.txt': 'x',
    'conf/sub/skipped.txt': 'subdirectories are skipped',
    'app.env': '# c\nFOO=bar\n  BAZ=qu ux\nEMPTY=\n',
  };

  it('builds a config map from literals, files, a directory and env files', async () => {
    const c = testCluster(files);
    expect((await c.run(['create', 'cm', 'app', '--from-file=conf', '--from-file=p=conf/app.properties', '--from-literal=k=v=w'])).stdout).toBe('configmap/app created\n');
    const cm = JSON.parse((await c.run(['get', 'cm', 'app', '-o', 'json'])).stdout);
    expect(cm.data).toEqual({ 'app.properties': 'mode=replica\n', 'notes.txt': 'x', p: 'mode=replica\n', k: 'v=w' });
    const env = JSON.parse((await c.run(['create', 'configmap', 'env', '--from-env-file=app.env', '--dry-run=client', '-o', 'json'])).stdout);
    expect(env.data).toEqual({ BAZ: 'qu ux', EMPTY: '', FOO: 'bar' });
  });

  it('names a hashed config map exactly as kubectl 1.32 does', async () => {
    const c = testCluster(files);
    // The name kubectl 1.32 printed for the same env file.
    expect((await c.run(['create', 'cm', 'c1', '--from-env-file=app.env', '--append-hash', '-o', 'name'])).stdout).toBe('configmap/c1-t9tdt64fkk\n');
  });

  it('rejects bad keys and sources with kubectl texts', async () => {
    const c = testCluster(files);
    expect((await c.run(['create', 'cm', 'x', '--from-literal=a=1', '--from-literal=a=2'])).stderr)
      .toBe('error: cannot add key "a", another key by that name already exists in Data for ConfigMap "x"\n');
    expect((await c.run(['create', 'cm', 'x', '--from-file=k=conf'])).stderr).toBe('error: cannot give a key name for a directory path\n');
    expect((await c.run(['create', 'cm', 'x', '--from-file=nope'])).stderr).toBe('error: error reading nope: no such file or directory\n');
    expect((await c.run(['create', 'secret', 'generic', 'x', '--from-literal=a=1', '--from-literal=a=2'])).stderr)
      .toBe('error: cannot add key a, another key by that name already exists\n');
    expect(await c.run(['create', 'secret'])).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^Create a secret with specified type\./) });
  });

  it('stores secrets base64-encoded, with the docker config a registry pull needs', async () => {
    const c = testCluster(files);
    await c.run(['create', 'secret', 'generic', 'db', '--from-literal=password=s3cr3t']);
    expect((await c.run(['get', 'secret', 'db', '-o', 'jsonpath={.type} {.data.password}'])).stdout).toBe('Opaque czNjcjN0');
    const reg = JSON.parse((await c.run(['create', 'secret', 'docker-registry', 'reg', '--docker-username=u', '--docker-password=p', '--dry-run=client', '-o', 'json'])).stdout);
    expect(reg.type).toBe('kubernetes.io/dockerconfigjson');
    expect(JSON.parse(atob(reg.data['.dockerconfigjson']))).toEqual({ auths: { 'https://index.docker.io/v1/': { username: 'u', password: 'p', auth: btoa('u:p') } } });
  });

  it('creates services that select app=NAME, and refuses bad ports', async () => {
    const c = testCluster();
    expect((await c.run(['create', 'service', 'nodeport', 'web', '--tcp=80:8080', '--node-port=30080'])).stdout).toBe('service/web created\n');
    expect((await c.run(['get', 'svc', 'web', '-o', 'jsonpath={.spec.selector.app} {.spec.ports[0].name} {.spec.ports[0].nodePort} {.spec.clusterIP}'])).stdout)
      .toMatch(/^web 80-8080 30080 10\.96\.\d+\.\d+$/);
    expect((await c.run(['create', 'svc', 'clusterip', 'db', '--clusterip=None', '-o', 'jsonpath={.spec.clusterIP}'])).stdout).toBe('None');
    expect((await c.run(['create', 'svc', 'clusterip', 'x', '--tcp=http'])).stderr).toBe('error: strconv.ParseUint: parsing "http": invalid syntax\n');
    expect((await c.run(['create', 'svc', 'clusterip', 'x'])).stderr).toBe('error: at least one tcp port specifier must be provided\n');
  });

  it('creates a PodDisruptionBudget from a selector and a percentage', async () => {
    const c = testCluster();
    expect((await c.run(['create', 'pdb', 'p', '--selector=app=web', '--min-available=50%'])).stdout).toBe('poddisruptionbudget.policy/p created\n');
    expect((await c.run(['get', 'pdb', 'p', '-o', 'jsonpath={.spec.minAvailable} {.spec.selector.matchLabels.app}'])).stdout).toBe('50% web');
    expect((await c.run(['create', 'pdb', 'q', '--selector=app=web', '--min-available=1', '--max-unavailable=1'])).stderr)
      .toBe('error: min-available and max-unavailable cannot be both specified\n');
    expect((await c.run(['create', 'pdb', 'q', '--selector=app=web'])).stderr).toBe('error: one of min-available or max-unavailable must be specified\n');
  });

  it('groups ingress rules by host and TLS hosts by secret', async () => {
    const c = testCluster();
    const ing = JSON.parse((await c.run(['create', 'ingress', 'shop', '--rule=a.com/*=web:80,tls=cert', '--rule=a.com/api=api:http', '--rule=b.com/=web:80,tls=cert', '--dry-run=client', '-o', 'json'])).stdout);
    expect(ing.spec.tls).toEqual([{ hosts: ['a.com', 'b.com'], secretName: 'cert' }]);
    expect(ing.spec.rules.map((r: { host: string; http: { paths: { path: string; pathType: string }[] } }) => [r.host, r.http.paths.map((p) => `${p.path} ${p.pathType}`)]))
      .toEqual([['a.com', ['/ Prefix', '/api Exact']], ['b.com', ['/ Exact']]]);
    expect((await c.run(['create', 'ingress', 'x', '--rule=a.com=web:80'])).stderr).toBe('error: rule a.com=web:80 is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]\n');
  });

  it('offers the flags of nested subcommands for Tab completion', () => {
    expect(kubectlFlagNames('create', 'secret', 'tls')).toEqual(expect.arrayContaining(['--cert', '--key', '--append-hash']));
    expect(kubectlFlagNames('create', 'svc', 'nodeport')).toContain('--node-port');
    expect(kubectlFlagNames('create', 'svc', 'clusterip')).not.toContain('--node-port');
  });

  it('prints -o json in the Go struct order and records --save-config', async () => {
    const c = testCluster();
    const out = (await c.run(['create', 'cm', 'x', '--from-literal=b=1', '--save-config', '--dry-run=client', '-o', 'json'])).stdout;
    expect(Object.keys(JSON.parse(out))).toEqual(['kind', 'apiVersion', 'metadata', 'data']);
    expect(JSON.parse(out).metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])
      .toBe('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x","creationTimestamp":null},"data":{"b":"1"}}\n');
  });
});

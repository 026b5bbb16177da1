import { describe, expect, it } from 'vitest';
import { runInContainer, sh } from '../../harness.ts';
import type { ClusterNetwork } from '../../types.ts';

/** CoreDNS and two nginx pods behind a headless Service, as in the StatefulSet tutorial. */
const network: ClusterNetwork = {
  resolve(name, ns) {
    const records: Record<string, string[]> = {
      'web-0.nginx': ['10.244.1.6'],
      'web-1.nginx': ['10.244.2.6'],
      nginx: ['10.244.1.6', '10.244.2.6'],
      'kubernetes.default': ['10.96.0.1'],
    };
    const short = name.replace(new RegExp(`\\.${ns}\\.svc\\.cluster\\.local$`), '');
    const addresses = records[short];
    return addresses === undefined ? undefined : { fqdn: `${short}.${ns}.svc.cluster.local`, addresses };
  },
  reverse(ip) {
    return { '10.96.0.10': 'kube-dns.kube-system.svc.cluster.local', '10.244.1.6': 'web-0.nginx.default.svc.cluster.local', '10.244.2.6': 'web-1.nginx.default.svc.cluster.local' }[ip];
  },
  httpGet(host, port, path) {
    if (port !== 80) return undefined;
    if (host === '10.244.1.6') return path === '/' ? { status: 200, body: 'web-0\n' } : { status: 404, body: '404 Not Found\n' };
    return undefined;
  },
};

describe('network applets', () => {
  it('nslookup prints busybox 1.28 answers', () => {
    expect(sh('nslookup web-0.nginx', { network }).stdout).toBe('Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: 10.244.1.6 web-0.nginx.default.svc.cluster.local\n');
    expect(sh('nslookup nginx', { network }).stdout).toMatch(/Name: {6}nginx\nAddress 1: 10.244.1.6 web-0.nginx.default.svc.cluster.local\nAddress 2: 10.244.2.6 web-1.nginx.default.svc.cluster.local\n$/);
    const missing = sh('nslookup web-5.nginx', { network });
    expect(missing).toMatchObject({ stderr: "nslookup: can't resolve 'web-5.nginx'\n", status: 1 });
  });

  it('nslookup without a reachable DNS server', () => {
    expect(sh('nslookup kubernetes.default')).toMatchObject({ output: "Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\nnslookup: can't resolve 'kubernetes.default'\n", status: 1 });
  });

  it('wget and curl fetch through the cluster network', () => {
    expect(sh('wget -qO- http://web-0.nginx', { network }).stdout).toBe('web-0\n');
    const saved = sh('wget web-0.nginx && cat index.html', { network });
    expect(saved.stderr).toBe("Connecting to web-0.nginx (10.244.1.6:80)\nsaving to 'index.html'\nindex.html           100% |********************************|     6  0:00:00 ETA\n'index.html' saved\n");
    expect(saved.stdout).toBe('web-0\n');
    // The nginx image ships curl; busybox images do not.
    expect(runInContainer(['curl', '-s', 'http://web-0.nginx/'], { image: 'nginx', network }).stdout).toBe('web-0\n');
    expect(runInContainer(['sh', '-c', 'curl -s -o /dev/null -w "%{http_code}" web-0.nginx/missing'], { image: 'nginx', network }).stdout).toBe('404');
    expect(sh('curl web-0.nginx', { network })).toMatchObject({ stderr: 'sh: curl: not found\n', status: 127 });
  });

  it('fails like busybox wget and curl when names do not resolve or nothing listens', () => {
    expect(sh('wget -qO- http://nope')).toMatchObject({ stderr: "wget: bad address 'nope'\n", status: 1 });
    expect(sh('wget -qO- http://web-1.nginx', { network })).toMatchObject({ stderr: "wget: can't connect to remote host (10.244.2.6): Connection refused\n", status: 1 });
    expect(sh('wget -qO- http://web-0.nginx/missing', { network })).toMatchObject({ stderr: 'wget: server returned error: HTTP/1.1 404 Not Found\n', status: 1 });
    const curl = (args: string[]) => runInContainer(['curl', ...args], { image: 'nginx', network });
    expect(curl(['-sS', 'http://nope'])).toMatchObject({ stderr: 'curl: (6) Could not resolve host: nope\n', status: 6 });
    expect(curl(['-s', 'http://web-1.nginx'])).toMatchObject({ stderr: '', status: 7 });
    expect(curl(['http://web-1.nginx'])).toMatchObject({ stderr: "curl: (7) Failed to connect to web-1.nginx port 80 after 0 ms: Couldn't connect to server\n", status: 7 });
  });

  it('reaches a server in the same pod over localhost', () => {
    const r = runInContainer(['sh', '-c', 'nginx -g "daemon off;" & sleep 1; curl -s localhost | grep "<title>"; kill $!'], { image: 'nginx:1.27' });
    // nginx's access log line, then what curl fetched.
    expect(r.stdout).toBe('127.0.0.1 - - [01/Jan/2026:00:00:01 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0" "-"\n<title>Welcome to nginx!</title>\n');
  });
});

describe('file applets', () => {
  it('ls -l formats like busybox, dates relative to the virtual clock', () => {
    const r = sh('echo hello > f; mkdir d; ls -l; ls -ld /tmp /etc/passwd');
    expect(r.stdout).toBe([
      'total 8',
      'drwxr-xr-x    2 root     root          4096 Jan  1 00:00 d',
      '-rw-r--r--    1 root     root             6 Jan  1 00:00 f',
      '-rw-r--r--    1 root     root            30 Feb 13  2025 /etc/passwd',
      'drwxrwxrwt    2 root     root          4096 Feb 13  2025 /tmp',
      '',
    ].join('\n'));
  });

  it('ls lists in columns on a terminal', () => {
    const r = runInContainer(['ls', '/bin'], { tty: true });
    // busybox's layout: down the columns, as many as fit in 79 characters.
    expect(r.stdout.split('\r\n').slice(0, 2)).toEqual(['[         clear     env       kill      printenv  seq       tr', 'ash       cp        expr      ls        printf    sh        true']);
  });

  it('moves files onto a volume by copying', () => {
    const r = sh('echo data > f; mv f /tmp/f; ls f /tmp/f; cat /tmp/f');
    expect(r.output).toBe('ls: f: No such file or directory\n/tmp/f\ndata\n');
  });
});

describe('system applets', () => {
  it('date, hostname, id, uname, whoami', () => {
    const r = sh('date; hostname; id; whoami; uname -a', { hostname: 'web-0' });
    expect(r.stdout).toBe('Thu Jan  1 00:00:00 UTC 2026\nweb-0\nuid=0(root) gid=0(root) groups=0(root),10(wheel)\nroot\nLinux web-0 6.10.14-linuxkit #1 SMP Thu Mar 20 16:32:56 UTC 2025 x86_64 GNU/Linux\n');
    expect(runInContainer(['id'], { image: 'debian:12' }).stdout).toBe('uid=0(root) gid=0(root) groups=0(root)\n');
  });

  it('Debian images have coreutils but no busybox networking', () => {
    const r = runInContainer(['sh', '-c', 'ls /bin/ls /usr/bin/sort; nslookup x; echo rc=$?'], { image: 'debian:12' });
    expect(r.output).toBe('/bin/ls\n/usr/bin/sort\nsh: 1: nslookup: not found\nrc=127\n');
  });
});

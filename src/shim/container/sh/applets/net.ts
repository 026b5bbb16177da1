// Network applets over the cluster network (container/types.ts ClusterNetwork):
// nslookup in busybox 1.28's format (the StatefulSet tutorial's), wget, curl, nc.
// Without a network only loopback and pod IPs the kubelet knows answer; names fail
// as they do with no DNS server ("bad address", "Could not resolve host").
import type { ProgramEnv, Service } from '../../../images.ts';
import type { Ctx } from '../../process.ts';
import { readAll } from '../../stream.ts';
import type { PortHandler } from '../../types.ts';
import { basename } from '../../vfs.ts';
import { type Applet, fail, has, parseArgs, resolvePath } from './util.ts';

/** kind's cluster DNS Service (kube-dns in kube-system), what /etc/resolv.conf names. */
const DNS_SERVER = '10.96.0.10';
const DNS_NAME = 'kube-dns.kube-system.svc.cluster.local';

const isIP = (h: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(h);
const isLoopback = (h: string): boolean => h === 'localhost' || h === '127.0.0.1' || h === '::1';

/** A name to one address: IPs and localhost as they are, others through cluster DNS. */
function lookup(ctx: Ctx, host: string): string | undefined {
  if (isIP(host)) return host;
  if (isLoopback(host)) return '127.0.0.1';
  if (host === ctx.env.hostname) {
    const self = ctx.env.network?.resolve(host, ctx.env.namespace);
    return self?.addresses[0];
  }
  return ctx.env.network?.resolve(host, ctx.env.namespace)?.addresses[0];
}

export const nslookup: Applet = function* (ctx) {
  const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  const name = args[0];
  if (name === undefined) {
    ctx.stderr('BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n\nQuery the nameserver for the IP address of the given HOST\noptionally using a specified DNS server\n');
    return 1;
  }
  const net = ctx.env.network;
  const server = args[1] ?? DNS_SERVER;
  const serverName = net === undefined ? undefined : (net.reverse?.(server) ?? (server === DNS_SERVER ? DNS_NAME : undefined));
  ctx.stdout(`Server:    ${server}\nAddress 1: ${server}${serverName !== undefined ? ` ${serverName}` : ''}\n\n`);
  const r = isIP(name) ? { fqdn: name, addresses: [name] } : net?.resolve(name, ctx.env.namespace);
  if (r === undefined || r.addresses.length === 0) {
    ctx.stderr(`nslookup: can't resolve '${name}'\n`);
    return 1;
  }
  let out = `Name:      ${name}\n`;
  r.addresses.forEach((ip, i) => {
    const ptr = net?.reverse?.(ip);
    out += `Address ${i + 1}: ${ip}${ptr !== undefined ? ` ${ptr}` : ''}\n`;
  });
  ctx.stdout(out);
  return 0;
};

interface Url {
  host: string;
  port: number;
  path: string;
}

function parseUrl(raw: string): Url | undefined {
  const m = /^(?:(https?):\/\/)?([^/:?#]+)(?::(\d+))?([^#]*)/.exec(raw);
  if (m === null) return undefined;
  return { host: m[2]!, port: m[3] !== undefined ? Number(m[3]) : m[1] === 'https' ? 443 : 80, path: m[4] === '' ? '/' : m[4]!.startsWith('/') ? m[4]! : `/${m[4]}` };
}

type Fetch = { ok: true; status: number; body: string } | { ok: false; reason: 'resolve' | 'refused'; ip?: string };

/** An HTTP GET from this container. */
function httpGet(ctx: Ctx, url: Url, userAgent: string): Fetch {
  const env = ctx.env as ProgramEnv;
  const ip = lookup(ctx, url.host);
  if (ip === undefined) return { ok: false, reason: 'resolve' };
  if (ip === '127.0.0.1') {
    const service = env.connect?.('127.0.0.1', url.port) ?? (env.localPort?.(url.port) as Service | undefined);
    const res = service?.http?.({ method: 'GET', path: url.path, remoteAddr: '127.0.0.1', userAgent });
    return res === undefined ? { ok: false, reason: 'refused', ip } : { ok: true, status: res.status, body: res.body };
  }
  const viaNetwork = ctx.env.network?.httpGet(ip, url.port, url.path, ctx.env.namespace);
  if (viaNetwork !== undefined) return { ok: true, ...viaNetwork };
  const service = env.connect?.(ip, url.port);
  const res = service?.http?.({ method: 'GET', path: url.path, remoteAddr: '10.244.0.1', userAgent });
  return res === undefined ? { ok: false, reason: 'refused', ip } : { ok: true, status: res.status, body: res.body };
}

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/** The byte length of a body as sent. */
function bytes(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

export const wget: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'qO:T:SsY:U:P:ct:', { quiet: 'q', 'output-document': 'O', timeout: 'T', spider: 's', 'user-agent': 'U' });
  const raw = p.operands[0];
  if (raw === undefined) {
    ctx.stderr('BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n');
    return 1;
  }
  const url = parseUrl(raw);
  if (url === undefined || /^[a-z]+:\/\//.test(raw) && !/^https?:\/\//.test(raw)) {
    fail(ctx, `not an http or ftp url: ${raw}`);
    return 1;
  }
  const quiet = has(p, 'q');
  const r = httpGet(ctx, url, p.values.get('U') ?? 'Wget');
  if (!r.ok && r.reason === 'resolve') {
    fail(ctx, `bad address '${url.host}'`);
    return 1;
  }
  if (!quiet) ctx.stderr(`Connecting to ${url.host}${url.port !== 80 ? `:${url.port}` : ''} (${r.ok ? (lookup(ctx, url.host) ?? url.host) : r.ip}:${url.port})\n`);
  if (!r.ok) {
    fail(ctx, `can't connect to remote host (${r.ip}): Connection refused`);
    return 1;
  }
  if (r.status >= 400) {
    fail(ctx, `server returned error: HTTP/1.1 ${r.status} ${REASONS[r.status] ?? ''}`.trimEnd());
    return 1;
  }
  if (has(p, 's')) {
    if (!quiet) ctx.stderr('remote file exists\n');
    return 0;
  }
  const target = p.values.get('O') ?? (basename(url.path.split('?')[0]!) === '/' || url.path.endsWith('/') ? 'index.html' : basename(url.path.split('?')[0]!));
  const size = bytes(r.body);
  const bar = (name: string): string => `${name.padEnd(20).slice(0, 20)} 100% |********************************| ${String(size).padStart(5)}  0:00:00 ETA\n`;
  if (target === '-') {
    if (!quiet) ctx.stderr('writing to stdout\n');
    ctx.stdout(r.body);
    if (!quiet) ctx.stderr(`${bar('-')}written to stdout\n`);
    return 0;
  }
  const path = resolvePath(ctx, target);
  if (p.values.get('O') === undefined && ctx.env.fs.exists(path)) {
    fail(ctx, `can't open '${target}': File exists`);
    return 1;
  }
  if (!quiet) ctx.stderr(`saving to '${target}'\n`);
  try {
    ctx.env.fs.writeFile(path, r.body);
  } catch (e) {
    fail(ctx, `can't open '${target}': ${e instanceof Error && 'text' in e ? (e as { text: string }).text : 'No such file or directory'}`);
    return 1;
  }
  if (!quiet) ctx.stderr(`${bar(target)}'${target}' saved\n`);
  return 0;
};

export const curl: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'sSfo:OIivLm:H:X:d:w:kA:', { silent: 's', 'show-error': 'S', fail: 'f', output: 'o', 'remote-name': 'O', head: 'I', include: 'i', verbose: 'v', location: 'L', 'max-time': 'm', 'connect-timeout': 'm', header: 'H', request: 'X', data: 'd', 'write-out': 'w', insecure: 'k', 'user-agent': 'A' });
  const raw = p.operands[0];
  const silent = has(p, 's');
  const showErrors = !silent || has(p, 'S');
  if (raw === undefined) {
    ctx.stderr("curl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const url = parseUrl(raw);
  if (url === undefined) {
    if (showErrors) ctx.stderr(`curl: (3) URL rejected: Malformed input to a URL function\n`);
    return 3;
  }
  const r = httpGet(ctx, url, p.values.get('A') ?? 'curl/8.5.0');
  const writeOut = (status: number, size: number): void => {
    const w = p.values.get('w');
    if (w !== undefined) ctx.stdout(w.replace(/%\{http_code\}/g, String(status).padStart(3, '0')).replace(/%\{size_download\}/g, String(size)).replace(/\\n/g, '\n'));
  };
  if (!r.ok) {
    if (r.reason === 'resolve') {
      if (showErrors) ctx.stderr(`curl: (6) Could not resolve host: ${url.host}\n`);
      writeOut(0, 0);
      return 6;
    }
    if (showErrors) ctx.stderr(`curl: (7) Failed to connect to ${url.host} port ${url.port} after 0 ms: Couldn't connect to server\n`);
    writeOut(0, 0);
    return 7;
  }
  if (has(p, 'f') && r.status >= 400) {
    if (showErrors) ctx.stderr(`curl: (22) The requested URL returned error: ${r.status}\n`);
    writeOut(r.status, 0);
    return 22;
  }
  const size = bytes(r.body);
  const head = `HTTP/1.1 ${r.status} ${REASONS[r.status] ?? ''}\r\nContent-Type: text/html\r\nContent-Length: ${size}\r\n\r\n`;
  const body = has(p, 'I') ? head : has(p, 'i') ? head + r.body : r.body;
  const outFile = p.values.get('o') ?? (has(p, 'O') ? basename(url.path) : undefined);
  if (outFile !== undefined && outFile !== '-') {
    try {
      ctx.env.fs.writeFile(resolvePath(ctx, outFile), body);
    } catch {
      if (showErrors) ctx.stderr(`curl: (23) Failure writing output to destination\n`);
      return 23;
    }
  }
  // The progress meter goes to stderr when the body does not go to a terminal.
  if (!silent && (outFile !== undefined && outFile !== '-' || ctx.env.tty !== true)) {
    const n = String(size).padStart(5);
    ctx.stderr(`  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n\r100${n}  100${n}    0     0   ${String(size).padStart(4)}k      0 --:--:-- --:--:-- --:--:--  ${String(size).padStart(4)}k\n`);
  }
  if (outFile === undefined || outFile === '-') ctx.stdout(body);
  writeOut(r.status, size);
  return 0;
};

/** `nc [-z] HOST PORT`: stdin to a TCP service, its replies to stdout. */
export const nc: Applet = function* (ctx) {
  const args = ctx.argv.slice(1);
  const scan = args.includes('-z');
  const ops = args.filter((a, i) => !a.startsWith('-') && !(args[i - 1] === '-w' || args[i - 1] === '-q'));
  const [host, portArg] = ops;
  if (host === undefined || portArg === undefined) {
    ctx.stderr('BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\nnc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n');
    return 1;
  }
  const ip = lookup(ctx, host);
  if (ip === undefined) {
    fail(ctx, `bad address '${host}'`);
    return 1;
  }
  const port = Number(portArg);
  const env = ctx.env as ProgramEnv;
  const service: Service | PortHandler | undefined = env.connect?.(ip, port) ?? ctx.env.network?.connect?.(ip, port, ctx.env.namespace);
  if (service === undefined) {
    if (!scan) fail(ctx, `can't connect to remote host (${ip}): Connection refused`);
    return 1;
  }
  if (scan) return 0;
  const input = yield* readAll(ctx.stdin);
  const tcp = (service as Service).tcp;
  const request = (service as PortHandler).request;
  if (tcp !== undefined) {
    for (const line of input.split('\n').filter((l) => l !== '')) {
      // The reply as the server sent it (ZooKeeper's `imok` has no newline).
      ctx.stdout(tcp(line));
    }
  } else if (request !== undefined && input !== '') ctx.stdout(request(input));
  return 0;
};

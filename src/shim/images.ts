// The image catalog: container images are behaviours, not downloads. Each entry says
// how big the image is (for the kubelet's "Pulled … Image size" event), what its
// ENTRYPOINT/CMD/ENV/WORKDIR are, which files its root filesystem holds, and which of
// its executables are built-in programs (servers such as nginx and redis) that the
// container runtime runs as generators under the Wait protocol of container/types.ts.
// Reference normalisation follows github.com/distribution/reference (ParseNormalizedNamed).
import type { ProcessEnv, ProcessIO, Wait } from './container/types.ts';
import { fnv32a } from './random.ts';
import { startZookeeper, zkCli, ZK_HOME, zookeeperFiles, zookeeperJava, zookeeperReady } from './zookeeper.ts';
import { PG_BIN, pgIsReady, postgresEntrypoint, psql } from './postgres.ts';
import { operatorManager } from './operators/manager.ts';

// ---------------------------------------------------------------------------------------
// References

export interface ImageRef {
  /** `docker.io`, `registry.k8s.io`, … */
  registry: string;
  /** `library/nginx`, `e2e-test-images/agnhost`. */
  repository: string;
  tag?: string;
  digest?: string;
  /** Registry + repository: `docker.io/library/nginx`. */
  name: string;
  /** What containerd reports as the image: `docker.io/library/nginx:latest` (or `name@digest`). */
  full: string;
}

/** `nginx` → docker.io/library/nginx:latest; `registry.k8s.io/pause:3.10` stays as it is. */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  let registry = 'docker.io';
  let repository = rest;
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first === 'index.docker.io' ? 'docker.io' : first;
    repository = rest.slice(slash + 1);
  }
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (tag === undefined && digest === undefined) tag = 'latest';
  const name = `${registry}/${repository}`;
  const full = digest !== undefined ? `${name}@${digest}` : `${name}:${tag}`;
  return { registry, repository, name, full, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** The API server's imagePullPolicy default: Always for `:latest` or no tag, else IfNotPresent. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const r = parseImageRef(image);
  return r.digest === undefined && r.tag === 'latest' ? 'Always' : 'IfNotPresent';
}

// ---------------------------------------------------------------------------------------
// Built-in programs

/** Yielded Waits; returns the exit code; resumed with stdin data (null = EOF). */
export type ProgramGenerator = Generator<Wait, number, string | null | undefined>;

/** An HTTP or line-oriented TCP service a program listens with. */
export interface Service {
  http?(req: HttpRequest): HttpResponse;
  /** One request line in, one reply out (redis, zookeeper four-letter words). */
  tcp?(line: string): string;
}

export interface HttpRequest {
  method: string;
  path: string;
  remoteAddr: string;
  userAgent: string;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/**
 * ProcessEnv plus the sockets of the pod's network namespace. The kubelet builds it;
 * the runtime passes it on unchanged to the programs it starts.
 */
export interface ProgramEnv extends ProcessEnv {
  /** Opens a listening port in the pod; returns a close function. */
  listen?(port: number, service: Service): () => void;
  /** Connects to host:port (a pod IP, `localhost`, or a name the network resolves). */
  connect?(host: string, port: number): Service | undefined;
}

export interface ProgramContext {
  argv: readonly string[];
  env: ProgramEnv;
  io: ProcessIO;
  /** Runs another command in this process (`exec "$@"`), resolved by the runtime's PATH lookup. */
  exec?(argv: readonly string[]): ProgramGenerator | undefined;
}

export type BuiltinProgram = (ctx: ProgramContext) => ProgramGenerator;

/**
 * Thrown into a program's generator for a catchable signal (SIGINT 2, SIGTERM 15); a
 * program that catches it decides its exit code, one that does not exits 128+signal.
 * SIGKILL is never delivered: the generator is simply closed.
 */
export class ProcessSignal extends Error {
  constructor(
    readonly signal: 2 | 9 | 15,
    /** The PID it was sent to, when that is a command a shell runs in place (not the shell). */
    readonly target?: number,
  ) {
    super(`signal ${signal}`);
    this.name = 'ProcessSignal';
  }
}

/** Marker content of an executable that is a built-in program (`builtinNameOf` reads it). */
export const BUILTIN_PREFIX = '\u007fELF statecraft-builtin ';
const bin = (name: string): string => `${BUILTIN_PREFIX}${name}\n`;

export function builtinNameOf(content: string): string | undefined {
  if (!content.startsWith(BUILTIN_PREFIX)) return undefined;
  return content.slice(BUILTIN_PREFIX.length).trim();
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let nginxSecond = -1;
let nginxStamp = '';

/** `2026/01/01 00:00:01`, nginx's error-log time. */
function nginxTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== nginxSecond) {
    nginxSecond = second;
    nginxStamp = formatNginxTime(second * 1000);
  }
  return nginxStamp;
}

function formatNginxTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `01/Jan/2026:00:00:01 +0000`, the access-log time. */
function clfTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** `01 Jan 2026 00:00:01.000`, redis' log time. */
function redisTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

function isoSpace(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('T', ' ').replace('.000Z', '+00:00');
}

/** Waits until a signal arrives; returns the signal (SIGKILL never returns). */
function* untilSignal(): Generator<Wait, 2 | 15, string | null | undefined> {
  try {
    for (;;) yield { kind: 'forever' };
  } catch (e) {
    if (e instanceof ProcessSignal && e.signal !== 9) return e.signal;
    throw e;
  }
}

function readOr(env: ProcessEnv, path: string): string | undefined {
  try {
    return env.fs.readFile(path);
  } catch {
    return undefined;
  }
}

// nginx ------------------------------------------------------------------------------

const NGINX_VERSION = '1.27.4';
const NGINX_WORKERS = [29, 30, 31, 32, 33, 34, 35, 36];

function nginxPage(status: number, title: string, version: string): string {
  return `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`;
}

function nginxServe(env: ProcessEnv, root: string, path: string, version: string): HttpResponse {
  const clean = path.split('?')[0] ?? '/';
  let file = `${root}${clean}`.replace(/\/+/g, '/');
  try {
    if (env.fs.stat(file).type === 'dir') {
      const index = `${file.replace(/\/$/, '')}/index.html`;
      if (!env.fs.exists(index)) return { status: 403, body: nginxPage(403, 'Forbidden', version) };
      file = index;
    }
    return { status: 200, body: env.fs.readFile(file) };
  } catch {
    return { status: 404, body: nginxPage(404, 'Not Found', version) };
  }
}

function nginxProgram(version: string, banner: boolean): BuiltinProgram {
  return function* nginx({ argv, env, io }) {
    if (argv.includes('-v') || argv.includes('-V')) {
      io.stderr(`nginx version: nginx/${version}\n`);
      return 0;
    }
    const log = (pid: number, msg: string): void => io.stderr(`${nginxTime(env.now())} [notice] ${pid}#${pid}: ${msg}\n`);
    if (banner) {
      log(1, 'using the "epoll" event method');
      log(1, `nginx/${version}`);
      log(1, 'built by gcc 12.2.0 (Debian 12.2.0-14) ');
      log(1, 'OS: Linux 6.1.0-31-amd64');
      log(1, 'getrlimit(RLIMIT_NOFILE): 1048576:1048576');
      log(1, 'start worker processes');
      for (const w of NGINX_WORKERS) log(1, `start worker process ${w}`);
    }
    const close = env.listen?.(80, {
      http: (req) => {
        const res = nginxServe(env, '/usr/share/nginx/html', req.path, version);
        io.stdout(`${req.remoteAddr} - - [${clfTime(env.now())}] "${req.method} ${req.path} HTTP/1.1" ${res.status} ${res.body.length} "-" "${req.userAgent}" "-"\n`);
        return res;
      },
    });
    yield* untilSignal();
    close?.();
    // The image's STOPSIGNAL is SIGQUIT: containerd sends it, nginx shuts down gracefully, exit 0.
    if (banner) {
      log(1, 'signal 3 (SIGQUIT) received, shutting down');
      for (const w of NGINX_WORKERS) log(w, 'gracefully shutting down');
      log(1, 'exit');
    }
    return 0;
  };
}

const NGINX_ENTRYPOINT_LINES = [
  '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
  '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
  '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
  '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
  '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
  '/docker-entrypoint.sh: Configuration complete; ready for start up',
];

/** Runs `argv` through the runtime, falling back to the built-ins by basename. */
function execOrBuiltin(ctx: ProgramContext, argv: readonly string[]): ProgramGenerator | undefined {
  const viaRuntime = ctx.exec?.(argv);
  if (viaRuntime !== undefined) return viaRuntime;
  const program = builtinPrograms.get((argv[0] ?? '').split('/').pop() ?? '');
  return program?.({ ...ctx, argv });
}

function* notFound(ctx: ProgramContext, script: string, cmd: string): ProgramGenerator {
  ctx.io.stderr(`${script}: exec: line 47: ${cmd}: not found\n`);
  return 127;
}

const nginxEntrypoint: BuiltinProgram = function* (ctx) {
  const rest = ctx.argv.slice(1);
  if ((rest[0] === 'nginx' || rest[0] === 'nginx-debug') && ctx.env.env.NGINX_ENTRYPOINT_QUIET_LOGS === undefined) {
    for (const line of NGINX_ENTRYPOINT_LINES) ctx.io.stdout(`${line}\n`);
  }
  if (rest.length === 0) return 0;
  const next = execOrBuiltin(ctx, rest);
  return next === undefined ? yield* notFound(ctx, '/docker-entrypoint.sh', rest[0]!) : yield* next;
};

// redis ------------------------------------------------------------------------------

const REDIS_VERSION = '7.4.2';

/**
 * A tiny key-value store that keeps its data in /data/dump.rdb (one `key=value` a line).
 * Replication, simplified from redis' replication.c: a replica (`--replicaof HOST PORT` or
 * `REPLICAOF HOST PORT`) refuses writes and pulls the primary's whole dataset when it
 * starts replicating, before each read and once a second; `REPLICAOF NO ONE` promotes it.
 */
const redisServer: BuiltinProgram = function* ({ argv, env, io }) {
  const portArg = argv.indexOf('--port');
  const port = portArg >= 0 ? Number(argv[portArg + 1]) : 6379;
  const dir = env.cwd === '/' ? '/data' : env.cwd;
  const rdb = `${dir}/dump.rdb`;
  const replicaArg = argv.indexOf('--replicaof');
  let primary = replicaArg >= 0 ? parseReplicaOf(argv.slice(replicaArg + 1)) : undefined;
  // 'down' once a pull failed, so a dead primary is reported once, not every second.
  let link: 'new' | 'up' | 'down' = 'new';
  const log = (role: string, mark: string, msg: string): void => io.stdout(`1:${role === 'M' && primary !== undefined ? 'S' : role} ${redisTime(env.now())} ${mark} ${msg}\n`);
  log('C', '#', 'WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition. Being disabled, it can also cause failures without low memory condition, see https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add \'vm.overcommit_memory = 1\' to /etc/sysctl.conf and then reboot or run the command \'sysctl vm.overcommit_memory=1\' for this to take effect.');
  log('C', '*', 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
  log('C', '*', `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=1, just started`);
  log('C', '#', 'Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf');
  log('M', '*', 'monotonic clock: POSIX clock_gettime');
  log('M', '*', `Running mode=standalone, port=${port}.`);
  log('M', '*', 'Server initialized');
  const data = new Map<string, string>();
  const saved = readOr(env, rdb);
  if (saved !== undefined) {
    for (const line of saved.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) data.set(line.slice(0, eq), line.slice(eq + 1));
    }
    log('M', '*', `Loading RDB produced by version ${REDIS_VERSION}`);
    log('M', '*', `Done loading RDB, keys loaded: ${data.size}, keys expired: 0.`);
    log('M', '*', 'DB loaded from disk: 0.000 seconds');
  }
  log('M', '*', 'Ready to accept connections tcp');
  const dump = (): string => [...data].map(([k, v]) => `${k}=${v}`).join('\n');
  const save = (): void => {
    try {
      env.fs.mkdir(dir, { recursive: true });
      env.fs.writeFile(rdb, dump());
    } catch {
      // A read-only or missing data directory: the data lives only in memory, as with a failed BGSAVE.
    }
  };
  /** A full resync from the primary; logs only when the link changes state. */
  const pull = (): void => {
    if (primary === undefined) return;
    // The primary's name goes through cluster DNS (a headless Service's pod record).
    const ip = /^[\d.]+$/.test(primary.host) ? primary.host : env.network?.resolve(primary.host, env.namespace)?.addresses[0];
    const reply = ip === undefined ? undefined : env.connect?.(ip, primary.port)?.tcp?.('SYNC');
    if (reply === undefined || !reply.startsWith('+FULLRESYNC')) {
      if (link !== 'down') log('S', '#', 'Error condition on socket for SYNC: Connection refused');
      link = 'down';
      return;
    }
    if (link !== 'up') {
      log('S', '*', `Connecting to MASTER ${primary.host}:${primary.port}`);
      log('S', '*', 'MASTER <-> REPLICA sync started');
      log('S', '*', 'MASTER <-> REPLICA sync: Finished with success');
    }
    link = 'up';
    const next = reply.slice('+FULLRESYNC\n'.length);
    if (next === dump()) return;
    data.clear();
    for (const row of next.split('\n')) {
      const eq = row.indexOf('=');
      if (eq > 0) data.set(row.slice(0, eq), row.slice(eq + 1));
    }
    save();
  };
  let wakeLoop: (() => void) | undefined;
  const READONLY = "(error) READONLY You can't write against a read only replica.";
  const close = env.listen?.(port, {
    tcp: (line) => {
      const [cmd = '', key = '', ...value] = line.trim().split(/\s+/);
      switch (cmd.toUpperCase()) {
        case 'PING': return 'PONG';
        case 'GET': pull(); return data.get(key) ?? '(nil)';
        case 'SET': if (primary) return READONLY; data.set(key, value.join(' ')); save(); return 'OK';
        case 'DEL': { if (primary) return READONLY; const had = data.delete(key); save(); return `(integer) ${had ? 1 : 0}`; }
        case 'KEYS': pull(); return [...data.keys()].map((k, i) => `${i + 1}) "${k}"`).join('\n') || '(empty array)';
        case 'DBSIZE': pull(); return `(integer) ${data.size}`;
        case 'SYNC': return `+FULLRESYNC\n${dump()}`;
        case 'ROLE': return primary === undefined
          ? '1) "master"\n2) (integer) 0\n3) (empty array)'
          : `1) "slave"\n2) "${primary.host}"\n3) (integer) ${primary.port}\n4) "${link === 'up' ? 'connected' : 'connect'}"\n5) (integer) 0`;
        case 'REPLICAOF':
        case 'SLAVEOF': {
          if (key.toUpperCase() === 'NO' && value[0]?.toUpperCase() === 'ONE') {
            if (primary !== undefined) {
              primary = undefined;
              link = 'new';
              log('M', '*', "MASTER MODE enabled (user request from 'id=3 addr=10.244.0.1:40000')");
            }
            return 'OK';
          }
          const next = parseReplicaOf([key, ...value]);
          if (next === undefined) return "(error) ERR value is out of range, must be positive";
          if (primary?.host === next.host && primary.port === next.port) return 'OK Already connected to specified master';
          primary = next;
          link = 'new';
          log('S', '*', `REPLICAOF ${next.host}:${next.port} enabled (user request from 'id=3 addr=10.244.0.1:40000')`);
          pull();
          wakeLoop?.();
          return 'OK';
        }
        default: return `(error) ERR unknown command '${cmd}', with args beginning with: `;
      }
    },
  });
  pull();
  try {
    // A replica keeps pulling once a second (background: it must not hold `settle()` up).
    for (;;) {
      if (primary !== undefined) {
        yield { kind: 'sleep', ms: 1000, background: true };
        pull();
      } else {
        yield { kind: 'event', subscribe: (wake) => { wakeLoop = wake; return () => { wakeLoop = undefined; }; } };
      }
    }
  } catch (e) {
    if (!(e instanceof ProcessSignal) || e.signal === 9) throw e;
  }
  close?.();
  log('M', '#', 'User requested shutdown...');
  log('M', '*', 'Saving the final RDB snapshot before exiting.');
  save();
  log('M', '*', 'DB saved on disk');
  log('M', '#', 'Redis is now ready to exit, bye bye...');
  return 0;
};

/** `--replicaof "HOST PORT"` (one argument, as in redis.conf) or `--replicaof HOST PORT`. */
function parseReplicaOf(args: readonly string[]): { host: string; port: number } | undefined {
  const [host, portText] = (args[0]?.includes(' ') ? args[0].split(/\s+/) : args) as [string?, string?];
  const port = Number(portText);
  return host === undefined || !Number.isInteger(port) || port <= 0 ? undefined : { host, port };
}

/** `redis-cli [-h host] [-p port] CMD args…`: one command against a server. */
const redisCli: BuiltinProgram = function* ({ argv, env, io }) {
  let host = '127.0.0.1';
  let port = 6379;
  const words: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h') host = argv[++i] ?? host;
    else if (a === '-p') port = Number(argv[++i] ?? port);
    else words.push(a);
  }
  const server = env.connect?.(host, port);
  if (server?.tcp === undefined) {
    io.stderr(`Could not connect to Redis at ${host}:${port}: Connection refused\n`);
    return 1;
  }
  if (words.length === 0) return 0;
  io.stdout(`${server.tcp(words.join(' '))}\n`);
  return 0;
};

const redisEntrypoint: BuiltinProgram = function* (ctx) {
  const rest = ctx.argv.slice(1);
  if (rest.length === 0) return 0;
  const next = execOrBuiltin(ctx, rest);
  return next === undefined ? yield* notFound(ctx, '/usr/local/bin/docker-entrypoint.sh', rest[0]!) : yield* next;
};

// mysql: refuses to start without a password, as the real entrypoint does (postgres: postgres.ts) --

const mysqlEntrypoint: BuiltinProgram = function* ({ argv, env, io }) {
  if (argv[1] !== 'mysqld') return 0;
  const version = env.env.MYSQL_VERSION ?? '8.4.4-1.el9';
  const note = (level: string, msg: string): void => io.stdout(`${isoSpace(env.now())} [${level}] [Entrypoint]: ${msg}\n`);
  note('Note', `Entrypoint script for MySQL Server ${version} started.`);
  note('Note', "Switching to dedicated user 'mysql'");
  note('Note', `Entrypoint script for MySQL Server ${version} started.`);
  const e = env.env;
  const initialised = env.fs.exists('/var/lib/mysql/mysql');
  if (!initialised && (e.MYSQL_ROOT_PASSWORD ?? '') === '' && e.MYSQL_ALLOW_EMPTY_PASSWORD === undefined && e.MYSQL_RANDOM_ROOT_PASSWORD === undefined) {
    io.stderr(`${isoSpace(env.now())} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified
    You need to specify one of the following as an environment variable:
    - MYSQL_ROOT_PASSWORD
    - MYSQL_ALLOW_EMPTY_PASSWORD
    - MYSQL_RANDOM_ROOT_PASSWORD
`);
    return 1;
  }
  if (!initialised) {
    note('Note', 'Initializing database files');
    try {
      env.fs.mkdir('/var/lib/mysql/mysql', { recursive: true });
    } catch {
      // read-only: keep going in memory
    }
    note('Note', 'Database files initialized');
    note('Note', 'MySQL init process done. Ready for start up.');
  }
  io.stderr(`${isoSpace(env.now()).replace('+00:00', '.000000Z')} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '${version.split('-')[0]}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.\n`);
  const close = env.listen?.(3306, { tcp: () => 'ok' });
  yield* untilSignal();
  close?.();
  return 0;
};

// small daemons --------------------------------------------------------------------------

const pause: BuiltinProgram = function* () {
  yield* untilSignal();
  return 0;
};

/** agnhost: the Kubernetes e2e Swiss-army knife (netexec, serve-hostname, liveness, pause). */
const agnhost: BuiltinProgram = function* ({ argv, env, io }) {
  const sub = argv[1];
  const flag = (name: string, dflt: number): number => {
    const f = argv.find((a) => a.startsWith(`--${name}=`));
    return f === undefined ? dflt : Number(f.slice(name.length + 3));
  };
  if (sub === 'pause') {
    io.stdout('Paused\n');
    yield* untilSignal();
    io.stdout('Shutting down after receiving signal: terminated.\n');
    return 0;
  }
  if (sub === 'serve-hostname') {
    const port = flag('port', 9376);
    const close = env.listen?.(port, { http: () => ({ status: 200, body: env.hostname }) });
    io.stderr(`I0101 00:00:00.000000       1 log.go:245] Serving on port ${port}.\n`);
    yield* untilSignal();
    close?.();
    return 0;
  }
  if (sub === 'netexec') {
    const port = flag('http-port', 8080);
    const started = env.now();
    const close = env.listen?.(port, {
      http: (req) => {
        const [p = '/', q = ''] = req.path.split('?');
        if (p === '/hostname') return { status: 200, body: env.hostname };
        if (p === '/echo') return { status: 200, body: decodeURIComponent(q.replace(/^msg=/, '')) };
        if (p === '/healthz') return { status: 200, body: '' };
        if (p === '/clientip') return { status: 200, body: `${req.remoteAddr}:${40000 + (fnv32a(req.remoteAddr) % 20000)}` };
        if (p === '/') return { status: 200, body: `NOW: ${new Date(env.now()).toISOString()}` };
        return { status: 404, body: '404 page not found\n' };
      },
    });
    io.stderr(`I0101 00:00:00.000000       1 log.go:245] Started HTTP server on port ${port}\n`);
    yield* untilSignal();
    close?.();
    void started;
    return 0;
  }
  if (sub === 'liveness') {
    // Healthy for 10 s, then /healthz answers 500 (K:test/images/agnhost/liveness/server.go).
    const started = env.now();
    const close = env.listen?.(8080, {
      http: (req) => {
        if (req.path.split('?')[0] !== '/healthz') return { status: 404, body: '404 page not found\n' };
        const secs = (env.now() - started) / 1000;
        return secs > 10 ? { status: 500, body: `error: ${secs.toFixed(6)}` } : { status: 200, body: 'ok' };
      },
    });
    yield* untilSignal();
    close?.();
    return 0;
  }
  io.stderr('Usage:\n  agnhost [flags]\n  agnhost [command]\n');
  return sub === undefined ? 0 : 1;
};

/**
 * Programs by name, for the runtime's PATH lookup: an executable whose content is
 * `builtinFile(name)` runs `builtinPrograms.get(name)`. Shell and coreutils (`sh`, `ls`,
 * `sleep`, …) belong to the runtime and are not here.
 */
export const builtinPrograms: ReadonlyMap<string, BuiltinProgram> = new Map<string, BuiltinProgram>([
  ['nginx', nginxProgram(NGINX_VERSION, true)],
  ['nginx-slim', nginxProgram('1.27.3', false)],
  ['nginx-entrypoint', nginxEntrypoint],
  ['redis-server', redisServer],
  ['redis-cli', redisCli],
  ['redis-entrypoint', redisEntrypoint],
  ['postgres-entrypoint', postgresEntrypoint],
  ['pg_isready', pgIsReady],
  ['psql', psql],
  ['mysql-entrypoint', mysqlEntrypoint],
  ['pause', pause],
  ['agnhost', agnhost],
  ['start-zookeeper', startZookeeper],
  ['zookeeper-ready', zookeeperReady],
  ['java', zookeeperJava],
  ['zkCli.sh', zkCli],
  ['operator-manager', operatorManager],
]);

// ---------------------------------------------------------------------------------------
// The catalog

export interface ImageSpec {
  /** Bytes, as the kubelet reports in the Pulled event. */
  size: number;
  entrypoint: readonly string[];
  cmd: readonly string[];
  env: Readonly<Record<string, string>>;
  workingDir: string;
  /** Root filesystem: absolute path → content. Directories are implied by paths. */
  files: Readonly<Record<string, string>>;
  /** Which tags exist; others fail to pull with "not found". */
  tags?: RegExp;
}

export interface ResolvedImage extends ImageSpec {
  ref: ImageRef;
  /** `docker.io/library/nginx@sha256:<64 hex>`, stable per reference. */
  imageID: string;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const VERSION_TAGS = /^(latest|stable|mainline|alpine|bookworm|bullseye|slim|musl|glibc|uclibc|\d[\w.-]*)$/;

const NGINX_INDEX = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const NGINX_DEFAULT_CONF = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`;

const NGINX_CONF = `
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
`;

const debianBase = (hostsShell = true): Record<string, string> => ({
  '/etc/os-release': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\n',
  '/tmp/.keep': '',
  '/root/.keep': '',
  ...(hostsShell ? { '/bin/sh': bin('sh'), '/bin/bash': bin('sh'), '/bin/ls': bin('ls'), '/bin/cat': bin('cat') } : {}),
});

const busyboxFiles = (): Record<string, string> => ({
  '/bin/sh': bin('sh'),
  '/bin/busybox': bin('sh'),
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n',
  '/tmp/.keep': '',
  '/root/.keep': '',
});

const nginxFiles = (): Record<string, string> => ({
  ...debianBase(),
  '/docker-entrypoint.sh': bin('nginx-entrypoint'),
  '/docker-entrypoint.d/10-listen-on-ipv6-by-default.sh': '#!/bin/sh\n',
  '/docker-entrypoint.d/15-local-resolvers.envsh': '#!/bin/sh\n',
  '/docker-entrypoint.d/20-envsubst-on-templates.sh': '#!/bin/sh\n',
  '/docker-entrypoint.d/30-tune-worker-processes.sh': '#!/bin/sh\n',
  '/usr/sbin/nginx': bin('nginx'),
  '/usr/share/nginx/html/index.html': NGINX_INDEX,
  '/usr/share/nginx/html/50x.html': '<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n<p>Sorry, the page you are looking for is currently unavailable.<br/>\nPlease try again later.</p>\n</body>\n</html>\n',
  '/etc/nginx/nginx.conf': NGINX_CONF,
  '/etc/nginx/conf.d/default.conf': NGINX_DEFAULT_CONF,
  '/etc/nginx/mime.types': 'types {\n    text/html                                        html htm shtml;\n}\n',
  '/var/log/nginx/access.log': '',
  '/var/log/nginx/error.log': '',
  '/var/cache/nginx/.keep': '',
});

const nginxSlim = (): ImageSpec => ({
  size: 19_951_235,
  entrypoint: [],
  cmd: ['nginx', '-g', 'daemon off;'],
  env: { PATH },
  workingDir: '/',
  files: {
    ...debianBase(),
    '/usr/sbin/nginx': bin('nginx-slim'),
    '/usr/share/nginx/html/index.html': NGINX_INDEX,
    '/etc/nginx/nginx.conf': NGINX_CONF,
    '/etc/nginx/conf.d/default.conf': NGINX_DEFAULT_CONF,
  },
  tags: /^0\.\d+$/,
});

const busybox = (size: number): ImageSpec => ({ size, entrypoint: [], cmd: ['sh'], env: { PATH }, workingDir: '/', files: busyboxFiles(), tags: VERSION_TAGS });

/** A Kubernetes system component: static binaries that run until stopped. */
const systemImage = (size: number, binaries: readonly string[], entrypoint: readonly string[] = []): ImageSpec => ({
  size,
  entrypoint,
  cmd: [],
  env: { PATH },
  workingDir: '/',
  files: Object.fromEntries(binaries.map((path) => [path, bin('pause')])),
});

/** Image name (registry/repository) → what the image is. */
const CATALOG: ReadonlyMap<string, () => ImageSpec> = new Map<string, () => ImageSpec>([
  ['docker.io/library/nginx', () => ({
    size: 72_195_292,
    entrypoint: ['/docker-entrypoint.sh'],
    cmd: ['nginx', '-g', 'daemon off;'],
    env: { PATH, NGINX_VERSION, NJS_VERSION: '0.8.9', NJS_RELEASE: '1~bookworm', PKG_RELEASE: '1~bookworm', DYNPKG_RELEASE: '1~bookworm' },
    workingDir: '/',
    files: nginxFiles(),
    tags: VERSION_TAGS,
  })],
  ['registry.k8s.io/nginx-slim', nginxSlim],
  ['k8s.gcr.io/nginx-slim', nginxSlim],
  ['gcr.io/google_containers/nginx-slim', nginxSlim],
  ['docker.io/library/busybox', () => busybox(2_156_511)],
  ['gcr.io/google_containers/busybox', () => busybox(1_313_266)],
  ['registry.k8s.io/busybox', () => busybox(1_144_547)],
  ['registry.k8s.io/e2e-test-images/busybox', () => busybox(2_231_050)],
  ['docker.io/library/alpine', () => ({ size: 3_653_068, entrypoint: [], cmd: ['/bin/sh'], env: { PATH }, workingDir: '/', files: busyboxFiles(), tags: VERSION_TAGS })],
  ['docker.io/library/debian', () => ({ size: 48_494_272, entrypoint: [], cmd: ['bash'], env: { PATH }, workingDir: '/', files: debianBase(), tags: VERSION_TAGS })],
  ['docker.io/library/ubuntu', () => ({ size: 29_754_290, entrypoint: [], cmd: ['/bin/bash'], env: { PATH }, workingDir: '/', files: debianBase(), tags: /^(latest|\d[\w.-]*|noble|jammy|focal)$/ })],
  ['docker.io/library/redis', () => ({
    size: 45_203_871,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['redis-server'],
    env: { PATH, REDIS_VERSION, GOSU_VERSION: '1.17' },
    workingDir: '/data',
    files: { ...debianBase(), '/usr/local/bin/docker-entrypoint.sh': bin('redis-entrypoint'), '/usr/local/bin/redis-server': bin('redis-server'), '/usr/local/bin/redis-cli': bin('redis-cli'), '/data/.keep': '' },
    tags: VERSION_TAGS,
  })],
  ['docker.io/library/postgres', () => ({
    size: 157_542_010,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['postgres'],
    env: { PATH: `${PATH}:${PG_BIN}`, PG_MAJOR: '17', PG_VERSION: '17.4-1.pgdg120+2', PGDATA: '/var/lib/postgresql/data', LANG: 'en_US.utf8' },
    workingDir: '/',
    files: { ...debianBase(), '/usr/local/bin/docker-entrypoint.sh': bin('postgres-entrypoint'), '/usr/bin/pg_isready': bin('pg_isready'), '/usr/bin/psql': bin('psql'), '/var/lib/postgresql/data/.keep': '' },
    tags: VERSION_TAGS,
  })],
  ['docker.io/library/mysql', () => ({
    size: 235_611_454,
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['mysqld'],
    env: { PATH, MYSQL_MAJOR: '8.4', MYSQL_VERSION: '8.4.4-1.el9', GOSU_VERSION: '1.17' },
    workingDir: '/',
    files: { ...debianBase(), '/usr/local/bin/docker-entrypoint.sh': bin('mysql-entrypoint'), '/var/lib/mysql/.keep': '' },
    tags: VERSION_TAGS,
  })],
  ['registry.k8s.io/e2e-test-images/agnhost', () => ({
    size: 51_187_372,
    entrypoint: ['/agnhost'],
    cmd: [],
    env: { PATH },
    workingDir: '/',
    files: { ...busyboxFiles(), '/agnhost': bin('agnhost') },
    tags: /^2\.\d+$/,
  })],
  ['registry.k8s.io/kubernetes-zookeeper', () => ({
    size: 183_417_226,
    entrypoint: [],
    cmd: ['/bin/bash'],
    env: { PATH: `${PATH}:${ZK_HOME}/bin`, ZK_USER: 'zookeeper', ZK_DATA_DIR: '/var/lib/zookeeper/data', ZK_LOG_DIR: '/var/log/zookeeper' },
    workingDir: '/',
    files: { ...debianBase(), '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nzookeeper:x:1000:1000::/home/zookeeper:/bin/sh\n', ...zookeeperFiles(bin) },
    tags: /^1\.0-3\.4\.10$/,
  })],
  // The teaching operators' images (operators/): a manager binary that the operator host drives.
  ['statecraft.dev/keyvalue-operator', () => ({ size: 21_487_104, entrypoint: ['/manager'], cmd: [], env: { PATH }, workingDir: '/', files: { '/manager': bin('operator-manager') }, tags: /^0\.1$/ })],
  ['registry.k8s.io/pause', () => ({ size: 320_368, entrypoint: ['/pause'], cmd: [], env: { PATH }, workingDir: '/', files: { '/pause': bin('pause') }, tags: /^3\.\d+$/ })],
  // What kind's node image preloads (its control plane, CNI and storage). They run as
  // daemons that do nothing a learner can observe beyond being up.
  ['registry.k8s.io/etcd', () => systemImage(57_680_541, ['/usr/local/bin/etcd'])],
  ['registry.k8s.io/kube-apiserver', () => systemImage(98_051_552, ['/usr/local/bin/kube-apiserver'])],
  ['registry.k8s.io/kube-controller-manager', () => systemImage(90_793_286, ['/usr/local/bin/kube-controller-manager'])],
  ['registry.k8s.io/kube-scheduler', () => systemImage(70_649_158, ['/usr/local/bin/kube-scheduler'])],
  ['registry.k8s.io/kube-proxy', () => systemImage(97_172_789, ['/usr/local/bin/kube-proxy'])],
  ['registry.k8s.io/coredns/coredns', () => systemImage(18_562_039, ['/coredns'], ['/coredns'])],
  ['docker.io/kindest/kindnetd', () => systemImage(39_008_320, ['/bin/kindnetd'], ['/bin/kindnetd'])],
  ['docker.io/kindest/local-path-provisioner', () => systemImage(22_541_737, ['/usr/local/bin/local-path-provisioner'], ['local-path-provisioner'])],
  ['docker.io/kindest/local-path-helper', () => ({ size: 3_084_671, entrypoint: [], cmd: ['/bin/sh'], env: { PATH }, workingDir: '/', files: busyboxFiles() })],
  ['gcr.io/google-samples/xtrabackup', () => ({ size: 101_554_132, entrypoint: [], cmd: ['/bin/bash'], env: { PATH }, workingDir: '/', files: debianBase(), tags: /^1\.0$/ })],
]);

/** Aliases that name the same image. */
const ALIASES: Readonly<Record<string, string>> = {
  'k8s.gcr.io/kubernetes-zookeeper': 'registry.k8s.io/kubernetes-zookeeper',
  'gcr.io/google_containers/kubernetes-zookeeper': 'registry.k8s.io/kubernetes-zookeeper',
  'k8s.gcr.io/pause': 'registry.k8s.io/pause',
  'k8s.gcr.io/e2e-test-images/agnhost': 'registry.k8s.io/e2e-test-images/agnhost',
};

/** A deterministic 64-hex "digest" for a string. */
export function pseudoDigest(s: string): string {
  let out = '';
  for (let i = 0; out.length < 64; i++) out += fnv32a(`${i}:${s}`).toString(16).padStart(8, '0');
  return out.slice(0, 64);
}

export type PullResult = { ok: true; image: ResolvedImage } | { ok: false; message: string };

/**
 * What pulling `image` gives: the image, or containerd's error text (the kubelet
 * puts it after `Failed to pull image "x": `).
 */
const specs = new Map<string, ImageSpec | undefined>();

function specFor(name: string): ImageSpec | undefined {
  if (!specs.has(name)) specs.set(name, (CATALOG.get(name) ?? CATALOG.get(ALIASES[name] ?? ''))?.());
  return specs.get(name);
}

export function pullImage(image: string): PullResult {
  const ref = parseImageRef(image);
  const spec = specFor(ref.name);
  const prefix = `failed to pull and unpack image "${ref.full}": failed to resolve reference "${ref.full}"`;
  if (spec === undefined) {
    if (ref.registry === 'docker.io') {
      return { ok: false, message: `${prefix}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed` };
    }
    return { ok: false, message: `${prefix}: ${ref.full}: not found` };
  }
  if (ref.tag !== undefined && spec.tags !== undefined && !spec.tags.test(ref.tag)) {
    return { ok: false, message: `${prefix}: ${ref.full}: not found` };
  }
  const digest = ref.digest ?? `sha256:${pseudoDigest(ref.full)}`;
  return { ok: true, image: { ...spec, ref, imageID: `${ref.name}@${digest}` } };
}

/**
 * The process a container runs: `command` replaces ENTRYPOINT, `args` replaces CMD
 * (and a `command` without `args` drops CMD), as K:pkg/kubelet/kuberuntime does.
 */
export function containerArgv(image: Pick<ImageSpec, 'entrypoint' | 'cmd'>, command?: readonly string[], args?: readonly string[]): string[] {
  if (command !== undefined && command.length > 0) return [...command, ...(args ?? [])];
  return [...image.entrypoint, ...(args !== undefined && args.length > 0 ? args : image.cmd)];
}

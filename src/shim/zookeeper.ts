// The kubernetes-zookeeper image (registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10) of the
// kubernetes.io ZooKeeper tutorial: `start-zookeeper` writes myid and zoo.cfg and execs
// the JVM (QuorumPeerMain), `zookeeper-ready` is the ruok probe, `zkCli.sh` the client.
//
// The ensemble is a small replicated znode tree. Each server keeps the tree in its data
// directory (version-2/, on the pod's PersistentVolume), so it survives the pod. A server
// reaches its peers by the names in zoo.cfg (server.N=host:2888:3888) through cluster DNS:
// a write needs a quorum (a majority of server.N) of running servers, is given the next
// zxid (epoch << 32 | counter) and is pushed to every reachable peer; a read first syncs
// from the freshest reachable peer, as a follower syncs from its leader.
import type { BuiltinProgram, ProgramEnv, Service } from './images.ts';
import { ProcessSignal } from './images.ts';

export const ZK_HOME = '/opt/zookeeper';
export const JAVA = '/usr/lib/jvm/java-8-openjdk-amd64/bin/java';
const QUORUM_PEER_MAIN = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';
const CLASSPATH = [
  `${ZK_HOME}/bin/../build/classes`, `${ZK_HOME}/bin/../build/lib/*.jar`, `${ZK_HOME}/bin/../lib/slf4j-log4j12-1.6.1.jar`,
  `${ZK_HOME}/bin/../lib/slf4j-api-1.6.1.jar`, `${ZK_HOME}/bin/../lib/netty-3.10.5.Final.jar`, `${ZK_HOME}/bin/../lib/log4j-1.2.16.jar`,
  `${ZK_HOME}/bin/../lib/jline-0.9.94.jar`, `${ZK_HOME}/bin/../zookeeper-3.4.10.jar`, `${ZK_HOME}/bin/../src/java/lib/*.jar`, `${ZK_HOME}/bin/../conf:`,
].join(':');

// ---------------------------------------------------------------------------------------
// The znode tree

export interface Znode {
  data: string;
  czxid: number;
  ctime: number;
  mzxid: number;
  mtime: number;
  pzxid: number;
  cversion: number;
  version: number;
}

export interface ZkState {
  /** The last transaction applied. */
  zxid: number;
  nodes: Record<string, Znode>;
}

const EPOCH = 2 ** 32;
export const hex = (zxid: number): string => `0x${zxid.toString(16)}`;
const epochOf = (zxid: number): number => Math.floor(zxid / EPOCH);

function emptyState(): ZkState {
  const root: Znode = { data: '', czxid: 0, ctime: 0, mzxid: 0, mtime: 0, pzxid: 0, cversion: 0, version: 0 };
  return { zxid: 0, nodes: { '/': { ...root, cversion: 1 }, '/zookeeper': { ...root }, '/zookeeper/quota': { ...root } } };
}

const parentOf = (path: string): string => (path.lastIndexOf('/') === 0 ? '/' : path.slice(0, path.lastIndexOf('/')));
const childrenOf = (s: ZkState, path: string): string[] =>
  Object.keys(s.nodes).filter((p) => p !== '/' && parentOf(p) === path).map((p) => p.slice(p.lastIndexOf('/') + 1));

/** `Thu Dec 08 15:13:30 UTC 2016`, java.util.Date.toString() in UTC. */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** `2016-12-06 19:34:16,236`, log4j's ISO8601 layout. */
function log4jTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
}

/** The request zkCli.sh sends (one line of JSON after `zk `). */
export type ZkRequest = { op: 'create'; path: string; data: string } | { op: 'get' | 'ls' | 'delete' | 'stat'; path: string } | { op: 'set'; path: string; data: string };
export type ZkReply = { ok: true; text: string } | { ok: false; text: string; code: number };

/** What `zkCli.sh get/stat` prints after the data: the znode's Stat (K:zookeeper 3.4 ZooKeeperMain.printStat). */
export function formatStat(s: ZkState, path: string): string {
  const n = s.nodes[path]!;
  const kids = childrenOf(s, path).length;
  return [
    `cZxid = ${hex(n.czxid)}`, `ctime = ${javaDate(n.ctime)}`, `mZxid = ${hex(n.mzxid)}`, `mtime = ${javaDate(n.mtime)}`, `pZxid = ${hex(n.pzxid)}`,
    `cversion = ${n.cversion}`, `dataVersion = ${n.version}`, `aclVersion = 0`, `ephemeralOwner = 0x0`, `dataLength = ${n.data.length}`, `numChildren = ${kids}`,
  ].join('\n') + '\n';
}

/** Applies a request to a copy of `s` at `zxid`; a read leaves the state as it is. */
export function applyRequest(s: ZkState, req: ZkRequest, zxid: number, now: number): { state: ZkState; reply: ZkReply } {
  const path = req.path;
  const node = s.nodes[path];
  const missing: ZkReply = { ok: false, text: `Node does not exist: ${path}\n`, code: 1 };
  if (!/^\/([^/]+(\/[^/]+)*)?$/.test(path)) return { state: s, reply: { ok: false, text: `Command failed: java.lang.IllegalArgumentException: Path must not end with / character\n`, code: 1 } };
  switch (req.op) {
    case 'get':
      return { state: s, reply: node === undefined ? missing : { ok: true, text: `${node.data}\n${formatStat(s, path)}` } };
    case 'stat':
      return { state: s, reply: node === undefined ? missing : { ok: true, text: formatStat(s, path) } };
    case 'ls':
      return { state: s, reply: node === undefined ? missing : { ok: true, text: `[${childrenOf(s, path).join(', ')}]\n` } };
    case 'create': {
      if (node !== undefined) return { state: s, reply: { ok: false, text: `Node already exists: ${path}\n`, code: 1 } };
      const parent = s.nodes[parentOf(path)];
      if (parent === undefined) return { state: s, reply: missing };
      const nodes = { ...s.nodes, [path]: { data: req.data, czxid: zxid, ctime: now, mzxid: zxid, mtime: now, pzxid: zxid, cversion: 0, version: 0 } };
      nodes[parentOf(path)] = { ...parent, cversion: parent.cversion + 1, pzxid: zxid };
      return { state: { zxid, nodes }, reply: { ok: true, text: `Created ${path}\n` } };
    }
    case 'set': {
      if (node === undefined) return { state: s, reply: missing };
      const nodes = { ...s.nodes, [path]: { ...node, data: req.data, mzxid: zxid, mtime: now, version: node.version + 1 } };
      return { state: { zxid, nodes }, reply: { ok: true, text: formatStat({ zxid, nodes }, path) } };
    }
    case 'delete': {
      if (node === undefined) return { state: s, reply: missing };
      if (childrenOf(s, path).length > 0) return { state: s, reply: { ok: false, text: `Node not empty: ${path}\n`, code: 1 } };
      const nodes = { ...s.nodes };
      delete nodes[path];
      const parent = nodes[parentOf(path)]!;
      nodes[parentOf(path)] = { ...parent, cversion: parent.cversion + 1, pzxid: zxid };
      return { state: { zxid, nodes }, reply: { ok: true, text: '' } };
    }
  }
}

// ---------------------------------------------------------------------------------------
// The server (QuorumPeerMain)

interface ZooCfg {
  clientPort: number;
  dataDir: string;
  servers: Map<number, { host: string; port: number }>;
}

function readZooCfg(text: string): ZooCfg {
  const cfg: ZooCfg = { clientPort: 2181, dataDir: '/var/lib/zookeeper/data', servers: new Map() };
  for (const line of text.split('\n')) {
    const m = /^\s*([\w.]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m === null) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'clientPort') cfg.clientPort = Number(value);
    else if (key === 'dataDir') cfg.dataDir = value;
    else if (key.startsWith('server.')) {
      const [host, port] = value.split(':');
      cfg.servers.set(Number(key.slice(7)), { host: host ?? '', port: Number(port ?? 2888) });
    }
  }
  return cfg;
}

/** One line of the peer protocol on the quorum port: `sync` or `commit <state>`. */
interface PeerReply {
  epoch: number;
  state: ZkState;
}

function readState(env: ProgramEnv, dir: string): ZkState {
  try {
    const snap = env.fs.readdir(dir).filter((f) => f.startsWith('snapshot.')).sort().pop();
    if (snap !== undefined) return JSON.parse(env.fs.readFile(`${dir}/${snap}`)) as ZkState;
  } catch {
    // no snapshot yet
  }
  return emptyState();
}

/** The JVM running QuorumPeerMain with the zoo.cfg given last on its command line. */
export const zookeeperJava: BuiltinProgram = function* ({ argv, env, io }) {
  if (!argv.includes(QUORUM_PEER_MAIN)) {
    io.stderr('Usage: java [-options] class [args...]\n');
    return 1;
  }
  const cfgPath = argv[argv.length - 1] ?? `${ZK_HOME}/conf/zoo.cfg`;
  let cfgText: string;
  try {
    cfgText = env.fs.readFile(cfgPath);
  } catch {
    io.stdout(`${log4jTime(env.now())} [myid:] - ERROR [main:QuorumPeerMain@85] - Invalid config, exiting abnormally\n`);
    return 2;
  }
  const cfg = readZooCfg(cfgText);
  const myid = Number((readOr(env, `${cfg.dataDir}/myid`) ?? '').trim()) || 0;
  const dir = `${cfg.dataDir}/version-2`;
  const log = (level: 'INFO' | 'WARN', where: string, msg: string): void =>
    io.stdout(`${log4jTime(env.now())} [myid:${myid || ''}] - ${level.padEnd(5)} [${where}] - ${msg}\n`);

  // Each start of the server is a new epoch (a new election): the first is 1.
  const epoch = Number((readOr(env, `${dir}/currentEpoch`) ?? '0').trim()) + 1;
  let state = readState(env, dir);
  const persist = (next: ZkState): void => {
    try {
      env.fs.mkdir(dir, { recursive: true });
      for (const f of env.fs.readdir(dir)) if (f.startsWith('snapshot.')) env.fs.rm(`${dir}/${f}`);
      env.fs.writeFile(`${dir}/snapshot.${next.zxid.toString(16)}`, JSON.stringify(next));
    } catch {
      // a read-only data directory: keep the tree in memory only
    }
    state = next;
  };
  try {
    env.fs.mkdir(dir, { recursive: true });
    env.fs.writeFile(`${dir}/currentEpoch`, `${epoch}`);
    env.fs.writeFile(`${dir}/acceptedEpoch`, `${epoch}`);
  } catch {
    // read-only
  }

  log('INFO', 'main:QuorumPeerConfig@124', `Reading configuration from: ${cfgPath}`);
  log('INFO', 'main:QuorumPeer$QuorumServer@149', `Resolved hostname: ${cfg.servers.get(myid)?.host ?? ''} to address: ${env.hostname}`);
  log('INFO', 'main:QuorumPeerMain@127', 'Starting quorum peer');
  log('INFO', `main:NIOServerCnxnFactory@89`, `binding to port 0.0.0.0/0.0.0.0:${cfg.clientPort}`);

  /** The peers that answer on their quorum port, by id. */
  const peers = (): PeerReply[] => {
    const out: PeerReply[] = [];
    for (const [id, s] of cfg.servers) {
      if (id === myid) continue;
      const ip = env.network?.resolve(s.host, env.namespace)?.addresses[0];
      const reply = ip === undefined ? undefined : env.connect?.(ip, s.port)?.tcp?.('sync');
      if (reply !== undefined && reply !== '') out.push(JSON.parse(reply) as PeerReply);
    }
    return out;
  };
  const quorum = Math.floor(cfg.servers.size / 2) + 1;
  let client = 0;
  let thread = 0;
  let session = 0;

  const serve = (req: ZkRequest): ZkReply => {
    const reachable = peers();
    if (reachable.length + 1 < quorum) return { ok: false, text: `KeeperErrorCode = ConnectionLoss for ${req.path}\n`, code: 1 };
    // Sync from the freshest member, as a follower does from its leader.
    for (const p of reachable) if (p.state.zxid > state.zxid) persist(p.state);
    const e = Math.max(epoch, ...reachable.map((p) => p.epoch));
    let last = state.zxid;
    const next = (): number => (last = epochOf(last) === e ? last + 1 : e * EPOCH + 1);
    // The session's creation and close are transactions too.
    next();
    const { state: after, reply } = applyRequest(state, req, req.op === 'get' || req.op === 'ls' || req.op === 'stat' ? state.zxid : next(), env.now());
    next();
    const committed = { ...after, zxid: last };
    persist(committed);
    for (const [id, s] of cfg.servers) {
      if (id === myid) continue;
      const ip = env.network?.resolve(s.host, env.namespace)?.addresses[0];
      if (ip !== undefined) env.connect?.(ip, s.port)?.tcp?.(`commit ${JSON.stringify(committed)}`);
    }
    return reply;
  };

  const clientService: Service = {
    tcp: (line) => {
      const port = 52740 + (client++ % 10000);
      const from = `/127.0.0.1:${port}`;
      const acceptor = `NIOServerCxn.Factory:0.0.0.0/0.0.0.0:${cfg.clientPort}`;
      log('INFO', `${acceptor}:NIOServerCnxnFactory@192`, `Accepted socket connection from ${from}`);
      const word = line.trim();
      if (word.startsWith('zk ')) {
        const id = `0x${(epoch * 0x100 + myid).toString(16)}${String(++session).padStart(10, '0')}`;
        log('INFO', `${acceptor}:ZooKeeperServer@942`, `Client attempting to establish new session at ${from}`);
        const reply = serve(JSON.parse(word.slice(3)) as ZkRequest);
        log('INFO', `${acceptor}:NIOServerCnxn@1044`, `Closed socket connection for client ${from} which had sessionid ${id}`);
        return JSON.stringify(reply);
      }
      log('INFO', `${acceptor}:NIOServerCnxn@883`, `Processing ${word} command from ${from}`);
      log('INFO', `Thread-${++thread}:NIOServerCnxn@1044`, `Closed socket connection for client ${from} (no session established for client)`);
      if (word === 'ruok') return 'imok';
      if (word === 'stat' || word === 'srvr') {
        const mode = cfg.servers.size <= 1 ? 'standalone' : peers().every((p) => p.epoch <= epoch) && myid === Math.max(...cfg.servers.keys()) ? 'leader' : 'follower';
        return `Zookeeper version: 3.4.10-39d3a4f269333c922ed3db283be479f9deacaa0f, built on 03/23/2017 10:13 GMT\nLatency min/avg/max: 0/0/0\nReceived: ${client}\nSent: ${client}\nConnections: 1\nOutstanding: 0\nZxid: ${hex(state.zxid)}\nMode: ${mode}\nNode count: ${Object.keys(state.nodes).length}\n`;
      }
      return '';
    },
  };
  const peerService: Service = {
    tcp: (line) => {
      if (line.startsWith('commit ')) {
        const next = JSON.parse(line.slice(7)) as ZkState;
        if (next.zxid > state.zxid) persist(next);
        return 'ack';
      }
      return line === 'sync' ? JSON.stringify({ epoch, state } satisfies PeerReply) : '';
    },
  };
  const me = cfg.servers.get(myid);
  const closeClient = env.listen?.(cfg.clientPort, clientService);
  const closePeer = me !== undefined ? env.listen?.(me.port, peerService) : undefined;
  try {
    for (;;) yield { kind: 'forever' };
  } catch (e) {
    closeClient?.();
    closePeer?.();
    // The JVM's default for SIGTERM/SIGINT: run the shutdown hooks, exit 128+signal.
    if (e instanceof ProcessSignal && e.signal !== 9) return 128 + e.signal;
    throw e;
  }
};

function readOr(env: ProgramEnv, path: string): string | undefined {
  try {
    return env.fs.readFile(path);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// start-zookeeper and zkCli.sh

/** The image's start script: myid from the pod's ordinal, zoo.cfg, then `exec java … QuorumPeerMain`. */
export const startZookeeper: BuiltinProgram = function* ({ argv, env, io, exec }) {
  const opt = (name: string, dflt: string): string => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
  const servers = Number(opt('servers', '1'));
  const dataDir = opt('data_dir', '/var/lib/zookeeper/data');
  const confDir = opt('conf_dir', `${ZK_HOME}/conf`);
  const m = /^(.*)-(\d+)$/.exec(env.hostname);
  if (m === null) {
    io.stderr(`Failed to parse name and ordinal of Pod\n`);
    return 1;
  }
  const myid = Number(m[2]) + 1;
  const domain = env.env.ZK_DOMAIN ?? `${m[1]}-hs.${env.namespace}.svc.cluster.local`;
  const cfg = [`#This file was autogenerated DO NOT EDIT`, `clientPort=${opt('client_port', '2181')}`, `dataDir=${dataDir}`, `dataLogDir=${opt('data_log_dir', '/var/lib/zookeeper/data/log')}`, `tickTime=${opt('tick_time', '2000')}`, `initLimit=${opt('init_limit', '10')}`, `syncLimit=${opt('sync_limit', '5')}`, `maxClientCnxns=${opt('max_client_cnxns', '60')}`, `minSessionTimeout=${opt('min_session_timeout', '4000')}`, `maxSessionTimeout=${opt('max_session_timeout', '40000')}`, `autopurge.snapRetainCount=${opt('snap_retain_count', '3')}`, `autopurge.purgeInteval=${opt('purge_interval', '12')}`];
  for (let i = 1; i <= servers; i++) cfg.push(`server.${i}=${m[1]}-${i - 1}.${domain}:${opt('server_port', '2888')}:${opt('election_port', '3888')}`);
  const level = opt('log_level', 'INFO');
  try {
    env.fs.mkdir(dataDir, { recursive: true });
    env.fs.mkdir(opt('data_log_dir', '/var/lib/zookeeper/data/log'), { recursive: true });
    if (!env.fs.exists(`${dataDir}/myid`)) env.fs.writeFile(`${dataDir}/myid`, `${myid}\n`);
    env.fs.mkdir(confDir, { recursive: true });
    env.fs.writeFile(`${confDir}/zoo.cfg`, `${cfg.join('\n')}\n`);
    env.fs.writeFile(`${confDir}/log4j.properties`, [`zookeeper.root.logger=CONSOLE`, `zookeeper.console.threshold=${level}`, `log4j.rootLogger=\${zookeeper.root.logger}`, `log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender`, `log4j.appender.CONSOLE.Threshold=\${zookeeper.console.threshold}`, `log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout`, `log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n`].join('\n') + '\n');
    env.fs.writeFile(`${confDir}/java.env`, `JVMFLAGS="-Xmx${opt('heap', '2G')} -Xms${opt('heap', '2G')}"\nZOO_LOG_DIR="/var/log/zookeeper"\n`);
  } catch {
    // read-only filesystem: run without persisting
  }
  const heap = opt('heap', '2G');
  const java = [JAVA, '-Dzookeeper.log.dir=/var/log/zookeeper', `-Dzookeeper.root.logger=${level},CONSOLE`, '-cp', CLASSPATH, `-Xmx${heap}`, `-Xms${heap}`, '-Dcom.sun.management.jmxremote', '-Dcom.sun.management.jmxremote.local.only=false', QUORUM_PEER_MAIN, `${confDir}/zoo.cfg`];
  const next = exec?.(java);
  if (next === undefined) {
    io.stderr(`${JAVA}: not found\n`);
    return 127;
  }
  return yield* next;
};

/** `zookeeper-ready 2181`: `echo ruok | nc 127.0.0.1 $1` must say imok. */
export const zookeeperReady: BuiltinProgram = function* ({ argv, env }) {
  const reply = env.connect?.('127.0.0.1', Number(argv[1] ?? 2181))?.tcp?.('ruok');
  return reply === 'imok' ? 0 : 1;
};

/**
 * `zkCli.sh [-server host:port] cmd args`: one command, then exit. What it prints is what
 * the tutorial shows: the connection's watch event, then the command's output.
 */
export const zkCli: BuiltinProgram = function* ({ argv, env, io }) {
  let args = argv.slice(1);
  let server = 'localhost:2181';
  if (args[0] === '-server') {
    server = args[1] ?? server;
    args = args.slice(2);
  }
  const [cmd, path, data] = args;
  const ops = ['create', 'get', 'set', 'ls', 'delete', 'stat'] as const;
  const op = ops.find((o) => o === cmd);
  if (op === undefined || path === undefined) {
    io.stdout(`ZooKeeper -server host:port cmd args\n\tstat path [watch]\n\tset path data [version]\n\tls path [watch]\n\tdelete path [version]\n\tget path [watch]\n\tcreate [-s] [-e] path data acl\n`);
    return cmd === undefined ? 0 : 1;
  }
  const [host = 'localhost', port = '2181'] = server.split(':');
  const ip = host === 'localhost' || host === '127.0.0.1' ? '127.0.0.1' : env.network?.resolve(host, env.namespace)?.addresses[0];
  const service = ip === undefined ? undefined : env.connect?.(ip, Number(port));
  const raw = service?.tcp?.(`zk ${JSON.stringify({ op, path, data: data ?? '' })}`);
  if (raw === undefined || raw === '') {
    io.stderr(`Exception in thread "main" org.apache.zookeeper.KeeperException$ConnectionLossException: KeeperErrorCode = ConnectionLoss for ${path}\n`);
    return 1;
  }
  const reply = JSON.parse(raw) as ZkReply;
  // K:zookeeper ZooKeeperMain.printMessage prints "\n" + msg: hence the blank lines.
  io.stdout(`\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n`);
  if (!reply.ok && reply.text.startsWith('KeeperErrorCode')) {
    io.stderr(`Exception in thread "main" org.apache.zookeeper.KeeperException$ConnectionLossException: ${reply.text}`);
    return 1;
  }
  (reply.ok ? io.stdout : io.stderr)(reply.text);
  return 0;
};

/** The image's files for these programs (the catalog entry adds them to a Debian base). */
export function zookeeperFiles(bin: (name: string) => string): Record<string, string> {
  return {
    '/usr/bin/start-zookeeper': bin('start-zookeeper'),
    '/usr/bin/zookeeper-ready': bin('zookeeper-ready'),
    [`${ZK_HOME}/bin/zkCli.sh`]: bin('zkCli.sh'),
    [`${ZK_HOME}/bin/zkServer.sh`]: '#!/usr/bin/env bash\n',
    [`${ZK_HOME}/zookeeper-3.4.10.jar`]: '',
    [JAVA]: bin('java'),
    // procps in the real image: `ps -ef` prints its table, plain `ps` busybox's.
    '/bin/ps': bin('ps'),
    '/usr/bin/pkill': bin('pkill'),
    '/var/lib/zookeeper/data/.keep': '',
    '/var/log/zookeeper/.keep': '',
  };
}

// The postgres image (docker.io/library/postgres:17), as far as the lessons need it:
// docker-entrypoint.sh initialises PGDATA once (PG_VERSION, base/, global/, the conf
// files) and starts the server, which takes the data directory's lock file
// (postmaster.pid) and listens on 5432; `pg_isready` and `psql -c 'select 1'` talk to it.
//
// The lock file is what makes two servers on one data directory dangerous rather than
// impossible: each container's postmaster is PID 1, and postgres treats a lock file that
// names its own PID as stale (PostgreSQL's src/backend/utils/init/miscinit.c,
// CreateLockFile), so a second pod on the same volume starts anyway, and when the first
// one shuts down it unlinks the lock file the second one wrote.
import type { BuiltinProgram, ProgramEnv } from './images.ts';
import { ProcessSignal } from './images.ts';

export const PG_BIN = '/usr/lib/postgresql/17/bin';

const NO_PASSWORD = `Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.

       See PostgreSQL documentation about "trust":
       https://www.postgresql.org/docs/current/auth-trust.html
`;

/** `2026-01-01 00:00:00.000 UTC`, postgres' log_line_prefix time. */
const logTime = (ms: number): string => `${new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('T', ' ').replace('Z', '')} UTC`;

function tryWrite(env: ProgramEnv, path: string, data: string): void {
  try {
    env.fs.writeFile(path, data);
  } catch {
    // a read-only data directory: carry on in memory
  }
}

/** The files initdb leaves in PGDATA. */
function initdb(env: ProgramEnv, pgdata: string): void {
  try {
    for (const dir of ['base/1', 'base/4', 'base/5', 'global', 'pg_wal', 'pg_xact', 'pg_stat', 'pg_tblspc']) env.fs.mkdir(`${pgdata}/${dir}`, { recursive: true });
  } catch {
    return;
  }
  tryWrite(env, `${pgdata}/PG_VERSION`, '17\n');
  tryWrite(env, `${pgdata}/postgresql.conf`, "listen_addresses = '*'\n");
  tryWrite(env, `${pgdata}/pg_hba.conf`, 'local all all trust\nhost all all all scram-sha-256\n');
  tryWrite(env, `${pgdata}/global/pg_control`, '');
}

/** docker-entrypoint.sh: refuses to start without a password, initialises once, execs the server. */
export const postgresEntrypoint: BuiltinProgram = function* ({ argv, env, io }) {
  if (argv[1] !== 'postgres') return 0;
  const pgdata = env.env.PGDATA ?? '/var/lib/postgresql/data';
  const initialised = env.fs.exists(`${pgdata}/PG_VERSION`);
  const e = env.env;
  if (!initialised && (e.POSTGRES_PASSWORD ?? '') === '' && e.POSTGRES_HOST_AUTH_METHOD !== 'trust') {
    io.stderr(NO_PASSWORD);
    return 1;
  }
  const log = (msg: string): void => io.stderr(`${logTime(env.now())} [1] ${msg}\n`);
  if (!initialised) {
    io.stdout('The files belonging to this database system will be owned by user "postgres".\nThis user must also own the server process.\n\n');
    initdb(env, pgdata);
    io.stdout(`Success. You can now start the database server using:\n\n    pg_ctl -D ${pgdata} -l logfile start\n\n`);
    io.stdout('\nPostgreSQL init process complete; ready for start up.\n\n');
  } else {
    io.stdout('\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n');
  }
  // CreateLockFile: a lock naming our own PID (1, as in every container) counts as stale.
  const lock = `${pgdata}/postmaster.pid`;
  tryWrite(env, lock, `1\n${pgdata}\n${Math.floor(env.now() / 1000)}\n5432\n/var/run/postgresql\n*\n  5432001         0\nready   \n`);
  log('LOG:  starting PostgreSQL 17.4 (Debian 17.4-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit');
  log('LOG:  listening on IPv4 address "0.0.0.0", port 5432');
  log('LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"');
  log('LOG:  database system is ready to accept connections');
  const close = env.listen?.(5432, { tcp: (line) => query(line) });
  try {
    for (;;) yield { kind: 'forever' };
  } catch (err) {
    if (!(err instanceof ProcessSignal) || err.signal === 9) throw err;
    close?.();
    log(err.signal === 2 ? 'LOG:  received fast shutdown request' : 'LOG:  received smart shutdown request');
    log('LOG:  database system is shut down');
    // proc_exit unlinks the lock file by name, whoever wrote it last.
    try {
      env.fs.rm(lock);
    } catch {
      // already gone
    }
    return 0;
  }
};

/** One statement from psql, answered as psql prints it (only `select <n>` is modelled). */
function query(sql: string): string {
  const m = /^\s*select\s+(-?\d+)\s*;?\s*$/i.exec(sql);
  if (m === null) return `ERROR:  statement not supported by this simulated server: ${sql.trim()}\n`;
  const n = m[1]!;
  const width = Math.max(n.length, 8);
  return ` ${'?column?'.padEnd(width)} \n-${'-'.repeat(width)}-\n ${n.padStart(width)}\n(1 row)\n\n`;
}

const SOCKET = '/var/run/postgresql/.s.PGSQL.5432';

/** Connects to the server psql/pg_isready would: the Unix socket (the pod's loopback) or -h host. */
function connect(env: ProgramEnv, host: string | undefined): ReturnType<NonNullable<ProgramEnv['connect']>> {
  if (host === undefined || host === 'localhost' || host === '127.0.0.1' || host.startsWith('/')) return env.connect?.('127.0.0.1', 5432);
  const ip = env.network?.resolve(host, env.namespace)?.addresses[0] ?? (/^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : undefined);
  return ip === undefined ? undefined : env.connect?.(ip, 5432);
}

const optionOf = (argv: readonly string[], short: string, long: string): string | undefined => {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === short || a === long) return argv[i + 1];
    if (a.startsWith(`${long}=`)) return a.slice(long.length + 1);
    if (a.startsWith(short) && a.length > 2) return a.slice(2);
  }
  return undefined;
};

/** `pg_isready [-h host] [-U user]`: 0 accepting, 2 no response. */
export const pgIsReady: BuiltinProgram = function* ({ argv, env, io }) {
  const host = optionOf(argv, '-h', '--host');
  const where = host === undefined ? '/var/run/postgresql:5432' : `${host}:5432`;
  const up = connect(env, host)?.tcp !== undefined;
  io.stdout(`${where} - ${up ? 'accepting connections' : 'no response'}\n`);
  return up ? 0 : 2;
};

/** `psql [-h host] [-U user] -c 'select 1'`. */
export const psql: BuiltinProgram = function* ({ argv, env, io }) {
  const host = optionOf(argv, '-h', '--host');
  const user = optionOf(argv, '-U', '--username') ?? env.env.PGUSER ?? 'root';
  const command = optionOf(argv, '-c', '--command');
  const server = connect(env, host);
  if (server?.tcp === undefined) {
    const target = host === undefined ? `socket "${SOCKET}"` : `"${host}" (${host}), port 5432`;
    io.stderr(`psql: error: connection to server on ${target} failed: ${host === undefined ? 'No such file or directory\n\tIs the server running locally and accepting connections on that socket?' : 'Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?'}\n`);
    return 2;
  }
  if (user !== 'postgres') {
    io.stderr(`psql: error: connection to server on socket "${SOCKET}" failed: FATAL:  role "${user}" does not exist\n`);
    return 2;
  }
  if (command === undefined) {
    io.stderr('psql: this simulated client runs only -c commands\n');
    return 1;
  }
  const reply = server.tcp(command);
  if (reply.startsWith('ERROR:')) {
    io.stderr(reply);
    return 1;
  }
  io.stdout(reply);
  return 0;
};

import { describe, expect, it } from 'vitest';
import { runInContainer } from './container/harness.ts';

const IMAGE = 'postgres:17.4';
const env = { POSTGRES_PASSWORD: 'example', PGDATA: '/var/lib/postgresql/data/pgdata' };

describe('the postgres image', () => {
  it('initialises PGDATA, takes the lock file and answers pg_isready and psql', () => {
    const r = runInContainer(['sh', '-c', 'pg_isready; echo "rc=$?"; docker-entrypoint.sh postgres >/dev/null 2>&1 & sleep 1; pg_isready; psql -U postgres -c "select 1"; psql -c "select 1"; ls $PGDATA'], { image: IMAGE, env });
    expect(r.stdout).toBe([
      '/var/run/postgresql:5432 - no response', 'rc=2',
      '/var/run/postgresql:5432 - accepting connections',
      ' ?column? ', '----------', '        1', '(1 row)', '',
      'PG_VERSION', 'base', 'global', 'pg_hba.conf', 'pg_stat', 'pg_tblspc', 'pg_wal', 'pg_xact', 'postgresql.conf', 'postmaster.pid', '',
    ].join('\n'));
    expect(r.stderr).toBe('psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  role "root" does not exist\n');
  });

  it('refuses to initialise without a password, as the real entrypoint does', () => {
    const r = runInContainer(['docker-entrypoint.sh', 'postgres'], { image: IMAGE });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Error: Database is uninitialized and superuser password is not specified.');
  });
});

import { describe, expect, it } from 'vitest';
import { runInContainer, sh } from '../harness.ts';
import { CASES } from './cases.ts';

describe('busybox sh: the conformance table', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = sh(c.script, { env: { HOME: '/root', HOSTNAME: 'pod-0' } });
    expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual({ stdout: c.stdout, stderr: c.stderr ?? '', status: c.status ?? 0 });
  });
});

// What dash 0.5.12 (Debian's /bin/sh) prints for the same mistakes, checked by hand
// against `dash -c` (arg0 there is `dash`; a container runs it as `sh`).
const DASH: Array<[script: string, output: string, status: number]> = [
  ['foo; echo rc=$?', 'sh: 1: foo: not found\nrc=127\n', 0],
  ['cd /nope; echo rc=$?', "sh: 1: cd: can't cd to /nope\nrc=2\n", 0],
  ['echo x > /nodir/f; cat < /nofile; echo rc=$?', 'sh: 1: cannot create /nodir/f: Directory nonexistent\nsh: 1: cannot open /nofile: No such file\nrc=2\n', 0],
  ['echo "a\\tb\\nc"; echo -n x; echo -e y', 'a\tb\nc\nx-e y\n', 0],
  ['echo ${x?oops}; echo after', 'sh: 1: x: oops\n', 2],
  ['set -u; echo $zz', 'sh: 1: zz: parameter not set\n', 2],
  ['echo $((1/0))', 'sh: 1: arithmetic expression: division by zero: "1/0"\n', 2],
  ['local x', 'sh: 1: local: not in a function\n', 2],
  ['shift 3; echo after', "sh: 1: shift: can't shift that many\n", 2],
  ['exit foo', 'sh: 1: exit: Illegal number: foo\n', 2],
  ['for i in 1; do', 'sh: 1: Syntax error: end of file unexpected (expecting "done")\n', 2],
  ['echo "unterminated', 'sh: 1: Syntax error: Unterminated quoted string\n', 2],
  ['echo a\nif then fi', 'a\nsh: 2: Syntax error: "then" unexpected\n', 2],
  ['trap "x" BOGUS', 'trap: BOGUS: bad trap\n', 1],
  ['x=1; readonly x; x=2', 'sh: 1: x: is read only\n', 2],
  ['read', 'sh: 1: read: arg count\n', 2],
  ['wait 99999; echo $?', '127\n', 0],
];

describe('dash in Debian images', () => {
  it.each(DASH)('%j', (script, output, status) => {
    const r = runInContainer(['sh', '-c', script], { image: 'debian:12' });
    expect({ output: r.output, status: r.status }).toEqual({ output, status });
  });

  it('runs bash as bash when asked', () => {
    expect(runInContainer(['bash', '-c', 'foo; cd /nope'], { image: 'debian:12' }).output).toBe('bash: line 1: foo: command not found\nbash: line 1: cd: /nope: No such file or directory\n');
  });
});

describe('scripts in images', () => {
  it('runs a docker-entrypoint script that execs "$@"', () => {
    const r = runInContainer(['/entrypoint.sh', 'redis-server', '--port', '7000'], {
      image: 'redis:7',
      files: { '/entrypoint.sh': '#!/bin/sh\nset -e\necho "entrypoint: $*"\nexec "$@"\n' },
      maxMs: 1000,
      started: (p, clock) => clock.after(500, () => p.kill(15)),
    });
    expect(r.stdout).toMatch(/^entrypoint: redis-server --port 7000\n.*Redis is starting/s);
    expect(r.stdout).toMatch(/Running mode=standalone, port=7000\./);
    // exec made redis-server the process, so SIGTERM reached it: a clean shutdown.
    expect(r.stdout).toMatch(/Redis is now ready to exit, bye bye\.\.\.\n$/);
    expect(r.status).toBe(0);
  });

  it('runs a script without a #! line with the shell, and refuses one without the execute bit', () => {
    const r = sh('printf "echo plain \\$1\\n" > p.sh; chmod +x p.sh; ./p.sh arg; chmod -x p.sh; ./p.sh; echo "rc=$?"; sh p.sh direct');
    expect(r.output).toBe('plain arg\nsh: ./p.sh: Permission denied\nrc=126\nplain direct\n');
  });

  it('reports errors in a script file with its line', () => {
    const r = sh('printf "echo one\\nnosuch\\ncd /nope\\n" > s.sh; sh s.sh');
    expect(r.output).toBe("one\ns.sh: line 2: nosuch: not found\nsh: cd: line 3: can't cd to /nope: No such file or directory\n".replace('sh: cd: line 3', 's.sh: cd: line 3'));
  });

  it('keeps variables across a here-document in a function and loops over command output', () => {
    const r = sh('conf() { cat <<EOF\nname=$1\nreplicas=$2\nEOF\n}\nconf web 3 > app.conf\nfor kv in $(cat app.conf); do echo "${kv%%=*} -> ${kv#*=}"; done');
    expect(r.stdout).toBe('name -> web\nreplicas -> 3\n');
  });

  it('writes the date on start like the ephemeral-pod lesson, and keeps it only in the container', () => {
    const r = sh('date >> /tmp/data.txt && cat /tmp/data.txt');
    expect(r.stdout).toBe('Thu Jan  1 00:00:00 UTC 2026\n');
  });
});

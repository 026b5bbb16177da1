import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.ts';
import { pullImage } from '../images.ts';
import { runInContainer, sh } from './harness.ts';
import { containerRuntime } from './process.ts';
import type { ProcessHandle } from './types.ts';

/** Sends `signal` at virtual time `atMs` after start. */
const signalAt = (atMs: number, signal: 2 | 9 | 15) => (p: ProcessHandle, clock: VirtualClock): void => {
  clock.after(atMs, () => p.kill(signal));
};

describe('the virtual clock drives processes', () => {
  it('sleeps in virtual time, not wall time', () => {
    const t0 = performance.now();
    const r = sh('sleep 5; echo five; sleep 3600; echo hour; sleep 0.5; date -u +%T', { maxMs: 7_200_000 });
    expect(r.stdout).toBe('five\nhour\n01:00:05\n');
    expect(r.elapsedMs).toBe(3_605_500);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('runs `for … sleep 1` one second per line', () => {
    const r = sh('for i in 1 2 3; do echo "$i $(date -u +%S)"; sleep 1; done');
    expect(r.stdout).toBe('1 00\n2 01\n3 02\n');
    expect(r.elapsedMs).toBe(3000);
  });

  it('gives a busy loop virtual CPU time instead of freezing', () => {
    const r = sh('while :; do :; done', { maxMs: 5000 });
    expect(r.status).toBeUndefined();
    expect(r.elapsedMs).toBe(5000);
  });

  it('does not hold Cluster.settle() for a daemon: sleeps of processes older than a minute are background timers', () => {
    const clock = new VirtualClock();
    const rt = containerRuntime({ now: () => clock.now() });
    const img = pullImage('busybox');
    if (!img.ok) throw new Error(img.message);
    const fs = rt.createFileSystem(img.image.files);
    let out = '';
    rt.startProcess(['sh', '-c', 'while true; do echo tick; sleep 10; done'], { fs, env: {}, hostname: 'p', cwd: '/', namespace: 'default', now: () => clock.now() }, { stdout: (t) => (out += t), stderr: () => undefined }, clock);
    // Foreground timers only: what settle() waits for.
    for (let next = clock.nextTimerAt(); next !== undefined; next = clock.nextTimerAt()) clock.advanceTo(next);
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(60_000);
    expect(out).toBe('tick\n'.repeat(7));
  });
});

describe('signals', () => {
  it('PID 1 without a handler ignores SIGTERM (the kernel drops it); SIGKILL ends it with 137', () => {
    const r = sh('sleep 3600', {
      started: (p, clock) => {
        signalAt(1000, 15)(p, clock);
        signalAt(30_000, 9)(p, clock);
      },
    });
    expect(r.status).toBe(137);
    expect(r.elapsedMs).toBe(30_000);
  });

  it('a process that is not PID 1 dies of an unhandled SIGTERM with 143', () => {
    const r = sh('sleep 100 & pid=$!; kill $pid; wait $pid; echo "status $?"; sleep 10 & kill -INT $!; wait $!; echo "status $?"');
    expect(r.stdout).toBe('status 143\nstatus 130\n');
  });

  it("`trap 'exit 0' TERM` with `sleep & wait` exits at once", () => {
    const r = sh("trap 'echo terminating; exit 0' TERM; echo ready; sleep 3600 & wait", { started: signalAt(2000, 15) });
    expect(r).toMatchObject({ stdout: 'ready\nterminating\n', status: 0, elapsedMs: 2000 });
  });

  it('runs a trap only after the foreground command finishes, as POSIX shells do', () => {
    const r = sh("trap 'echo got TERM; exit 3' TERM; sleep 10; echo unreachable", { started: signalAt(2000, 15) });
    expect(r).toMatchObject({ stdout: 'got TERM\n', status: 3, elapsedMs: 10_000 });
  });

  it('ignores a signal trapped with an empty action', () => {
    const r = sh("trap '' TERM; sleep 5 & wait; echo survived", { started: signalAt(1000, 15) });
    expect(r).toMatchObject({ stdout: 'survived\n', status: 0, elapsedMs: 5000 });
  });

  it('hands SIGTERM to an image program after exec (nginx shuts down gracefully)', () => {
    const r = runInContainer(['sh', '-c', 'exec nginx -g "daemon off;"'], { image: 'nginx:1.27', started: signalAt(1000, 15) });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/signal 3 \(SIGQUIT\) received, shutting down\n[\s\S]*\[notice\] 1#1: exit\n$/);
  });

  it('kills every other process of the container when PID 1 exits', () => {
    const r = sh('sleep 100 & echo started');
    expect(r).toMatchObject({ stdout: 'started\n', status: 0, elapsedMs: 0 });
  });
});

describe('pipes and stdin', () => {
  it('streams between stages as data is written', () => {
    const r = sh('(for i in 1 2 3; do echo "line $i"; sleep 1; done) | while read l; do echo "$(date -u +%S) $l"; done');
    expect(r.stdout).toBe('00 line 1\n01 line 2\n02 line 3\n');
  });

  it('follows a growing file with tail -f', () => {
    const r = sh('(for i in 1 2 3; do echo "entry $i" >> app.log; sleep 2; done) & tail -f app.log', { maxMs: 10_000 });
    expect(r.stdout).toBe('entry 1\nentry 2\nentry 3\n');
    expect(r.status).toBeUndefined();
  });

  it('ends a writer with SIGPIPE once the reader is gone', () => {
    expect(sh('yes | head -n 2; echo done')).toMatchObject({ stdout: 'y\ny\ndone\n', elapsedMs: 0 });
  });

  it('reads stdin written to the process, and sees /dev/null otherwise', () => {
    expect(runInContainer(['cat'], { stdin: 'piped\n' }).stdout).toBe('piped\n');
    expect(runInContainer(['sh', '-c', 'read x; echo "rc=$? [$x]"']).stdout).toBe('rc=1 []\n');
    expect(runInContainer(['sh'], { stdin: 'echo from stdin\nexit 4\n' })).toMatchObject({ stdout: 'from stdin\n', status: 4 });
  });

  it('is a terminal with -t: echo, line editing, Ctrl-C, CR LF', () => {
    const r = runInContainer(['sh'], { tty: true, stdin: 'echo hi\rsleep 100\r\x03echo $?\rls -d /tm\x7fmp\rexit 3\r' });
    expect(r.output).toBe('/w # echo hi\r\nhi\r\n/w # sleep 100\r\n^C\r\n/w # echo $?\r\n130\r\n/w # ls -d /tm\b \bmp\r\n/tmp\r\n/w # exit 3\r\n');
    expect(r.status).toBe(3);
  });
});

describe('starting programs', () => {
  it('reports a missing executable as containerd does', () => {
    expect(runInContainer(['nosuch', 'arg'])).toMatchObject({ stderr: 'exec: "nosuch": executable file not found in $PATH\n', status: 127 });
  });

  it('adds PATH, HOSTNAME and HOME to the environment', () => {
    expect(runInContainer(['env'], { hostname: 'web-0' }).stdout).toBe('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=web-0\nHOME=/root\n');
  });

  it('numbers processes per container, PID 1 first; busybox execs the last command of sh -c', () => {
    expect(sh('echo $$; sh -c \'echo $$\'; sleep 1 & echo $!; ps').stdout).toBe('1\n2\n3\nPID   USER     TIME  COMMAND\n    1 root      0:00 ps\n    3 root      0:00 sleep 1\n');
  });
});

describe('a command dash runs for `sh -c` (fork, then wait)', () => {
  /** PID 1 `sh -c 'sleep 3600'` in a Debian-based image with procps, and a second process to look at it. */
  function debianContainer() {
    const clock = new VirtualClock();
    const rt = containerRuntime({ now: () => clock.now() });
    const img = pullImage('registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10');
    if (!img.ok) throw new Error(img.message);
    const fs = rt.createFileSystem(img.image.files);
    const env = { fs, env: img.image.env, hostname: 'zk-0', cwd: '/', namespace: 'default', now: () => clock.now() };
    const init = rt.startProcess(['sh', '-c', 'sleep 3600'], env, { stdout: () => undefined, stderr: () => undefined }, clock);
    const exec = (argv: string[]): { out: string; code: number | undefined } => {
      let out = '';
      const p = rt.startProcess(argv, env, { stdout: (t) => (out += t), stderr: (t) => (out += t) }, clock);
      return { out, code: p.exitCode };
    };
    return { init, exec, clock };
  }

  it('shows the command as a child of PID 1 in `ps -ef`, as the ZooKeeper tutorial does', () => {
    const { exec } = debianContainer();
    expect(exec(['ps', '-ef']).out).toBe([
      'UID        PID  PPID  C STIME TTY          TIME CMD',
      'root         1     0  0 00:00 ?        00:00:00 sh -c sleep 3600',
      'root         2     1  0 00:00 ?        00:00:00 sleep 3600',
      'root         3     0  0 00:00 ?        00:00:00 ps -ef',
      '',
    ].join('\n'));
  });

  it('`pkill` ends the command, not the shell; the shell then exits with its 128+signal', () => {
    const { init, exec } = debianContainer();
    expect(exec(['pkill', 'sleep']).code).toBe(0);
    expect(init.exitCode).toBe(143);
    expect(exec(['pkill', 'sleep']).code).toBe(1);
  });
});

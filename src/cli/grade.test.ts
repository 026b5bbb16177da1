/**
 * `statecraft grade` on the example labs: formats, exit codes, worker
 * threads, and `--help` on every command.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { gradeCommand, runGrade, type GradeCliOptions } from './grade.ts';
import { labCommand } from './lab.ts';

let dir: string;
const sub = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'statecraft-grade-'));
  cpSync('labs/configmap-pod/solution', sub('good'), { recursive: true });
  cpSync('labs/configmap-pod/wrong/wrong-mode', sub('wrong-mode'), { recursive: true });
  mkdirSync(sub('empty'));
  mkdirSync(sub('hostile'));
  writeFileSync(join(sub('hostile'), 'huge.yaml'), Buffer.alloc(50 * 1024 * 1024, 'a'));
  writeFileSync(join(sub('hostile'), 'binary.yaml'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0xff, 0xfe]));
  writeFileSync(join(sub('hostile'), 'commands.sh'), 'rm -rf ~\n:(){ :|:& };:\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(opts: Partial<GradeCliOptions>) {
  let stdout = '';
  let stderr = '';
  const code = await runGrade({ lab: 'configmap-pod', labs: 'labs', format: 'text', timeout: 30, progress: false, ...opts }, {
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; },
  });
  return { code, stdout, stderr };
}

describe('statecraft grade', () => {
  it('exits 0 when every submission passes', async () => {
    const r = await run({ submission: [sub('good')] });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`✓ configmap-pod · ${sub('good')} · shim: 3/3`);
  });

  it('exits 1 when one fails, and explains where', async () => {
    const r = await run({ submission: [sub('good'), sub('wrong-mode'), sub('empty')] });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('        ConfigMap web-config: data.mode: expected production, found staging\n');
    expect(r.stdout).toMatch(/3 submissions: 1 passed, 2 failed\n$/);
  });

  it('grades hostile input as failing, with reasons, and goes on', async () => {
    const r = await run({ submission: [sub('hostile'), sub('good')], format: 'json' });
    expect(r.code).toBe(1);
    const [hostile, good] = (JSON.parse(r.stdout) as { results: { passed: boolean; problems: string[] }[] }).results;
    expect(good!.passed).toBe(true);
    expect(hostile!.problems).toEqual([
      'huge.yaml: 50 MiB; files over 3 MiB are not read',
      'binary.yaml: a binary file, not a manifest',
      'commands.sh:1: `rm -rf ~`: only kubectl lines run against the simulated cluster (bash: rm: command not found)',
      'commands.sh:2: `:(){ :|:& };:`: only kubectl lines run against the simulated cluster (bash: :(){: command not found)',
    ]);
  });

  it('writes valid JUnit XML and TAP 13', async () => {
    const junit = await run({ submission: [sub('good'), sub('wrong-mode')], format: 'junit' });
    expect(XMLValidator.validate(junit.stdout)).toBe(true);
    expect(junit.stdout).toContain('<testsuites name="statecraft grade" tests="6" failures="1" errors="0">');
    const tap = await run({ submission: [sub('good'), sub('wrong-mode')], format: 'tap' });
    expect(tap.stdout).toMatch(/^TAP version 13\n1\.\.6\n/);
    expect(tap.stdout).toContain(`not ok 4 - configmap-pod ${sub('wrong-mode')} step 1: Create the ConfigMap\n`);
  });

  it('exits 2 when it cannot grade', async () => {
    expect((await run({ lab: 'no-such-lab', submission: [sub('good')] })).code).toBe(2);
    expect((await run({})).stderr).toMatch(/give --submission DIR/);
    expect((await run({ kubeconfig: join(dir, 'missing-kubeconfig') })).code).toBe(2);
  });
});

describe('the statecraft binary', () => {
  const statecraft = (...args: string[]) => spawnSync(process.execPath, ['bin/statecraft.js', ...args], { encoding: 'utf8', timeout: 120_000 });

  it('has --help on every command', () => {
    const help = (command: Command): string => {
      let text = '';
      command.exitOverride().configureOutput({ writeOut: (t) => { text += t; } });
      expect(() => command.parse(['--help'], { from: 'user' })).toThrow(/\(outputHelp\)/);
      return text;
    };
    const lab = labCommand();
    expect(help(gradeCommand())).toMatch(/^Usage: grade \[options\]\n[\s\S]*--submission <dir\.\.\.>[\s\S]*Exit status: 0 when/);
    for (const sub of lab.commands) expect(help(sub)).toMatch(new RegExp(`^Usage: lab ${sub.name()} `));
    expect(lab.commands.map((c) => c.name())).toEqual(['check', 'new']);
    // And the binary has them: main.ts registers both.
    const r = statecraft('lab', 'check', '--help');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: statecraft lab check \[options\] \[ids\.\.\.\]/);
  }, 120_000);

  it('grades in worker threads with --jobs, in input order', () => {
    const dirs = Array.from({ length: 6 }, (_, i) => (i === 4 ? sub('wrong-mode') : sub('good')));
    const r = statecraft('grade', '--lab', 'configmap-pod', '--jobs', '3', '--format', 'json', '--submission', ...dirs);
    expect(r.status, r.stderr).toBe(1);
    const results = (JSON.parse(r.stdout) as { results: { submission: string; passed: boolean }[] }).results;
    expect(results.map((x) => x.passed)).toEqual([true, true, true, true, false, true]);
    expect(results[4]!.submission).toBe(sub('wrong-mode'));
  }, 120_000);
});

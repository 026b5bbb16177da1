/**
 * Terminal lines on a real cluster: the real kubectl binary, started directly
 * (never through a shell), pointed at the grader's kubeconfig, context and
 * namespace, killed when its time is up. A learner's line runs in a folder
 * holding only the submission's files and may not leave the learner's
 * namespace or touch the grader's disk: the grader's credentials are not the
 * learner's to use.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import type { CommandResult, CommandRunner, RunOptions } from '../runner/client.ts';
import { DEFAULT_COMMAND_TIMEOUT_MS, MAX_OUTPUT_CHARS } from '../runner/shim-commands.ts';
import { ShellSyntaxError, splitWords } from '../terminal/words.ts';

export interface KubectlBinaryOptions {
  /** Default: $KUBECTL, else `kubectl` on PATH. */
  binary?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /**
   * Powers a node off or on, as `docker stop|start NODE` does to a kind node's
   * container: a `statecraft serve` cluster does it through its admin endpoint.
   * Undefined when the cluster cannot (a real cluster: only its owner can).
   */
  nodePower?: NodePower;
}

/** What became of one `docker stop|start NODE`: done, no such node, or the cluster cannot power nodes. */
export type NodePower = (name: string, action: 'stop' | 'start') => Promise<'done' | 'no-such-node' | 'unsupported' | { error: string }>;

/** Subcommands a learner's line may use: they act on the cluster only (no `cp`, `config`, `proxy`, plugins). */
const LEARNER_COMMANDS = new Set([
  'get', 'describe', 'apply', 'create', 'delete', 'replace', 'patch', 'label', 'annotate', 'scale', 'rollout', 'exec',
  'logs', 'run', 'expose', 'set', 'wait', 'cordon', 'uncordon', 'drain', 'taint', 'events', 'explain', 'version',
  'api-resources', 'api-versions', 'top', 'autoscale', 'diff',
]);
/** Flags that would point kubectl elsewhere, borrow other identities, or read the grader's files. */
const FORBIDDEN = /^--?(kubeconfig|context|cluster|user|token|server|s|as|as-group|as-uid|certificate-authority|client-certificate|client-key|insecure-skip-tls-verify|tls-server-name|username|password|cache-dir|from-file|from-env-file|kustomize|k|all-namespaces|A)(=|$)/;
/** Global flags that take a value as the next word. */
const VALUED = /^(-n|--namespace|-f|--filename|-l|--selector|-o|--output|-c|--container)$/;

export class KubectlBinaryRunner implements CommandRunner {
  private readonly binary: string;

  constructor(private readonly options: KubectlBinaryOptions = {}) {
    this.binary = options.binary ?? process.env.KUBECTL ?? 'kubectl';
  }

  run(line: string, opts: RunOptions = {}): Promise<CommandResult> {
    let words: string[];
    try {
      words = splitWords(line);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      return Promise.resolve({ exitCode: 2, stdout: '', stderr: `bash: ${error.message}\n` });
    }
    if (words.length === 0) return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' });
    const [program, ...args] = words as [string, ...string[]];
    if (program === 'docker') {
      if (/^(stop|start)$/.test(args[0] ?? '') && args.length > 1 && !args.slice(1).some((a) => a.startsWith('-')) && this.options.nodePower) {
        return this.dockerNodePower(line, args[0] as 'stop' | 'start', args.slice(1));
      }
      return Promise.resolve(refusedDocker(line));
    }
    if (program !== 'kubectl') {
      return Promise.resolve({ exitCode: 127, stdout: '', stderr: `bash: ${program}: command not found\n`, note: 'only kubectl lines run against a real cluster' });
    }
    if (opts.untrusted) {
      const refusal = this.refusal(args);
      if (refusal) return Promise.resolve({ exitCode: 1, stdout: '', stderr: `error: ${refusal}\n`, note: `refused: ${refusal}` });
    }
    const scoped = args.some((a) => /^(-n|--namespace)(=|$)|^-n.|^(-A|--all-namespaces)(=true)?$/.test(a));
    const argv = [
      ...(this.options.kubeconfig ? ['--kubeconfig', this.options.kubeconfig] : []),
      ...(this.options.context ? ['--context', this.options.context] : []),
      ...(this.options.namespace && !scoped ? ['--namespace', this.options.namespace] : []),
      ...args,
    ];
    const cwd = opts.files ? mkdtempSync(join(tmpdir(), 'statecraft-line-')) : undefined;
    if (cwd) {
      for (const f of opts.files ?? []) {
        const path = join(cwd, normalize(f.path));
        if (!path.startsWith(`${cwd}/`)) continue;
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.text);
      }
    }
    const timeoutMs = opts.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    return new Promise<CommandResult>((resolve) => {
      // Its own process group, so a time-out ends whatever it started too.
      const child = spawn(this.binary, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...(cwd ? { cwd } : {}) });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => { if (stdout.length < MAX_OUTPUT_CHARS) stdout += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < MAX_OUTPUT_CHARS) stderr += d; });
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        resolve({ exitCode: 127, stdout: '', stderr: `${this.binary}: ${error.message}\n`, note: 'kubectl could not be started' });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ exitCode: code ?? 137, stdout: stdout.slice(0, MAX_OUTPUT_CHARS), stderr: stderr.slice(0, MAX_OUTPUT_CHARS), ...(timedOut ? { note: `stopped after ${timeoutMs} ms` } : {}) });
      });
    }).finally(() => { if (cwd) rmSync(cwd, { recursive: true, force: true }); });
  }

  /**
   * `docker stop|start NODE…` on a cluster that can power its nodes (`statecraft
   * serve`): printed as docker prints it. Never the docker CLI itself: the
   * grader does not reach past the cluster's API to its host.
   */
  private async dockerNodePower(line: string, action: 'stop' | 'start', names: string[]): Promise<CommandResult> {
    let stdout = '';
    let stderr = '';
    for (const name of names) {
      const outcome = await this.options.nodePower!(name, action);
      if (outcome === 'unsupported') return refusedDocker(line);
      if (outcome === 'done') stdout += `${name}\n`;
      else if (outcome === 'no-such-node') stderr += `Error response from daemon: No such container: ${name}\n`;
      else stderr += `Error response from daemon: ${outcome.error}\n`;
    }
    return { exitCode: stderr === '' ? 0 : 1, stdout, stderr };
  }

  /** Why a learner's line may not run here, or undefined. */
  private refusal(args: string[]): string | undefined {
    let command: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') break;
      if (FORBIDDEN.test(a)) return `${a.split('=')[0]} is not allowed in a submission's commands`;
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : VALUED.test(a) ? args[i + 1] : undefined;
      if (/^(-n|--namespace)(=|$)/.test(a) || /^-n./.test(a)) {
        const ns = /^-n./.test(a) ? a.slice(2) : value;
        if (ns !== this.options.namespace) return `a submission's commands may only use namespace ${this.options.namespace}`;
      }
      if (/^(-f|--filename)(=|$)/.test(a) && value !== undefined && (isAbsolute(value) || normalize(value).startsWith('..') || /^[a-z]+:\/\//.test(value))) {
        return `-f ${value}: a submission's commands may only read the submission's own files`;
      }
      if (VALUED.test(a) && !a.includes('=')) i++;
      else if (!a.startsWith('-') && command === undefined) command = a;
    }
    if (command !== undefined && !LEARNER_COMMANDS.has(command)) return `kubectl ${command} is not allowed in a submission's commands`;
    return undefined;
  }
}

/**
 * The grader never runs the docker CLI: on a real cluster a node is a machine (or
 * a kind node's container) that only the cluster's owner powers off and on.
 */
function refusedDocker(line: string): CommandResult {
  return { exitCode: 127, stdout: '', stderr: 'bash: docker: command not found\n', note: `not run on a real cluster: \`${line.trim()}\` must be done on the cluster's host, by its owner` };
}

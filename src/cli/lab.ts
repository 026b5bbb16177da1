/**
 * `statecraft lab`: for lab authors. `lab check` proves labs (schema, start
 * state fails step 1, solution passes, wrong answers fail where and how they
 * say); `lab new` scaffolds one that passes.
 */
import { Command, InvalidArgumentError } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LabFormatError } from '../schemas/load-lab.ts';
import { checkLab, type Backend, type LabCheckReport } from '../runner/lab-check.ts';
import { labCheckText } from '../runner/report.ts';
import { shimBackend } from '../runner/shim-backend.ts';
import { labFolder, labIds, loadLabBundle } from '../runner-node/files.ts';
import { kubeconfigBackend } from '../runner-node/kubeconfig-backend.ts';
import { defaultLabsDir, EXIT_ERROR, EXIT_FAILED, EXIT_PASSED, positiveInt } from './grade.ts';

export interface LabCheckOptions {
  labs?: string;
  kubeconfig?: string;
  context?: string;
  kubectl?: string;
  timeout: number;
  /** Live clusters: the cluster clock's speed (`statecraft serve --speed N`). */
  speed?: number;
  format: 'text' | 'json';
}

/** Proves one lab folder; a lab that does not parse is reported, not thrown. */
export async function proveLab(folder: string, backend: Backend, options: { timeoutSeconds?: number; speed?: number } = {}): Promise<LabCheckReport> {
  const source = relative(process.cwd(), folder) || folder;
  let bundle;
  try {
    bundle = loadLabBundle(folder);
  } catch (error) {
    if (!(error instanceof LabFormatError)) throw error;
    return { lab: source.split('/').at(-1) ?? source, source, backend: backend.description, passed: false, scenarios: [{ name: 'schema', passed: false, message: `\n    ${error.message.split('\n').join('\n    ')}` }], missing: [] };
  }
  const report = await checkLab(bundle, backend, { ...(options.timeoutSeconds ? { timeoutSeconds: options.timeoutSeconds } : {}), ...(options.speed ? { speed: options.speed } : {}), now: Date.now });
  const files = `lab.yaml${bundle.solution ? ', solution/' : ''}${bundle.wrong.length ? `, ${bundle.wrong.length} wrong answer${bundle.wrong.length > 1 ? 's' : ''}` : ''}`;
  const schema = { name: 'schema', passed: true, message: `${files} valid` };
  return { ...report, scenarios: [schema, ...report.scenarios] };
}

export async function runLabCheck(ids: string[], opts: LabCheckOptions, out: { stdout(text: string): void; stderr(text: string): void }): Promise<number> {
  const labsDir = opts.labs ?? defaultLabsDir();
  const wanted = ids.length > 0 ? ids : labIds(labsDir);
  if (wanted.length === 0) {
    out.stderr(`statecraft lab check: no labs in ${labsDir}\n`);
    return EXIT_ERROR;
  }
  let backend: Backend;
  try {
    backend = opts.kubeconfig !== undefined || opts.context !== undefined
      ? kubeconfigBackend({
        ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
        ...(opts.context ? { context: opts.context } : {}),
        ...(opts.kubectl ? { kubectl: opts.kubectl } : {}),
      })
      : shimBackend();
  } catch (error) {
    out.stderr(`statecraft lab check: ${(error as Error).message}\n`);
    return EXIT_ERROR;
  }
  const reports: LabCheckReport[] = [];
  for (const id of wanted) {
    let folder: string;
    try {
      folder = labFolder(id, labsDir);
    } catch (error) {
      out.stderr(`statecraft lab check: ${(error as Error).message}\n`);
      return EXIT_ERROR;
    }
    reports.push(await proveLab(folder, backend, { timeoutSeconds: opts.timeout, ...(opts.speed ? { speed: opts.speed } : {}) }));
  }
  out.stdout(opts.format === 'json' ? `${JSON.stringify(reports, null, 2)}\n` : labCheckText(reports));
  return reports.every((r) => r.passed) ? EXIT_PASSED : EXIT_FAILED;
}

const LAB_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Writes a small lab that passes `lab check`: one step, a solution, a wrong answer. */
export function scaffoldLab(id: string, labsDir: string, title?: string): string[] {
  if (!LAB_ID.test(id)) throw new InvalidArgumentError('a lab id is lowercase letters, digits and dashes, e.g. pv-pvc-binding');
  const folder = join(labsDir, id);
  if (existsSync(folder)) throw new InvalidArgumentError(`${folder} already exists`);
  const files: Record<string, string> = {
    'lab.yaml': `# yaml-language-server: $schema=../../src/generated/lab.schema.json
id: ${id}
title: ${JSON.stringify(title ?? id.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' '))}
summary: >-
  One or two sentences: what the learner builds and why it matters.
estimatedMinutes: 10
starter: start.yaml
# topology: { workers: 3, zones: [zone-a, zone-b] }
# setup: { manifests: [setup/], commands: [] }
steps:
  - title: Create the ConfigMap
    instructions: |
      Create a ConfigMap \`settings\` with \`mode: safe\`, then apply it:

      \`\`\`sh
      kubectl apply -f start.yaml
      \`\`\`
    hints:
      - "\`kubectl get configmap settings -o yaml\` shows what the cluster has."
    checks:
      - name: ConfigMap settings has mode safe
        assert:
          apiVersion: v1
          kind: ConfigMap
          metadata: { name: settings }
          data:
            mode: safe
`,
    'start.yaml': `# The file the learner starts from in the editor.
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data: {}
`,
    'solution/settings.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: safe
`,
    'solution/commands.sh': `# Terminal lines run after the manifests, one per line, e.g.:
# kubectl label configmap settings reviewed=yes
`,
    'wrong/unsafe-mode/settings.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
`,
    'wrong/unsafe-mode/wrong.yaml': `# yaml-language-server: $schema=../../../../src/generated/lab-wrong.schema.json
description: The mode is fast, not safe.
step: 1
message: "data.mode: expected safe, found fast"
`,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  return Object.keys(files).map((f) => join(folder, f));
}

export function labCommand(): Command {
  const lab = new Command('lab').description('Author labs: prove them with `lab check`, start one with `lab new`.');
  lab
    .command('check')
    .description('Prove labs: lab files valid, start state fails step 1, solution passes every step, each wrong/ answer fails at its declared step with its declared message.')
    .argument('[ids...]', 'lab ids (default: every lab in --labs)')
    .option('--labs <dir>', 'folder holding the labs (default: ./labs, else the bundled labs)')
    .option('--kubeconfig <file>', 'prove on a live cluster (a namespace per scenario) instead of the simulator')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--kubectl <path>', 'live clusters: the kubectl binary for command checks (default: $KUBECTL, else kubectl on PATH)')
    .option('--timeout <seconds>', 'live clusters: how long each step polls before it fails', positiveInt('--timeout', 3600), 30)
    .option('--speed <n>', "live clusters: the cluster clock's speed (`statecraft serve --speed N`); a lab's own timeouts are cluster seconds", positiveInt('--speed', 1000))
    .option('--format <format>', 'text or json', (v) => {
      if (v !== 'text' && v !== 'json') throw new InvalidArgumentError('--format is text or json');
      return v;
    }, 'text')
    .addHelpText('after', '\nExit status: 0 when every lab is proven, 1 when any is not, 2 when labs could not be found or the cluster reached.')
    .action(async (ids: string[], opts: LabCheckOptions) => {
      process.exitCode = await runLabCheck(ids, opts, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
    });
  lab
    .command('new')
    .description('Scaffold labs/<id>/: lab.yaml with one checked step, a start file, a solution and a known-wrong answer.')
    .argument('<id>', 'lab id: lowercase letters, digits and dashes')
    .option('--labs <dir>', 'folder to create the lab in', 'labs')
    .option('--title <title>', 'title of the lab')
    .action((id: string, opts: { labs: string; title?: string }) => {
      try {
        const files = scaffoldLab(id, opts.labs, opts.title);
        process.stdout.write(`created ${files.length} files in ${join(opts.labs, id)}:\n${files.map((f) => `  ${f}\n`).join('')}next: edit lab.yaml, then run \`statecraft lab check ${id}\`\n`);
      } catch (error) {
        process.stderr.write(`statecraft lab new: ${(error as Error).message}\n`);
        process.exitCode = EXIT_ERROR;
      }
    });
  return lab;
}

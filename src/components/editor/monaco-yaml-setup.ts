/**
 * monaco-yaml 5.5 still creates its worker with the pre-0.55 Monaco call
 * `editor.createWebWorker({ moduleId, label, createData })`; Monaco ≥ 0.55 only
 * accepts `{ worker }`. The old call used to post two messages before any RPC:
 * an "initialise" ping (the worker's first `onmessage` ignores its content) and
 * then the create data. We start the worker ourselves, replay those two
 * messages, and hand the ready worker to the new API.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import { configureMonacoYaml, type MonacoYamlOptions } from 'monaco-yaml';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import YamlWorker from './yaml.worker.ts?worker';

type LegacyWorkerOptions = { moduleId?: string; label?: string; createData?: unknown; worker?: Worker };

export function installMonacoEnvironment(): void {
  (globalThis as { MonacoEnvironment?: monaco.Environment }).MonacoEnvironment = {
    getWorker: (_id, label) => (label === 'yaml' ? new YamlWorker() : new EditorWorker()),
  };
}

export function configureYaml(options: MonacoYamlOptions) {
  const createWebWorker = (opts: LegacyWorkerOptions) => {
    if (opts.worker) return monaco.editor.createWebWorker(opts as Parameters<typeof monaco.editor.createWebWorker>[0]);
    const worker = new YamlWorker();
    worker.postMessage('initialise');
    worker.postMessage(opts.createData);
    return monaco.editor.createWebWorker({ worker } as Parameters<typeof monaco.editor.createWebWorker>[0]);
  };
  const patched = { ...monaco, editor: { ...monaco.editor, createWebWorker } } as unknown as typeof monaco;
  return configureMonacoYaml(patched, options);
}

export { monaco };

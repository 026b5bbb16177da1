/**
 * The editor's Apply, Diff and validation, run in the worker next to the
 * cluster: Apply and Diff are our `kubectl apply -f FILE` / `kubectl diff -f
 * FILE` over the editor's text; validation sends each document to the API
 * server as `kubectl apply --dry-run=server` would (fieldValidation=Strict)
 * and turns what the server refuses — Status causes with a `field`, strict
 * decoding's `unknown field "…"` — into markers at that field's line and
 * column. Everything is bounded, so a hostile file costs a clear message.
 */
import type { ApiRequest, ApiResponse, ApiTransport } from '../api/types.ts';
import type { Status } from '../kubectl/errors.ts';
import { kubectl, KubectlSession } from '../kubectl/kubectl.ts';
import { kindKubeconfig } from '../kubectl/kubeconfig.ts';
import type { TextFile } from '../runner/manifests.ts';
import { fileSource } from '../runner/shim-commands.ts';
import { fieldRange, objectRange, splitSourceDocuments, type SourceDocument, type TextRange } from './field-positions.ts';
import { isMap, parseDocument } from 'yaml';

export interface EditorMarker extends TextRange {
  severity: 'error' | 'warning';
  message: string;
}

export interface EditorResult {
  code: number;
  /** kubectl's stdout and stderr, interleaved as a terminal shows them. */
  output: string;
  markers: EditorMarker[];
}

export type EditorAction = 'apply' | 'diff' | 'validate';

export const MAX_EDITOR_CHARS = 1_000_000;
export const MAX_VALIDATED_DOCUMENTS = 200;
const MAX_OUTPUT_CHARS = 200_000;

export class EditorService {
  private readonly session = new KubectlSession();

  constructor(private readonly transport: () => ApiTransport | undefined) {}

  async run(action: EditorAction, file: TextFile): Promise<EditorResult> {
    if (file.text.length > MAX_EDITOR_CHARS) {
      return { code: 1, output: `error: ${file.path} is ${file.text.length} characters; the editor applies at most ${MAX_EDITOR_CHARS}\n`, markers: [] };
    }
    if (action === 'validate') return { code: 0, output: '', markers: await this.validate(file) };
    const result = await this.kubectl([action, '-f', file.path], file);
    // Apply fails (1) or diff errors (>1): find out where, document by document.
    const failed = action === 'apply' ? result.code !== 0 : result.code > 1;
    return { ...result, markers: failed ? await this.validate(file) : [] };
  }

  private async kubectl(args: string[], file: TextFile, transport = this.transport()): Promise<{ code: number; output: string }> {
    let output = '';
    const write = (t: string) => { if (output.length < MAX_OUTPUT_CHARS) output += t; };
    const code = await kubectl(args, {
      io: { stdout: write, stderr: write, interrupted: new Promise(() => {}) },
      ...(transport ? { transport } : {}),
      files: fileSource([file]),
      session: this.session,
      kubeconfig: kindKubeconfig(),
    });
    return { code, output: output.length >= MAX_OUTPUT_CHARS ? `${output}\n… output cut at ${MAX_OUTPUT_CHARS} characters\n` : output };
  }

  /** Markers for the file: YAML errors, then what the API server refuses in a server-side dry run. */
  async validate(file: TextFile): Promise<EditorMarker[]> {
    const transport = this.transport();
    const markers: EditorMarker[] = [];
    const docs = splitSourceDocuments(file.text);
    let checked = 0;
    for (const doc of docs) {
      const parsed = parseDocument(doc.text, { version: '1.1', uniqueKeys: false });
      const error = parsed.errors[0];
      if (error) {
        const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
        const line = pos.line + doc.firstLine - 1;
        markers.push({ severity: 'error', message: error.message.split('\n')[0]!, startLineNumber: line, startColumn: pos.col, endLineNumber: line, endColumn: pos.col + 1 });
        continue;
      }
      if (parsed.contents === null) continue; // an empty document, e.g. comments only
      if (!isMap(parsed.contents)) {
        markers.push({ severity: 'error', message: 'not a Kubernetes object: expected a mapping with apiVersion and kind', ...objectRange(doc) });
        continue;
      }
      if (++checked > MAX_VALIDATED_DOCUMENTS) {
        markers.push({ severity: 'warning', message: `only the first ${MAX_VALIDATED_DOCUMENTS} documents are checked in the editor`, ...objectRange(doc) });
        break;
      }
      if (transport) markers.push(...(await this.dryRun(doc, transport)));
    }
    return markers;
  }

  /** One document through `kubectl apply --dry-run=server`, keeping the server's refusal as data. */
  private async dryRun(doc: SourceDocument, transport: ApiTransport): Promise<EditorMarker[]> {
    let refusal: Status | undefined;
    const recording: ApiTransport = {
      request: async (req: ApiRequest): Promise<ApiResponse> => {
        const response = await transport.request(req);
        if (req.method !== 'GET' && response.status >= 400) refusal = response.body as Status;
        return response;
      },
      watch: (req, onEvent, onEnd) => transport.watch(req, onEvent, onEnd),
    };
    const file = { path: 'document.yaml', text: doc.text };
    const { code, output } = await this.kubectl(['apply', '--dry-run=server', '-f', file.path], file, recording);
    if (code === 0) return [];
    if (!refusal) return [{ severity: 'error', message: cleanKubectlError(output), ...objectRange(doc) }];
    const markers: EditorMarker[] = [];
    for (const cause of refusal.details?.causes ?? []) {
      const field = cause.field ?? '';
      const message = field ? `${field}: ${cause.message ?? cause.reason ?? ''}` : (cause.message ?? '');
      markers.push({ severity: 'error', message, ...(field ? fieldRange(doc, field) : objectRange(doc)) });
    }
    for (const m of (refusal.message ?? '').matchAll(/(unknown|duplicate) field "([^"]+)"/g)) {
      markers.push({ severity: 'error', message: `${m[1]} field "${m[2]}"`, ...fieldRange(doc, m[2]!) });
    }
    if (markers.length === 0) markers.push({ severity: 'error', message: refusal.message ?? cleanKubectlError(output), ...objectRange(doc) });
    return markers;
  }
}

/** kubectl's error without the file name (the marker already sits in the document). */
function cleanKubectlError(output: string): string {
  return output.trim().replace(/error when \w+ "document\.yaml": /g, '').replace(/error parsing document\.yaml: /g, '');
}

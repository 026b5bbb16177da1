/**
 * `--from-literal`, `--from-file` and `--from-env-file`, shared by `create
 * configmap` and `create secret generic`, read through the same FileSource as
 * `apply -f` (the disk in Node, the shell's or lesson's files in the browser).
 * K:staging/src/k8s.io/kubectl/pkg/util/util.go (ParseFileSource, ParseLiteralSource),
 * K:staging/src/k8s.io/kubectl/pkg/cmd/util/env_file.go,
 * K:staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go (IsConfigMapKey, IsEnvVarName)
 */
import type { FileSource } from '../io.ts';
import { isEnvVarName } from '../../shim/validation.ts';

/** Where the sources' keys go; it rejects invalid and duplicate keys with its own kind's texts. */
export interface DataSink {
  addText(key: string, value: string): void;
  addBytes(key: string, value: Uint8Array): void;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** UTF-8 text with a leading BOM kept, as Go's string(bytes) keeps it. */
export const decodeUtf8 = (bytes: Uint8Array): string => strictUtf8.decode(bytes);

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function parseLiteralSource(source: string): [string, string] {
  const eq = source.indexOf('=');
  if (eq <= 0) throw new Error(`invalid literal source ${source}, expected key=value`);
  return [source.slice(0, eq), source.slice(eq + 1)];
}

/** `[key=]path`; the key defaults to the path's base name. */
export function parseFileSource(source: string): [string, string] {
  const separators = source.split('=').length - 1;
  if (separators === 0) return [baseName(source), source];
  if (separators === 1 && source.startsWith('=')) throw new Error(`key name for file path ${source.slice(1)} missing`);
  if (separators === 1 && source.endsWith('=')) throw new Error(`file path for key name ${source.slice(0, -1)} missing`);
  if (separators > 1) throw new Error(`key names or file paths cannot contain '='`);
  const [key, path] = source.split('=') as [string, string];
  return [key, path];
}

/** Go's path.Base. */
function baseName(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

const joinPath = (dir: string, name: string) => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);

export async function readBytes(files: FileSource, path: string): Promise<Uint8Array> {
  return files.readBytes ? files.readBytes(path) : utf8.encode(await files.read(path));
}

async function statOrFail(files: FileSource | undefined, path: string): Promise<'file' | 'dir'> {
  const type = await files?.stat(path);
  if (!type) throw new Error(`error reading ${path}: no such file or directory`);
  return type;
}

export function addLiterals(sink: DataSink, sources: string[]): void {
  for (const source of sources) sink.addText(...parseLiteralSource(source));
}

/** Files, or every regular file of a directory (its names sorted, as os.ReadDir gives them). */
export async function addFiles(sink: DataSink, files: FileSource | undefined, sources: string[], addFile: (key: string, bytes: Uint8Array) => void): Promise<void> {
  for (const source of sources) {
    const [key, path] = parseFileSource(source);
    if ((await statOrFail(files, path)) === 'file') {
      addFile(key, await readBytes(files!, path));
      continue;
    }
    if (source.includes('=')) throw new Error('cannot give a key name for a directory path');
    for (const name of (await files!.list(path)).sort()) {
      const item = joinPath(path, name);
      if ((await files!.stat(item)) === 'file') addFile(name, await readBytes(files!, item));
    }
  }
}

/** Lines of `KEY=value`; `#` comments and blank lines skipped; a bare KEY would take the environment's value (none here). */
export async function addEnvFiles(sink: DataSink, files: FileSource | undefined, sources: string[], kindForDirError: 'config' | 'secret'): Promise<void> {
  for (const path of sources) {
    if ((await statOrFail(files, path)) === 'dir') throw new Error(`env ${kindForDirError} file cannot be a directory`);
    const bytes = await readBytes(files!, path);
    // bufio.ScanLines: split on \n, drop one trailing \r.
    const lines: Uint8Array[] = [];
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length ? i > start : bytes[i] === 0x0a) {
        let end = i;
        if (end > start && bytes[end - 1] === 0x0d) end--;
        lines.push(bytes.subarray(start, end));
        start = i + 1;
      }
    }
    lines.forEach((raw, n) => {
      if (!isValidUtf8(raw)) throw new Error(`env file ${path} contains invalid utf8 bytes at line ${n + 1}: [${[...raw].join(' ')}]`);
      let line = strictUtf8.decode(raw);
      if (n === 0) line = line.replace(/^\uFEFF/, '');
      line = line.replace(/^\s+/, '');
      if (line === '' || line.startsWith('#')) return;
      const eq = line.indexOf('=');
      const key = eq < 0 ? line : line.slice(0, eq);
      const errs = isEnvVarName(key);
      if (errs.length > 0) throw new Error(`${JSON.stringify(key)} is not a valid key name: ${errs.join(';')}`);
      sink.addText(key, eq < 0 ? '' : line.slice(eq + 1));
    });
  }
}

/**
 * Files from memory (the lesson's files in the browser, fixtures in tests):
 * a map from path to text; directories are the paths' prefixes.
 */
import type { FileSource } from './io.ts';
import { cleanPath } from './manifests.ts';

export function memoryFiles(files: Record<string, string>): FileSource {
  const entries = new Map(Object.entries(files).map(([p, text]) => [cleanPath(p), text]));
  const isDir = (p: string) => {
    const dir = cleanPath(p);
    return dir === '.' ? entries.size > 0 : [...entries.keys()].some((k) => k.startsWith(`${dir}/`));
  };
  return {
    async stat(path) {
      if (entries.has(cleanPath(path))) return 'file';
      return isDir(path) ? 'dir' : undefined;
    },
    async read(path) {
      const text = entries.get(cleanPath(path));
      if (text === undefined) throw new Error(`open ${path}: no such file or directory`);
      return text;
    },
    async list(path) {
      const dir = cleanPath(path);
      const prefix = dir === '.' ? '' : `${dir}/`;
      const names = new Set<string>();
      for (const k of entries.keys()) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0]!);
      return [...names];
    },
  };
}

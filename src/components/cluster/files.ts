/**
 * The page's workspace files: what each editor holds, by file name. The
 * terminal's `kubectl apply -f NAME` reads them (the connection sends them to
 * the worker before each line). Registering starts no worker.
 */
import type { TextFile } from '../../runner/manifests.ts';

const files = new Map<string, () => string>();

export function registerWorkspaceFile(path: string, text: () => string): void {
  files.set(path, text);
}

export function workspaceFiles(): TextFile[] {
  return [...files].map(([path, text]) => ({ path, text: text() }));
}

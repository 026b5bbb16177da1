/**
 * `kubectl edit`'s editor in Node, as kubectl launches it
 * (K:staging/src/k8s.io/kubectl/pkg/cmd/util/editor/editor.go): $KUBE_EDITOR,
 * else $EDITOR, else vi; a value with spaces is split into words, and one with
 * quotes or backslashes goes to `$SHELL -c` whole. The text goes to a new
 * `$TMPDIR/kubectl-edit-<digits>.yaml` each time (os.CreateTemp).
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EditorIO } from '../kubectl/io.ts';

/** The editor's command line (defaultEnvEditor), and whether the file name joins it as a quoted shell word. */
export function editorCommand(env: Record<string, string | undefined>): { args: string[]; shell: boolean } {
  const editor = env.KUBE_EDITOR || env.EDITOR || 'vi';
  if (!editor.includes(' ')) return { args: [editor], shell: false };
  if (!/["'\\]/.test(editor)) return { args: editor.split(' '), shell: false };
  return { args: [env.SHELL || '/bin/bash', '-c', editor], shell: true };
}

export function nodeEditor(env: Record<string, string | undefined> = process.env): EditorIO {
  return {
    async launch(text, ext) {
      const path = join(env.TMPDIR || tmpdir(), `kubectl-edit-${randomInt(1e9, 4e9)}${ext}`);
      writeFileSync(path, text, { mode: 0o600 });
      const { args, shell } = editorCommand(env);
      const argv = shell ? [...args.slice(0, -1), `${args.at(-1)} ${JSON.stringify(path)}`] : [...args, path];
      const named = JSON.stringify(args.join(' '));
      await new Promise<void>((resolve, reject) => {
        const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env: env as NodeJS.ProcessEnv });
        child.on('error', (error: NodeJS.ErrnoException) => {
          reject(new Error(error.code === 'ENOENT' ? `unable to launch the editor ${named}` : `there was a problem with the editor ${named}`));
        });
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`there was a problem with the editor ${named}`))));
      });
      return { text: readFileSync(path, 'utf8'), path };
    },
    remove(path) {
      rmSync(path, { force: true });
    },
  };
}

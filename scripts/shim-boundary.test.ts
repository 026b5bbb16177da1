import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The shim must run unchanged in a Web Worker, in Node and in tests: its
// tsconfig has neither the DOM library nor Node's types. Prove that a stray
// DOM or Node use fails to compile there.
function compileInShim(source: string): string {
  const dir = mkdtempSync(join('src/shim', 'boundary-probe-'));
  try {
    writeFileSync(join(dir, 'probe.ts'), source);
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'src/shim/tsconfig.json'], { stdio: 'pipe' });
    return '';
  } catch (error) {
    return String((error as { stdout?: Buffer }).stdout ?? error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('src/shim boundary', () => {
  it('rejects the DOM', () => {
    expect(compileInShim('export const title = document.title;\n')).toMatch(/Cannot find name 'document'/);
  }, 60_000);

  it('rejects Node built-ins', () => {
    expect(compileInShim("import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n")).toMatch(/node:fs/);
  }, 60_000);
});

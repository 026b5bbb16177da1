import { describe, expect, it } from 'vitest';
import { TerminalSession } from './session.ts';

async function run(line: string, session = new TerminalSession()) {
  let out = '';
  const code = await session.run(line, { write: (d) => (out += d) });
  return { code, out };
}

describe('TerminalSession', () => {
  it('answers `kubectl version --client` as kubectl 1.32 does', async () => {
    expect(await run('kubectl version --client')).toEqual({
      code: 0,
      out: 'Client Version: v1.32.5\r\nKustomize Version: v5.5.0\r\n',
    });
  });

  it('prints kubectl version as JSON with -o json', async () => {
    const { code, out } = await run('kubectl version --client -o json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ clientVersion: { gitVersion: 'v1.32.5', platform: 'linux/amd64' }, kustomizeVersion: 'v5.5.0' });
  });

  // Same bytes as the real kubectl 1.32 (`kubectl gett`): suggestions in command registration order.
  it('reports an unknown kubectl command with cobra-style suggestions', async () => {
    const { code, out } = await run('kubectl gett pods');
    expect(code).toBe(1);
    expect(out).toBe('error: unknown command "gett" for "kubectl"\r\n\r\nDid you mean this?\r\n\tset\r\n\tget\r\n');
  });

  it('says bash\'s "command not found" with status 127 for unknown programs', async () => {
    expect(await run('kubeclt get pods')).toEqual({ code: 127, out: 'bash: kubeclt: command not found\r\n' });
  });

  it('reports an unterminated quote as bash does instead of running anything', async () => {
    const { code, out } = await run("echo 'oops");
    expect(code).toBe(2);
    expect(out).toContain('unexpected EOF');
  });

  it('keeps quoted words together', async () => {
    expect((await run('echo "a  b" \'c\'')).out).toBe('a  b c\r\n');
  });

  it('does not pretend a cluster exists when there is none', async () => {
    const { code, out } = await run('kubectl get pods');
    expect(code).toBe(1);
    expect(out).toContain('no cluster');
  });

  it('completes commands and kubectl subcommands', () => {
    const s = new TerminalSession();
    expect(s.complete('kub', 3)).toEqual({ start: 0, candidates: ['kubectl'] });
    expect(s.complete('kubectl ap', 10)).toEqual({ start: 8, candidates: ['api-resources', 'api-versions', 'apply'] });
  });
});

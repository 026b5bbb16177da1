import { describe, expect, it } from 'vitest';
import { lineKind, outputLines } from './output.ts';

const DIFF = `diff -u -N /tmp/LIVE-1/apps.v1.StatefulSet.default.web /tmp/MERGED-2/apps.v1.StatefulSet.default.web
--- /tmp/LIVE-1/apps.v1.StatefulSet.default.web\t2025-01-01 00:00:00.000000000 +0000
+++ /tmp/MERGED-2/apps.v1.StatefulSet.default.web\t2025-01-01 00:00:00.000000000 +0000
@@ -15,7 +15,7 @@
   podManagementPolicy: OrderedReady
-  replicas: 2
+  replicas: 3
   revisionHistoryLimit: 10
`;

describe('editor output', () => {
  it('colours a unified diff by line', () => {
    expect(outputLines(DIFF, true, 'web.yaml', []).map((l) => l.kind)).toEqual(['header', 'header', 'header', 'hunk', 'plain', 'del', 'add', 'plain']);
  });

  it('does not read apply output as a diff', () => {
    expect(lineKind('-  replicas: 2', false)).toBe('plain');
    expect(lineKind('statefulset.apps/web created', false)).toBe('plain');
    expect(lineKind('Error from server (BadRequest): error when creating "web.yaml": …', false)).toBe('error');
  });

  it('lists each marker with its file, line and column', () => {
    const lines = outputLines('service/nginx created\n', false, 'web.yaml', [
      { severity: 'error', message: 'unknown field "spec.replicaz"', startLineNumber: 16, startColumn: 3, endLineNumber: 16, endColumn: 14 },
    ]);
    expect(lines).toEqual([
      { kind: 'plain', text: 'service/nginx created' },
      { kind: 'error', text: 'web.yaml:16:3: unknown field "spec.replicaz"' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { createShimApi } from '../api/index.ts';
import { memoryFiles } from './files.ts';
import { kubectl, KubectlSession } from './kubectl.ts';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: backups.statecraft.dev
spec:
  group: statecraft.dev
  scope: Namespaced
  names: {plural: backups, kind: Backup, shortNames: [bk]}
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - {name: Claim, type: string, jsonPath: .spec.claim}
    - {name: Schedule, type: string, jsonPath: .spec.schedule, priority: 1}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [claim]
            properties:
              claim: {type: string}
              schedule: {type: string, default: "@daily"}
`;
const BACKUP = 'apiVersion: statecraft.dev/v1\nkind: Backup\nmetadata:\n  name: b1\nspec:\n  claim: data\n';

describe('our kubectl with custom resources', () => {
  it('applies a CRD, then gets its resources by short name with the declared columns', async () => {
    const transport = createShimApi({ seed: 'unit' });
    const session = new KubectlSession();
    const files = memoryFiles({ 'crd.yaml': CRD, 'b1.yaml': BACKUP, 'bad.yaml': BACKUP.replace('claim: data', 'claimed: data').replace('b1', 'b2') });
    const run = async (line: string): Promise<string> => {
      let out = '';
      const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t), interrupted: new Promise<void>(() => undefined), stdin: async () => '' };
      await kubectl(line.split(' '), { io, transport, files, session });
      return out;
    };
    expect(await run('apply -f crd.yaml')).toBe('customresourcedefinition.apiextensions.k8s.io/backups.statecraft.dev created\n');
    expect(await run('apply -f b1.yaml')).toBe('backup.statecraft.dev/b1 created\n');
    expect(await run('get bk -o wide')).toBe('NAME   CLAIM   SCHEDULE\nb1     data    @daily\n');
    expect(await run('get bk')).toBe('NAME   CLAIM\nb1     data\n');
    expect(await run('apply -f bad.yaml')).toBe(
      'Error from server (BadRequest): error when creating "bad.yaml": Backup in version "v1" cannot be handled as a Backup: strict decoding error: unknown field "spec.claimed"\n',
    );
    expect(await run('delete crd backups.statecraft.dev')).toBe('customresourcedefinition.apiextensions.k8s.io "backups.statecraft.dev" deleted\n');
    expect(await run('get crd')).toBe('No resources found\n');
  });
});

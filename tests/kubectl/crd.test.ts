import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

// A Backup of a PersistentVolumeClaim: namespaced, with a short name, printer columns
// (one only in -o wide), defaults, validation, and status and scale subresources.
const dir = mkdtempSync(join(tmpdir(), 'statecraft-crd-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const crd = file('backup-crd.yaml', `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: backups.statecraft.dev
spec:
  group: statecraft.dev
  scope: Namespaced
  names:
    plural: backups
    singular: backup
    kind: Backup
    shortNames: [bk]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.copies
        statusReplicasPath: .status.copies
    additionalPrinterColumns:
    - name: Claim
      type: string
      jsonPath: .spec.claim
    - name: Copies
      type: integer
      jsonPath: .spec.copies
    - name: Phase
      type: string
      jsonPath: .status.phase
    - name: Schedule
      type: string
      jsonPath: .spec.schedule
      priority: 1
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        description: A Backup copies a PersistentVolumeClaim's data on a schedule.
        properties:
          spec:
            type: object
            description: What to back up and how often.
            required: [claim]
            properties:
              claim:
                type: string
                description: The PersistentVolumeClaim to copy.
              schedule:
                type: string
                default: "@daily"
                pattern: '^(@(daily|hourly|weekly)|\\S+ \\S+ \\S+ \\S+ \\S+)$'
              copies:
                type: integer
                minimum: 1
                maximum: 10
                default: 3
              mode:
                type: string
                enum: [Snapshot, Copy]
          status:
            type: object
            properties:
              phase:
                type: string
              copies:
                type: integer
`);

const backups = file('backups.yaml', `apiVersion: statecraft.dev/v1
kind: Backup
metadata:
  name: www-web-0
spec:
  claim: www-web-0
  copies: 2
  mode: Snapshot
status:
  phase: Done
---
apiVersion: statecraft.dev/v1
kind: Backup
metadata:
  name: www-web-1
spec:
  claim: www-web-1
  schedule: "0 3 * * *"
`);

const invalid = file('invalid-backup.yaml', `apiVersion: statecraft.dev/v1
kind: Backup
metadata:
  name: broken
spec:
  copies: 0
  mode: Tape
`);

const unknownField = file('unknown-field.yaml', `apiVersion: statecraft.dev/v1
kind: Backup
metadata:
  name: retained
spec:
  claim: www-web-2
  retention: 7d
`);

const nonStructural = file('restore-crd.yaml', `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: restores.statecraft.dev
spec:
  group: statecraft.dev
  scope: Namespaced
  names:
    plural: restores
    kind: Restore
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            properties:
              from:
                type: string
`);

const misnamed = file('misnamed-crd.yaml', `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: restore.statecraft.dev
spec:
  group: statecraft.dev
  scope: Namespaced
  names:
    plural: restores
    kind: Restore
  versions:
  - name: v1
    served: true
    storage: false
`);

let cluster: ServedCluster;
beforeAll(async () => { cluster = await startServedCluster({ seed: 'crd' }); }, 30_000);
afterAll(async () => { await cluster?.close(); });

/** The resourceVersion `describe` prints moves with the cluster's background writes. */
const steady = (text: string): string => text.replace(/(Resource Version:\s+)\d+/g, '$1<RV>');

async function run(...commands: string[][]): Promise<string> {
  return steady(await transcript(cluster, commands));
}

suite('CustomResourceDefinitions with the real kubectl', () => {
  it('registers a CRD, serves its custom resources with printer columns, explain, describe and scale', async () => {
    const text = await run(
      ['apply', '-f', crd],
      ['wait', '--for=condition=Established', 'crd/backups.statecraft.dev', '--timeout=10s'],
      ['get', 'crd'],
      ['get', 'crd', 'backups.statecraft.dev', '-o', 'jsonpath={range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\\n"}{end}'],
      ['api-resources', '--api-group=statecraft.dev', '-o', 'wide'],
      ['apply', '-f', backups],
      ['get', 'bk'],
      ['get', 'backups.statecraft.dev', '-o', 'wide'],
      ['get', 'backup', 'www-web-0', '-o', 'jsonpath={.metadata.generation} {.spec} {.status}{"\\n"}'],
      ['explain', 'backup.spec'],
      ['describe', 'bk', 'www-web-1'],
      ['scale', 'backup', 'www-web-1', '--replicas=5'],
      ['patch', 'backup', 'www-web-1', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running","copies":4}}'],
      ['get', 'bk', 'www-web-1', '--subresource=scale', '-o', 'jsonpath={.spec.replicas}/{.status.replicas}{"\\n"}'],
      ['get', 'bk'],
    );
    const g = golden('crd-backups', text);
    expect(g.actual).toBe(g.expected);
  });

  it('refuses invalid custom resources and CRDs with the API server\'s messages', async () => {
    const text = await run(
      ['apply', '-f', invalid],
      ['apply', '-f', unknownField],
      ['apply', '--validate=warn', '-f', unknownField],
      ['get', 'bk', 'retained', '-o', 'jsonpath={.spec}{"\\n"}'],
      ['scale', 'bk', 'www-web-0', '--replicas=11'],
      ['apply', '-f', nonStructural],
      ['create', '-f', misnamed],
    );
    const g = golden('crd-errors', text);
    expect(g.actual).toBe(g.expected);
  });

  it('deleting the CRD deletes its custom resources and the type', async () => {
    const text = await run(
      ['delete', 'crd', 'backups.statecraft.dev'],
      ['get', 'crd'],
      ['api-resources', '--api-group=statecraft.dev'],
      // Created again, the type starts empty: the old Backups went with the old CRD.
      ['apply', '-f', crd],
      ['get', 'bk'],
    );
    const g = golden('crd-delete', text);
    expect(g.actual).toBe(g.expected);
  });
});

/**
 * Generates the Kubernetes JSON Schema used by the editor (completion, hovers,
 * validation) from `kubernetes-types`, whose TypeScript declarations carry the
 * upstream API descriptions. Output: src/generated/kubernetes.schema.json.
 *
 * Why per group-version runs: the generator names definitions by their bare
 * TypeScript name, and Kubernetes reuses names across groups (core/v1 and
 * discovery/v1 both have an EndpointPort). Each group-version is generated on
 * its own and every definition is renamed after the module that declares it.
 */
import { createGenerator } from 'ts-json-schema-generator';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyOverlays } from '../src/schemas/overlays.ts';
import { toOpenApiComponents } from '../src/schemas/openapi-components.ts';

type Json = Record<string, unknown>;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const typesRoot = join(root, 'node_modules/kubernetes-types');
const out = join(root, 'src/generated/kubernetes.schema.json');
const openapiOut = join(root, 'src/generated/openapi-components.json');

/** apiVersion → kubernetes-types module, and the kinds the course uses from it. */
const groups: Record<string, { module: string; kinds: string[] }> = {
  v1: {
    module: 'core/v1',
    kinds: ['Pod', 'Service', 'PersistentVolume', 'PersistentVolumeClaim', 'ConfigMap', 'Secret', 'Namespace', 'Node',
      'ServiceAccount', 'Endpoints', 'Event', 'LimitRange', 'ResourceQuota'],
  },
  'apps/v1': { module: 'apps/v1', kinds: ['StatefulSet', 'Deployment', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'] },
  'batch/v1': { module: 'batch/v1', kinds: ['Job', 'CronJob'] },
  'storage.k8s.io/v1': { module: 'storage/v1', kinds: ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'] },
  'policy/v1': { module: 'policy/v1', kinds: ['PodDisruptionBudget', 'Eviction'] },
  'autoscaling/v1': { module: 'autoscaling/v1', kinds: ['Scale'] },
  'events.k8s.io/v1': { module: 'events/v1', kinds: ['Event'] },
  'networking.k8s.io/v1': { module: 'networking/v1', kinds: ['NetworkPolicy', 'Ingress'] },
  'rbac.authorization.k8s.io/v1': { module: 'rbac/v1', kinds: ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'] },
  'discovery.k8s.io/v1': { module: 'discovery/v1', kinds: ['EndpointSlice'] },
  'coordination.k8s.io/v1': { module: 'coordination/v1', kinds: ['Lease'] },
  'apiextensions.k8s.io/v1': { module: 'apiextensions/v1', kinds: ['CustomResourceDefinition'] },
};

/** Which kubernetes-types modules export each type name. */
function exportIndex(): Map<string, string[]> {
  const index = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.d.ts')) {
        const module = relative(typesRoot, path).replace(/\.d\.ts$/, '');
        for (const m of readFileSync(path, 'utf8').matchAll(/^export (?:interface|type) (\w+)/gm)) {
          index.set(m[1]!, [...(index.get(m[1]!) ?? []), module]);
        }
      }
    }
  };
  walk(typesRoot);
  return index;
}

function qualify(name: string, ownModule: string, index: Map<string, string[]>): string {
  // Prefer the module being generated, then the stable shared ones; alpha and
  // beta groups reuse names of core types (resource/v1alpha2 ResourceClaim).
  const modules = (index.get(name) ?? []).filter((m) => m === ownModule || !/v\d+(alpha|beta)\d+$/.test(m));
  const module = modules.includes(ownModule) ? ownModule
    : modules.includes('core/v1') ? 'core/v1'
    : modules.length === 1 ? modules[0] : undefined;
  if (!module) throw new Error(`cannot tell which module declares ${name} (candidates: ${modules.join(', ') || 'none'})`);
  return `${module.replaceAll('/', '.')}.${name}`;
}

function rewriteRefs(node: unknown, rename: (name: string) => string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, rename));
  if (node && typeof node === 'object') {
    const copy: Json = {};
    for (const [k, v] of Object.entries(node)) {
      copy[k] = k === '$ref' && typeof v === 'string'
        ? `#/definitions/${rename(decodeURIComponent(v.replace('#/definitions/', '')))}`
        : rewriteRefs(v, rename);
    }
    return copy;
  }
  return node;
}

export function generate(): Json {
  const index = exportIndex();
  const definitions: Record<string, unknown> = {};
  const kinds: { apiVersion: string; kind: string; ref: string }[] = [];
  const tmpDir = join(root, 'node_modules/.cache/statecraft-schema');
  mkdirSync(tmpDir, { recursive: true });

  for (const [apiVersion, { module, kinds: names }] of Object.entries(groups)) {
    const entry = join(tmpDir, `${module.replace('/', '-')}.ts`);
    writeFileSync(entry, `import type * as m from 'kubernetes-types/${module}';\nexport interface Root {\n${names.map((k) => `  ${k}: m.${k};`).join('\n')}\n}\n`);
    const schema = createGenerator({
      path: entry, type: 'Root', tsconfig: join(root, 'tsconfig.json'), additionalProperties: false,
      skipTypeCheck: true, expose: 'all', topRef: true, jsDoc: 'extended', sortProps: true,
    }).createSchema('Root') as Json;
    const defs = (schema.definitions ?? {}) as Record<string, unknown>;
    const rename = (name: string) => qualify(name, module, index);
    for (const [name, def] of Object.entries(defs)) {
      if (name === 'Root') continue;
      definitions[rename(name)] = rewriteRefs(def, rename);
    }
    for (const kind of names) kinds.push({ apiVersion, kind, ref: rename(kind) });
  }

  applyOverlays(definitions);

  // A top-level document must say what it is; the same types nested elsewhere
  // (a PVC inside volumeClaimTemplates) must not, so `required` goes on copies.
  const topLevel = kinds.map(({ apiVersion, kind, ref }) => {
    const def = structuredClone(definitions[ref]) as Json;
    def.required = [...new Set([...((def.required as string[]) ?? []), 'apiVersion', 'kind'])];
    definitions[`top.${ref}`] = def;
    return {
      if: { properties: { apiVersion: { const: apiVersion }, kind: { const: kind } }, required: ['apiVersion', 'kind'] },
      then: { $ref: `#/definitions/top.${ref}` },
    };
  });

  return {
    'x-statecraft-kinds': kinds,
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://statecraft.dev/schemas/kubernetes.json',
    title: 'Kubernetes object',
    description: 'A Kubernetes object of a kind Statecraft knows (Kubernetes v1.32 API).',
    type: 'object',
    required: ['apiVersion', 'kind'],
    properties: {
      apiVersion: { type: 'string', examples: [...new Set(kinds.map((k) => k.apiVersion))], description: 'The API group and version of this object, e.g. apps/v1.' },
      // examples, not enum: custom resources have kinds this list cannot know.
      kind: { type: 'string', examples: kinds.map((k) => k.kind), description: 'The kind of object, e.g. StatefulSet.' },
    },
    allOf: topLevel,
    definitions,
  };
}

/** The output is up to date when it is newer than everything it is made from. */
function upToDate(): boolean {
  if (!existsSync(out) || process.argv.includes('--force')) return false;
  if (!existsSync(openapiOut)) return false;
  const inputs = [fileURLToPath(import.meta.url), join(root, 'src/schemas/overlays.ts'), join(root, 'src/schemas/openapi-components.ts'),
    join(root, 'src/api/patch/merge-keys-builtin.ts'), join(typesRoot, 'package.json')];
  const built = Math.min(statSync(out).mtimeMs, statSync(openapiOut).mtimeMs);
  return inputs.every((input) => statSync(input).mtimeMs < built);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (upToDate()) process.exit(0);
  const started = performance.now();
  const schema = generate();
  mkdirSync(dirname(out), { recursive: true });
  const text = JSON.stringify(schema);
  writeFileSync(out, text);
  writeFileSync(openapiOut, JSON.stringify(toOpenApiComponents(schema)));
  console.log(`kubernetes schema: ${Object.keys(schema.definitions as Json).length} definitions, ${(text.length / 1024).toFixed(0)} KiB, ${(performance.now() - started).toFixed(0)} ms`);
}

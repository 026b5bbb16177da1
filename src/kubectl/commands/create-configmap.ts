/**
 * `kubectl create configmap|cm NAME [--from-literal] [--from-file] [--from-env-file] [--append-hash]`.
 * K:staging/src/k8s.io/kubectl/pkg/cmd/create/create_configmap.go,
 * K:staging/src/k8s.io/kubectl/pkg/util/hash/hash.go
 */
import { base64 } from '../../api/protobuf/go-json.ts';
import type { KObject, ResourceRef } from '../client.ts';
import { bool, list, type Command, type Invocation } from '../command.ts';
import { toJson } from '../printers/json.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { addEnvFiles, addFiles, addLiterals, decodeUtf8, isValidUtf8, type DataSink } from './create-data-sources.ts';
import { isConfigMapKey } from '../../shim/validation.ts';
import { GENERATOR_FLAGS, objectMeta, runGenerator } from './create-object.ts';

const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

export const SOURCE_FLAGS = [
  { name: 'from-file', type: 'stringSlice' as const },
  { name: 'from-literal', type: 'stringArray' as const },
  { name: 'from-env-file', type: 'stringSlice' as const },
  { name: 'append-hash', type: 'bool' as const },
];

/** Validate(): an env file replaces the other sources. */
export function checkSources(inv: Invocation): void {
  if (list(inv.flags, 'from-env-file').length > 0 && (list(inv.flags, 'from-file').length > 0 || list(inv.flags, 'from-literal').length > 0)) {
    throw new Error('from-env-file cannot be combined with from-file or from-literal');
  }
}

/** encodeHash: the first ten hex digits of the SHA-256, vowel-like digits swapped for consonants. */
export function nameHash(encoded: string): string {
  const swap: Record<string, string> = { 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' };
  return [...bytesToHex(sha256(new TextEncoder().encode(encoded))).slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

export const createConfigMapCommand: Command = {
  name: 'configmap',
  aliases: ['cm'],
  flags: [...GENERATOR_FLAGS, ...SOURCE_FLAGS],
  run: (inv) => runGenerator(inv, () => checkSources(inv), {
    ref: CONFIGMAPS,
    failure: 'failed to create configmap: ',
    async build(name) {
      const data: Record<string, string> = {};
      const binary: Record<string, Uint8Array> = {};
      const check = (key: string) => {
        const errs = isConfigMapKey(key);
        if (errs.length > 0) throw new Error(`${JSON.stringify(key)} is not a valid key name for a ConfigMap: ${errs.join(',')}`);
        if (key in data) throw new Error(`cannot add key ${JSON.stringify(key)}, another key by that name already exists in Data for ConfigMap ${JSON.stringify(name)}`);
        if (key in binary) throw new Error(`cannot add key ${JSON.stringify(key)}, another key by that name already exists in BinaryData for ConfigMap ${JSON.stringify(name)}`);
      };
      const sink: DataSink = {
        addText(key, value) { check(key); data[key] = value; },
        addBytes(key, value) { check(key); binary[key] = value; },
      };
      // Files first, then literals, then env files, as createConfigMap adds them.
      await addFiles(sink, inv.ctx.files, list(inv.flags, 'from-file'), (key, bytes) => {
        if (isValidUtf8(bytes)) sink.addText(key, decodeUtf8(bytes));
        else sink.addBytes(key, bytes);
      });
      addLiterals(sink, list(inv.flags, 'from-literal'));
      await addEnvFiles(sink, inv.ctx.files, list(inv.flags, 'from-env-file'), 'config');
      const sortedData = Object.fromEntries(Object.keys(data).sort().map((k) => [k, data[k]!]));
      const binaryData = Object.fromEntries(Object.keys(binary).sort().map((k) => [k, base64(binary[k]!)]));
      const hasBinary = Object.keys(binaryData).length > 0;
      let finalName = name;
      if (bool(inv.flags, 'append-hash')) {
        const encoded = toJson({ kind: 'ConfigMap', name, data: sortedData, ...(hasBinary ? { binaryData } : {}) }, '');
        finalName = `${name}-${nameHash(encoded)}`;
      }
      return {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: objectMeta(inv, finalName),
        ...(Object.keys(sortedData).length > 0 ? { data: sortedData } : {}),
        ...(hasBinary ? { binaryData } : {}),
      } as KObject;
    },
  }),
};

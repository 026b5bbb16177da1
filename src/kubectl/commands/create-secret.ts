/**
 * `kubectl create secret generic|tls|docker-registry NAME`.
 * K:staging/src/k8s.io/kubectl/pkg/cmd/create/create_secret.go,
 * create_secret_tls.go, create_secret_docker.go; crypto/tls.X509KeyPair for the PEM checks.
 */
import { base64 } from '../../api/protobuf/go-json.ts';
import type { KObject, ResourceRef } from '../client.ts';
import { bool, list, str, type Command, type Invocation } from '../command.ts';
import { toJson } from '../printers/json.ts';
import { addEnvFiles, addFiles, addLiterals, readBytes, type DataSink } from './create-data-sources.ts';
import { isConfigMapKey } from '../../shim/validation.ts';
import { checkSources, nameHash, SOURCE_FLAGS } from './create-configmap.ts';
import { commandGroup, GENERATOR_FLAGS, objectMeta, runGenerator } from './create-object.ts';

const SECRETS: ResourceRef = { group: '', version: 'v1', resource: 'secrets', namespaced: true };

/** A Secret's data as newSecretObj and addKeyFromLiteralToSecret build it. */
class SecretData implements DataSink {
  readonly data = new Map<string, Uint8Array>();

  addText(key: string, value: string): void {
    this.addBytes(key, new TextEncoder().encode(value));
  }

  addBytes(key: string, value: Uint8Array): void {
    const errs = isConfigMapKey(key);
    if (errs.length > 0) throw new Error(`${JSON.stringify(key)} is not valid key name for a Secret ${errs.join(';')}`);
    if (this.data.has(key)) throw new Error(`cannot add key ${key}, another key by that name already exists`);
    this.data.set(key, value);
  }

  /** The Secret, its name suffixed with hash.SecretHash under --append-hash. */
  secret(inv: Invocation, name: string, type: string): KObject {
    const data = Object.fromEntries([...this.data.keys()].sort().map((k) => [k, base64(this.data.get(k)!)]));
    const finalName = bool(inv.flags, 'append-hash') ? `${name}-${nameHash(toJson({ kind: 'Secret', type, name, data }, ''))}` : name;
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: objectMeta(inv, finalName),
      ...(this.data.size > 0 ? { data } : {}),
      ...(type !== '' ? { type } : {}),
    } as KObject;
  }
}

const generic: Command = {
  name: 'generic',
  flags: [...GENERATOR_FLAGS, ...SOURCE_FLAGS, { name: 'type', type: 'string' }],
  run: (inv) => runGenerator(inv, () => checkSources(inv), {
    ref: SECRETS,
    failure: 'failed to create secret: ',
    async build(name) {
      const data = new SecretData();
      // Literals first, then files, then env files, as createSecret adds them.
      addLiterals(data, list(inv.flags, 'from-literal'));
      await addFiles(data, inv.ctx.files, list(inv.flags, 'from-file'), (key, bytes) => data.addBytes(key, bytes));
      await addEnvFiles(data, inv.ctx.files, list(inv.flags, 'from-env-file'), 'secret');
      return data.secret(inv, name, str(inv.flags, 'type'));
    },
  }),
};

/** PEM block types in order, as encoding/pem.Decode finds them. */
function pemBlockTypes(text: string): string[] {
  return [...text.matchAll(/-----BEGIN ([^\n-]*)-----\r?\n[\s\S]*?-----END \1-----/g)].map((m) => m[1]!);
}

/** The PEM half of tls.X509KeyPair (the key is not checked against the certificate). */
function checkKeyPair(cert: string, key: string): void {
  const certTypes = pemBlockTypes(cert);
  if (!certTypes.includes('CERTIFICATE')) {
    if (certTypes.length === 0) throw new Error('tls: failed to find any PEM data in certificate input');
    if (certTypes.length === 1 && certTypes[0]!.endsWith('PRIVATE KEY')) throw new Error('tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched');
    throw new Error(`tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${certTypes.join(' ')}]`);
  }
  const keyTypes = pemBlockTypes(key);
  const at = keyTypes.findIndex((t) => t === 'PRIVATE KEY' || t.endsWith(' PRIVATE KEY'));
  if (at < 0) {
    if (keyTypes.length === 0) throw new Error('tls: failed to find any PEM data in key input');
    if (keyTypes.length === 1 && keyTypes[0] === 'CERTIFICATE') throw new Error('tls: found a certificate rather than a key in the PEM for the private key');
    throw new Error(`tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${keyTypes.join(' ')}]`);
  }
}

async function readFileOrFail(inv: Invocation, path: string): Promise<Uint8Array> {
  const type = await inv.ctx.files?.stat(path);
  if (type === undefined) throw new Error(`Cannot read file ${path}, open ${path}: no such file or directory`);
  if (type === 'dir') throw new Error(`Cannot read file ${path}, read ${path}: is a directory`);
  return readBytes(inv.ctx.files!, path);
}

const tls: Command = {
  name: 'tls',
  flags: [...GENERATOR_FLAGS, { name: 'cert', type: 'string' }, { name: 'key', type: 'string' }, { name: 'append-hash', type: 'bool' }],
  run: (inv) => runGenerator(inv, () => {
    if (str(inv.flags, 'key') === '' || str(inv.flags, 'cert') === '') throw new Error('key and cert must be specified');
  }, {
    ref: SECRETS,
    failure: 'failed to create secret: ',
    async build(name) {
      const cert = await readFileOrFail(inv, str(inv.flags, 'cert'));
      const key = await readFileOrFail(inv, str(inv.flags, 'key'));
      checkKeyPair(new TextDecoder().decode(cert), new TextDecoder().decode(key));
      const data = new SecretData();
      data.data.set('tls.crt', cert);
      data.data.set('tls.key', key);
      return data.secret(inv, name, 'kubernetes.io/tls');
    },
  }),
};

const DOCKER_HUB = 'https://index.docker.io/v1/';

const dockerRegistry: Command = {
  name: 'docker-registry',
  flags: [
    ...GENERATOR_FLAGS,
    { name: 'docker-username', type: 'string' }, { name: 'docker-password', type: 'string' },
    { name: 'docker-email', type: 'string' }, { name: 'docker-server', type: 'string' },
    { name: 'append-hash', type: 'bool' }, { name: 'from-file', type: 'stringSlice' },
  ],
  run: (inv) => {
    const server = inv.changed.has('docker-server') ? str(inv.flags, 'docker-server') : DOCKER_HUB;
    const [username, password, email] = ['docker-username', 'docker-password', 'docker-email'].map((f) => str(inv.flags, f)) as [string, string, string];
    const fromFiles = list(inv.flags, 'from-file');
    return runGenerator(inv, () => {
      if (fromFiles.length === 0 && (username === '' || password === '' || server === '')) {
        throw new Error('either --from-file or the combination of --docker-username, --docker-password and --docker-server is required');
      }
    }, {
      ref: SECRETS,
      failure: 'failed to create secret ',
      async build(name) {
        const data = new SecretData();
        if (fromFiles.length > 0) {
          await addFiles(data, inv.ctx.files, fromFiles, (key, bytes) => data.addBytes(key, bytes));
        } else {
          // DockerConfigEntry's fields are all omitempty.
          const entry = Object.fromEntries(Object.entries({ username, password, email, auth: base64(new TextEncoder().encode(`${username}:${password}`)) }).filter(([, v]) => v !== ''));
          data.data.set('.dockerconfigjson', new TextEncoder().encode(toJson({ auths: { [server]: entry } }, '', false)));
        }
        return data.secret(inv, name, 'kubernetes.io/dockerconfigjson');
      },
    });
  },
};

const SECRET_HELP = `Create a secret with specified type.

 A docker-registry type secret is for accessing a container registry.

 A generic type secret indicate an Opaque secret type.

 A tls type secret holds TLS certificate and its associated key.

Available Commands:
  docker-registry   Create a secret for use with a Docker registry
  generic           Create a secret from a local file, directory, or literal value
  tls               Create a TLS secret

Usage:
  kubectl create secret (docker-registry | generic | tls) [options]

Use "kubectl create secret <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const createSecretCommand = commandGroup('secret', [], [dockerRegistry, generic, tls], SECRET_HELP);

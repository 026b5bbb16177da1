/**
 * `application/vnd.kubernetes.protobuf` request bodies, which kubectl's typed
 * commands send (`create configmap|deployment|…`, `run`, `expose`, `drain`):
 * the magic `k8s\0`, then a runtime.Unknown {typeMeta, raw, contentEncoding,
 * contentType} whose raw is the object's k8s.io/api protobuf encoding. Decoded
 * here into the object JSON would have given, so the JSON path's decoding,
 * admission and storage run unchanged. Pure TypeScript: the worker uses it too.
 * K:staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go
 */
import { decodeMessage, hasMessage, nested, MAX_DEPTH } from './message.ts';
import { KINDS } from './table.generated.ts';
import { ProtobufError, Reader, readKey, WIRE_BYTES } from './wire.ts';

export { ProtobufError } from './wire.ts';
export { decodeMessage } from './message.ts';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

const decoder = new TextDecoder('utf-8');

function apiVersionOf(gvk: Pick<GroupVersionKind, 'group' | 'version'>): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The message of a kind, if it has a protobuf encoding (custom resources have none). */
function messageFor(apiVersion: string, kind: string): string | undefined {
  return KINDS[`${apiVersion}/${kind}`] ?? KINDS[`*/${kind}`];
}

/** Whether the API server accepts protobuf bodies for this kind (built-in kinds only). */
export function hasProtobuf(gvk: GroupVersionKind): boolean {
  const name = messageFor(apiVersionOf(gvk), gvk.kind);
  return name !== undefined && hasMessage(name);
}

/** Reads the `k8s\0` + runtime.Unknown envelope. */
export function readEnvelope(body: Uint8Array): Envelope {
  if (body.length === 0) throw new ProtobufError('empty data');
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufError(`provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(' ')}]`);
  }
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '', contentType: '' };
  const r = new Reader(body, MAGIC.length);
  while (!r.done) {
    const { field, wireType } = readKey(r, 'Unknown');
    if (field >= 1 && field <= 4 && wireType !== WIRE_BYTES) {
      throw new ProtobufError(`proto: wrong wireType = ${wireType} for field ${['TypeMeta', 'Raw', 'ContentEncoding', 'ContentType'][field - 1]}`);
    }
    if (field === 1) readTypeMeta(r.bytes(), env);
    else if (field === 2) env.raw = r.bytes();
    else if (field === 3) env.contentEncoding = decoder.decode(r.bytes());
    else if (field === 4) env.contentType = decoder.decode(r.bytes());
    else r.skip(wireType);
  }
  return env;
}

function readTypeMeta(bytes: Uint8Array, env: Envelope): void {
  const r = new Reader(bytes);
  while (!r.done) {
    const { field, wireType } = readKey(r, 'TypeMeta');
    if ((field === 1 || field === 2) && wireType !== WIRE_BYTES) {
      throw new ProtobufError(`proto: wrong wireType = ${wireType} for field ${field === 1 ? 'APIVersion' : 'Kind'}`);
    }
    if (field === 1) env.apiVersion = decoder.decode(r.bytes());
    else if (field === 2) env.kind = decoder.decode(r.bytes());
    else r.skip(wireType);
  }
}

/** The envelope's kind with the endpoint's filling what it leaves out (gvkWithDefaults upstream). */
function withDefaults(env: Envelope, into: GroupVersionKind): GroupVersionKind {
  const actual = { ...parseApiVersion(env.apiVersion), kind: env.kind };
  if (env.apiVersion === '') actual.version = '';
  if (actual.kind === '') actual.kind = into.kind;
  if (actual.version === '' && actual.group === '') {
    actual.group = into.group;
    actual.version = into.version;
  }
  if (actual.version === '' && actual.group === into.group) actual.version = into.version;
  return actual;
}

/** Decodes an envelope's object; its kind must be in the table. */
function decodeObject(env: Envelope, gvk: GroupVersionKind, depth: number): Record<string, unknown> {
  const apiVersion = apiVersionOf(gvk);
  const name = messageFor(apiVersion, gvk.kind);
  if (name === undefined) {
    throw new ProtobufError(`no kind "${gvk.kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  }
  // TypeMeta travels in the envelope; JSON has it first (kind, then apiVersion).
  return { kind: gvk.kind, apiVersion, ...decodeMessage(name, env.raw, depth) };
}

nested.decode = (bytes, depth) => {
  if (depth > MAX_DEPTH) throw new ProtobufError(`proto: exceeded max nesting depth ${MAX_DEPTH}`);
  const env = readEnvelope(bytes);
  if (env.kind === '' || env.apiVersion === '') throw new ProtobufError(`Object 'Kind' is missing in '${env.kind}'`);
  return decodeObject(env, { ...parseApiVersion(env.apiVersion), kind: env.kind }, depth);
};

/**
 * A protobuf request body as the JSON object the same request in JSON would carry,
 * for an endpoint that expects `into`. Errors carry the API server's BadRequest
 * message (`ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF`).
 */
export function decodeProtobuf(body: Uint8Array, into: GroupVersionKind): Record<string, unknown> {
  let env: Envelope;
  try {
    env = readEnvelope(body);
  } catch (error) {
    if (!(error instanceof ProtobufError)) throw error;
    // transformDecodeError without a kind: summarizeData(body, 30), text for JSON, else hex.
    const head = body.subarray(0, 30);
    const text = body[0] === 0x7b ? decoder.decode(head) : Array.from(head, (b) => b.toString(16).padStart(2, '0')).join('');
    const summary = body.length === 0 ? '<empty>' : body.length > 30 ? `${text} ...` : text;
    throw new ProtobufError(`the object provided is unrecognized (${summary}): ${error.message}`);
  }
  const gvk = withDefaults(env, into);
  try {
    return decodeObject(env, gvk, 0);
  } catch (error) {
    if (!(error instanceof ProtobufError)) throw error;
    throw new ProtobufError(`${gvk.kind} in version "${gvk.version}" cannot be handled as a ${into.kind}: ${error.message}`);
  }
}

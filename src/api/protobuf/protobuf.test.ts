import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeProtobuf, ProtobufError, readEnvelope, type GroupVersionKind } from './index.ts';

// Bodies the real kubectl 1.32 sent (scripts/protobuf/capture-kubectl.ts), each with the
// JSON kubectl prints for the same command with `-o json --dry-run=client`.
const dir = join(import.meta.dirname, 'fixtures');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.pb')).sort().map((f) => ({
  name: f.replace(/\.pb$/, ''),
  body: new Uint8Array(readFileSync(join(dir, f))),
  meta: JSON.parse(readFileSync(join(dir, f.replace(/\.pb$/, '.json')), 'utf8')) as { command: string[]; json?: unknown },
}));

function intoOf(body: Uint8Array): GroupVersionKind {
  const env = readEnvelope(body);
  const [group, version] = env.apiVersion.includes('/') ? env.apiVersion.split('/') as [string, string] : ['', env.apiVersion];
  return { group, version, kind: env.kind };
}

// ---- a small encoder for hand-made bodies ------------------------------------

type Bytes = number[];
function varint(n: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: Bytes = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}
const utf8 = (s: string): Bytes => [...new TextEncoder().encode(s)];
const len = (field: number, payload: Bytes | string): Bytes => {
  const p = typeof payload === 'string' ? utf8(payload) : payload;
  return [...varint((field << 3) | 2), ...varint(p.length), ...p];
};
const num = (field: number, n: number | bigint): Bytes => [...varint(field << 3), ...varint(n)];
const envelope = (apiVersion: string, kind: string, raw: Bytes): Uint8Array =>
  Uint8Array.from([0x6b, 0x38, 0x73, 0, ...len(1, [...len(1, apiVersion), ...len(2, kind)]), ...len(2, raw)]);
const meta = (name: string): Bytes => len(1, len(1, name));

const CONFIGMAP = { group: '', version: 'v1', kind: 'ConfigMap' };
const POD = { group: '', version: 'v1', kind: 'Pod' };

describe('protobuf bodies from the real kubectl', () => {
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(20));

  for (const f of fixtures.filter((x) => x.meta.json !== undefined)) {
    it(`${f.meta.command.slice(1).join(' ')} decodes to kubectl's JSON, key order included`, () => {
      expect(JSON.stringify(decodeProtobuf(f.body, intoOf(f.body)))).toBe(JSON.stringify(f.meta.json));
    });
  }

  it('keeps a pointer set to zero and drops zero omitempty scalars', () => {
    const f = fixtures.find((x) => x.name === 'create-deployment-zero')!;
    const obj = decodeProtobuf(f.body, intoOf(f.body)) as { spec: { replicas: number; template: { spec: { containers: Record<string, unknown>[] } } } };
    expect(obj.spec.replicas).toBe(0);
    expect(obj.spec.template.spec.containers[0]).toEqual({ name: 'busybox', image: 'busybox', command: ['sleep', '3600'], resources: {} });
  });

  it('decodes a TokenRequest (create token prints no JSON to compare with)', () => {
    const f = fixtures.find((x) => x.name === 'create-token')!;
    expect(decodeProtobuf(f.body, intoOf(f.body))).toEqual({
      kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null },
      spec: { audiences: ['api'], expirationSeconds: 600, boundObjectRef: null },
      status: { token: '', expirationTimestamp: null },
    });
  });

  it('decodes the DeleteOptions of drain --disable-eviction (a meta/v1 kind, valid in any group version)', () => {
    const f = fixtures.find((x) => x.name === 'drain-disable-eviction')!;
    expect(JSON.stringify(decodeProtobuf(f.body, { group: '', version: 'v1', kind: 'DeleteOptions' })))
      .toBe('{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":7}');
  });
});

describe('protobuf decoding', () => {
  it('fills a missing typeMeta from the endpoint', () => {
    const body = Uint8Array.from([0x6b, 0x38, 0x73, 0, ...len(2, meta('x'))]);
    expect(decodeProtobuf(body, CONFIGMAP)).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x', creationTimestamp: null } });
  });

  it('writes Time and MicroTime as the API does, and the zero time as null', () => {
    const ts = (s: number, n = 0) => [...num(1, s), ...(n ? num(2, n) : [])];
    const event = envelope('v1', 'Event', [
      ...len(1, [...len(1, 'e'), ...len(8, [])]),
      ...len(6, ts(1767225600)),
      ...len(10, ts(1767225600, 123456789)),
    ]);
    const obj = decodeProtobuf(event, { group: '', version: 'v1', kind: 'Event' }) as Record<string, unknown>;
    expect(obj.metadata).toEqual({ name: 'e', creationTimestamp: null });
    expect(obj.firstTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(obj.lastTimestamp).toBeNull();
    expect(obj.eventTime).toBe('2026-01-01T00:00:00.123456Z');
  });

  it('reads repeated varints packed and unpacked, and negative int32s', () => {
    const securityContext = [...num(4, 1), ...num(4, 2), ...len(4, [...varint(3), ...varint(4)]), ...num(2, -1)];
    const pod = envelope('v1', 'Pod', [...meta('p'), ...len(2, len(14, securityContext))]);
    const obj = decodeProtobuf(pod, POD) as { spec: { securityContext: unknown } };
    expect(obj.spec.securityContext).toEqual({ runAsUser: -1, supplementalGroups: [1, 2, 3, 4] });
  });

  it('skips unknown fields of every wire type, groups included', () => {
    const unknown = [...num(99, 5), ...varint((98 << 3) | 1), 1, 2, 3, 4, 5, 6, 7, 8, ...len(97, 'zz'),
      ...varint((96 << 3) | 3), ...num(1, 1), ...varint((96 << 3) | 4), ...varint((95 << 3) | 5), 1, 2, 3, 4];
    const body = envelope('v1', 'ConfigMap', [...meta('x'), ...unknown]);
    expect(decodeProtobuf(body, CONFIGMAP)).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x', creationTimestamp: null } });
  });

  it('sorts map keys as Go does, lets the last duplicate win and keeps __proto__ a plain key', () => {
    const entry = (k: string, v: string) => len(2, [...len(1, k), ...len(2, v)]);
    const body = envelope('v1', 'ConfigMap', [...meta('x'), ...entry('b', '1'), ...entry('a', '1'), ...entry('b', '2'), ...entry('__proto__', 'p'), ...len(2, len(1, 'novalue'))]);
    const data = (decodeProtobuf(body, CONFIGMAP) as { data: Record<string, string> }).data;
    expect(Object.keys(data)).toEqual(['__proto__', 'a', 'b', 'novalue']);
    expect(data.b).toBe('2');
    expect(data.novalue).toBe('');
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('merges a message sent in several parts, as protobuf does', () => {
    const body = envelope('v1', 'ConfigMap', [...len(1, len(1, 'x')), ...len(1, len(3, 'ns'))]);
    expect((decodeProtobuf(body, CONFIGMAP) as { metadata: unknown }).metadata).toEqual({ name: 'x', namespace: 'ns', creationTimestamp: null });
  });

  it('writes RawExtensions as their JSON, or as the object of a nested envelope', () => {
    const nested = [...envelope('v1', 'ConfigMap', meta('inner'))];
    const json = (raw: Bytes | string) => envelope('apps/v1', 'ControllerRevision', [...meta('r'), ...len(2, len(1, raw)), ...num(3, 2)]);
    const into = { group: 'apps', version: 'v1', kind: 'ControllerRevision' };
    expect((decodeProtobuf(json('{"spec":{"a":1}}'), into) as { data: unknown }).data).toEqual({ spec: { a: 1 } });
    expect((decodeProtobuf(json(nested), into) as { data: unknown }).data).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'inner', creationTimestamp: null } });
    expect(() => decodeProtobuf(json('{nope'), into)).toThrow(/cannot be handled as a ControllerRevision: json: error calling MarshalJSON/);
  });

  it('decodes an envelope of another kind as that kind (the handler then refuses the mismatch)', () => {
    const secret = envelope('v1', 'Secret', [...meta('s'), ...len(2, [...len(1, 'k'), ...len(2, [0xff, 0])])]);
    expect(decodeProtobuf(secret, CONFIGMAP)).toEqual({ kind: 'Secret', apiVersion: 'v1', metadata: { name: 's', creationTimestamp: null }, data: { k: '/wA=' } });
  });
});

describe('malformed protobuf bodies', () => {
  const message = (body: Uint8Array, into = CONFIGMAP): string => {
    try {
      decodeProtobuf(body, into);
    } catch (error) {
      expect(error).toBeInstanceOf(ProtobufError);
      return (error as Error).message;
    }
    return 'decoded';
  };

  it('words errors as the API server does', () => {
    expect(message(new Uint8Array(0))).toBe('the object provided is unrecognized (<empty>): empty data');
    expect(message(new TextEncoder().encode('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x"}}')))
      .toBe('the object provided is unrecognized ({"kind":"ConfigMap","apiVersio ...): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
    expect(message(Uint8Array.from([1, 2, 3]))).toBe('the object provided is unrecognized (010203): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
    expect(message(envelope('v1', 'ConfigMap', [...meta('x')]).subarray(0, 20))).toBe('the object provided is unrecognized (6b3873000a0f0a0276311209436f6e6669674d61): unexpected EOF');
    expect(message(envelope('v1', 'ConfigMap', [...len(1, [...varint(1 << 3), ...varint(5)])]))).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field Name');
    expect(message(envelope('v1', 'ConfigMap', [...num(4, 1), ...len(4, 'x')]))).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: wrong wireType = 2 for field Immutable');
    expect(message(envelope('v1', 'ConfigMap', [2, 1, 0]))).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: ConfigMap: illegal tag 0 (wire type 2)');
    expect(message(envelope('v1', 'ConfigMap', [0x0c]))).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: ConfigMap: wiretype end group for non-group');
    expect(message(envelope('v1', 'ConfigMap', [...varint(1 << 3 | 2), ...varint(-1)]))).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: negative length found during unmarshaling');
    expect(message(envelope('v1', 'ConfigMap', [...varint(1 << 3 | 2), ...varint(2n ** 40n)]))).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF');
    expect(message(envelope('v1', 'ConfigMap', [...varint(9 << 3), ...Array(10).fill(0xff), 1]))).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: integer overflow');
    expect(message(envelope('v1', 'ConfigMap', [...varint((9 << 3) | 7)]))).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: illegal wireType 7');
    expect(message(envelope('v1', 'Bogus', []))).toBe('Bogus in version "v1" cannot be handled as a ConfigMap: no kind "Bogus" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"');
    expect(message(envelope('v1', 'Service', [...len(2, len(1, num(1, 2)))]), { group: '', version: 'v1', kind: 'Service' }))
      .toBe('Service in version "v1" cannot be handled as a Service: proto: wrong wireType = 0 for field Name');
  });

  it('never fails other than with a decode error: every truncation of every captured body', () => {
    for (const f of fixtures) {
      const into = intoOf(f.body);
      for (let n = 0; n < f.body.length; n++) message(f.body.subarray(0, n), into);
    }
  });

  it('never fails other than with a decode error: bit flips and random garbage', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    for (const f of fixtures) {
      const into = intoOf(f.body);
      for (let i = 0; i < 200; i++) {
        const copy = f.body.slice();
        const at = 4 + Math.floor(random() * (copy.length - 4));
        copy[at]! ^= 1 << Math.floor(random() * 8);
        message(copy, into);
      }
    }
    for (let i = 0; i < 2000; i++) {
      const garbage = Uint8Array.from({ length: 4 + Math.floor(random() * 200) }, () => Math.floor(random() * 256));
      garbage.set([0x6b, 0x38, 0x73, 0], 0);
      message(garbage, i % 2 ? CONFIGMAP : POD);
    }
  });

  it('refuses envelopes nested without end', () => {
    let body: Bytes = [...envelope('v1', 'ConfigMap', meta('leaf'))];
    for (let i = 0; i < 200; i++) body = [...envelope('v1', 'List', len(2, len(1, body)))];
    expect(message(Uint8Array.from(body), { group: '', version: 'v1', kind: 'List' })).toMatch(/exceeded max nesting depth/);
  });

  it('decodes a large body quickly', () => {
    const entries: Bytes = [];
    for (let i = 0; i < 20_000; i++) entries.push(...len(2, [...len(1, `key-${i}`), ...len(2, 'v'.repeat(50))]));
    const body = envelope('v1', 'ConfigMap', [...meta('big'), ...entries]);
    const started = performance.now();
    const obj = decodeProtobuf(body, CONFIGMAP) as { data: object };
    expect(Object.keys(obj.data)).toHaveLength(20_000);
    // Linear, not quadratic: about 50 ms on a laptop; generous for a busy CI machine.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

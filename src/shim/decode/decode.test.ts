import { describe, expect, it } from 'vitest';
import { isStatusError } from '../errors.ts';
import { decodeObject, parseQuantity, type ExpectedKind, type FieldValidation } from './index.ts';

const STS: ExpectedKind = { group: 'apps', version: 'v1', kind: 'StatefulSet' };
const POD: ExpectedKind = { group: '', version: 'v1', kind: 'Pod' };

function fail(body: unknown, expected = STS, mode: FieldValidation = 'Strict'): { code: number; message: string } {
  try {
    decodeObject(body, expected, mode);
  } catch (e) {
    if (isStatusError(e)) return { code: e.code, message: e.status.message ?? '' };
    throw e;
  }
  throw new Error('expected a decoding error');
}

const sts = (spec: string, meta = '{"name":"web"}'): string =>
  `{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":${meta},"spec":${spec}}`;

describe('decodeObject: field validation', () => {
  it('rejects unknown fields in Strict mode with kubectl-visible text', () => {
    expect(fail(sts('{"replicaz":3}'))).toEqual({
      code: 400,
      message: 'StatefulSet in version "v1" cannot be handled as a StatefulSet: strict decoding error: unknown field "spec.replicaz"',
    });
  });

  it('lists several unknown fields in document order, with array indices', () => {
    const body = sts('{"replicaz":3,"template":{"spec":{"containers":[{"name":"a","imagee":"x"}]}}}', '{"name":"web","foo":1}');
    expect(fail(body).message).toBe(
      'StatefulSet in version "v1" cannot be handled as a StatefulSet: strict decoding error: unknown field "metadata.foo", unknown field "spec.replicaz", unknown field "spec.template.spec.containers[0].imagee"',
    );
  });

  it('warns in Warn mode and prunes in both Warn and Ignore modes', () => {
    const warned = decodeObject(sts('{"replicaz":3,"replicas":2}'), STS, 'Warn');
    expect(warned.warnings).toEqual(['unknown field "spec.replicaz"']);
    expect(warned.object.spec).toEqual({ replicas: 2 });
    const ignored = decodeObject(sts('{"replicaz":3}'), STS, 'Ignore');
    expect(ignored.warnings).toEqual([]);
    expect(ignored.object.spec).toEqual({});
  });

  it('is case-sensitive, as sigs.k8s.io/json is', () => {
    expect(fail(sts('{"Replicas":3}')).message).toContain('unknown field "spec.Replicas"');
  });

  it('reports duplicate fields from the raw text (map keys too); last value wins otherwise', () => {
    const body = sts('{"replicas":1,"replicas":2}', '{"name":"web","labels":{"a":"1","a":"2"}}');
    expect(fail(body).message).toBe(
      'StatefulSet in version "v1" cannot be handled as a StatefulSet: strict decoding error: duplicate field "metadata.labels.a", duplicate field "spec.replicas"',
    );
    expect(decodeObject(body, STS, 'Ignore').object.spec).toEqual({ replicas: 2 });
  });

  it('keeps free-form maps and unknown kinds as they are', () => {
    const cm = decodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { anything: 'x' } }, { group: '', version: 'v1', kind: 'ConfigMap' }, 'Strict');
    expect(cm.object.data).toEqual({ anything: 'x' });
    const cr = decodeObject({ apiVersion: 'example.com/v1', kind: 'Foo', spec: { deep: { x: 1 } } }, { group: 'example.com', version: 'v1', kind: 'Foo' }, 'Strict');
    expect(cr.object.spec).toEqual({ deep: { x: 1 } });
  });
});

describe('decodeObject: type errors (Go encoding/json wording)', () => {
  it.each([
    [sts('{"replicas":"3"}'), 'json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32'],
    [sts('{"replicas":1.5}'), 'json: cannot unmarshal number 1.5 into Go struct field StatefulSetSpec.spec.replicas of type int32'],
    [sts('{"replicas":3000000000}'), 'json: cannot unmarshal number 3000000000 into Go struct field StatefulSetSpec.spec.replicas of type int32'],
    [sts('"x"'), 'json: cannot unmarshal string into Go struct field StatefulSet.spec of type v1.StatefulSetSpec'],
    [sts('{"template":{"spec":{"containers":{}}}}'), 'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container'],
    [sts('{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":"80"}]}]}}}'),
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32'],
    [sts('{"template":{"spec":{"containers":[{"name":"a","command":"sleep 1"}]}}}'),
      'json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.command of type []string'],
    [sts('{}', '{"name":"web","labels":{"app":5}}'), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    [sts('{"template":{"spec":{"restartPolicy":1}}}'), 'json: cannot unmarshal number into Go struct field PodSpec.spec.template.spec.restartPolicy of type v1.RestartPolicy'],
    [sts('{"template":{"spec":{"terminationGracePeriodSeconds":"30"}}}'),
      'json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.terminationGracePeriodSeconds of type int64'],
  ])('%s', (body, message) => {
    expect(fail(body)).toEqual({ code: 400, message: `StatefulSet in version "v1" cannot be handled as a StatefulSet: ${message}` });
  });

  it('a type error wins over strict errors', () => {
    expect(fail(sts('{"replicaz":1,"replicas":"1"}')).message).toContain('cannot unmarshal string');
  });

  it('names inline embedded structs in the path as Go does', () => {
    expect(fail('{"apiVersion":"v1","kind":"Pod","spec":{"volumes":[{"name":"x","hostPath":"/p"}]}}', POD).message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field Volume.spec.volumes.VolumeSource.hostPath of type v1.HostPathVolumeSource',
    );
  });

  it('validates quantities and stores them canonically', () => {
    const pvc: ExpectedKind = { group: '', version: 'v1', kind: 'PersistentVolumeClaim' };
    expect(fail('{"apiVersion":"v1","kind":"PersistentVolumeClaim","spec":{"resources":{"requests":{"storage":"1GB"}}}}', pvc).message).toBe(
      "PersistentVolumeClaim in version \"v1\" cannot be handled as a PersistentVolumeClaim: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    const ok = decodeObject(
      '{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"a","resources":{"requests":{"cpu":"1000m","memory":"1024Mi"},"limits":{"cpu":0.5}}}]}}',
      POD,
      'Strict',
    );
    expect((ok.object.spec as { containers: Array<{ resources: unknown }> }).containers[0]!.resources).toEqual({
      requests: { cpu: '1', memory: '1Gi' },
      limits: { cpu: '500m' },
    });
  });

  it('accepts int-or-string and rejects other values', () => {
    const svc: ExpectedKind = { group: '', version: 'v1', kind: 'Service' };
    const ok = decodeObject('{"apiVersion":"v1","kind":"Service","spec":{"ports":[{"port":80,"targetPort":"http"},{"port":81,"targetPort":8081}]}}', svc, 'Strict');
    expect((ok.object.spec as { ports: unknown[] }).ports).toEqual([{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }]);
    expect(fail('{"apiVersion":"v1","kind":"Service","spec":{"ports":[{"port":80,"targetPort":true}]}}', svc).message).toBe(
      'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal bool into Go value of type int32',
    );
  });

  it('checks base64 in Secret data', () => {
    expect(fail('{"apiVersion":"v1","kind":"Secret","data":{"a":"abc$"}}', { group: '', version: 'v1', kind: 'Secret' }).message).toBe(
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
    );
  });
});

describe('decodeObject: hostile input', () => {
  it('refuses bodies above 3 MiB with 413', () => {
    const e = fail(`{"data":{"a":"${'x'.repeat(3 * 1024 * 1024)}"}}`);
    expect(e).toEqual({ code: 413, message: 'Request entity too large: limit is 3145728' });
  });

  it('refuses deep nesting in text and in parsed values', () => {
    expect(fail('['.repeat(100_000)).message).toContain('json parse error: exceeded max depth');
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 100_000; i++) cur = (cur.a = {}) as Record<string, unknown>;
    expect(fail(deep).code).toBe(400);
  });

  it('reports JSON syntax errors as Go does', () => {
    expect(fail('{"apiVersion":"v1",').message).toBe(
      'the object provided is unrecognized (must be of type StatefulSet): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"apiVersion":"v1",)',
    );
    expect(fail('{"a" 1}').message).toContain("invalid character '1' after object key");
  });
});

describe('parseQuantity', () => {
  it.each([
    ['1000m', '1', 1], ['0.5', '500m', 0.5], ['1000', '1k', 1000], ['1500', '1500', 1500], ['1e3', '1e3', 1000],
    ['100Mi', '100Mi', 104857600], ['1024Mi', '1Gi', 1073741824], ['1.5Gi', '1536Mi', 1610612736], ['512', '512', 512],
    ['0.1Ki', '102400m', 102.4], ['1G', '1G', 1e9], ['0', '0', 0], ['0.0000000001', '1n', 1e-9], ['+5k', '5k', 5000],
  ])('%s → %s', (input, canonical, value) => {
    const q = parseQuantity(input);
    expect(q.canonical).toBe(canonical);
    expect(q.value).toBe(value);
  });

  it.each([
    ['5Gb', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['5Gii', "unable to parse quantity's suffix"],
  ])('%j fails', (input, message) => {
    expect(() => parseQuantity(input)).toThrow(message);
  });
});

/**
 * kubectl's generators (`create configmap|secret|service|…`) hold typed Go
 * objects, and `-o json` prints a typed object with encoding/json: struct
 * fields in their declaration order (TypeMeta's kind and apiVersion first),
 * map keys sorted. This reorders a decoded object that way, from the field
 * tables the protobuf decoder already carries (they list fields in Go struct
 * order); keys the tables do not know go last, sorted. A typed object also
 * has its Go zero values: a server's answer decoded into the struct gains
 * `status: {loadBalancer: {}}` or a PodDisruptionBudget's zero counts.
 */
import { decodeMessage } from '../api/protobuf/index.ts';
import { KINDS, MESSAGES } from '../api/protobuf/table.generated.ts';
import { toJson } from './printers/json.ts';

interface Field {
  json: string;
  type: string;
  inline: boolean;
}

function fields(message: string): Field[] | undefined {
  const spec = MESSAGES[message];
  if (spec === undefined) return undefined;
  return spec === '' ? [] : spec.split('|').map((f) => {
    const [, json, type, flags] = f.split(' ') as [string, string, string, string];
    return { json, type, inline: flags.includes('n') };
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const sorted = (o: Record<string, unknown>) => Object.keys(o).sort();

function order(value: unknown, type: string): unknown {
  if (type.startsWith('[')) return Array.isArray(value) ? value.map((v) => order(v, type.slice(1))) : value;
  if (type.startsWith('{')) {
    if (!isObject(value)) return value;
    return Object.fromEntries(sorted(value).map((k) => [k, order(value[k], type.slice(1))]));
  }
  if (!isObject(value)) return value;
  const fs = fields(type);
  if (!fs) return value;
  const out: Record<string, unknown> = {};
  // The struct's zero value as Go encodes it (omitempty scalars left out, structs always there).
  const zero = decodeMessage(type, new Uint8Array(0));
  const place = (fs: Field[]) => {
    for (const f of fs) {
      if (f.inline) place(fields(f.type) ?? []);
      else if (f.json in value) out[f.json] = order(value[f.json], f.type);
      else if (f.json in zero) out[f.json] = zero[f.json];
    }
  };
  place(fs);
  for (const k of sorted(value)) if (!(k in out)) out[k] = value[k];
  return out;
}

/** The object as a typed Go value holds it (zero values filled in, struct order), when its kind is a built-in one. */
export function inStructOrder(obj: Record<string, unknown>): Record<string, unknown> {
  const message = KINDS[`${String(obj.apiVersion)}/${String(obj.kind)}`];
  if (message === undefined) return obj;
  const body = order(obj, message) as Record<string, unknown>;
  const { kind, apiVersion, ...rest } = body;
  return { ...(kind !== undefined ? { kind } : {}), ...(apiVersion !== undefined ? { apiVersion } : {}), ...rest };
}

/** `-o json` of a typed object. */
export function typedJson(obj: Record<string, unknown>): string {
  return `${toJson(inStructOrder(obj), '    ', false)}\n`;
}

/**
 * Turns scripts/protobuf/kubectl-types.txt (kubectl's Go API types with their struct
 * tags) into the protobuf decoder's table: src/api/protobuf/table.generated.ts.
 *
 * Usage: npx tsx scripts/protobuf/gen-table.ts
 *
 * The encoding is go-to-protobuf's (K:staging/src/k8s.io/code-generator/cmd/go-to-protobuf):
 * an unnamed slice is a repeated field whatever its tag says (`opt` on PodSpec.tolerations
 * too), a named slice (`Verbs`, `ExtraValue`) is a message wrapping `repeated items = 1`,
 * a map is repeated key/value entries, `[]byte` is bytes, and structs are messages.
 *
 * Table grammar, one string per message, fields in Go struct order joined by `|`:
 *   <number> <json name> <type> <flags> [<Go field name, when not the json name capitalised>]
 * type: s string, b bool, i int32, l int64, y bytes, T metav1.Time, U metav1.MicroTime,
 *   Q resource.Quantity, I intstr.IntOrString, R runtime.RawExtension,
 *   F metav1.FieldsV1, `<pkg>.<Name>` a message; prefixes `[` repeated, `{` map with string
 *   keys, `+` named slice (wrapper message). flags: p pointer, o omitempty, n inline, - none.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'kubectl-types.txt');
const out = join(here, '../../src/api/protobuf/table.generated.ts');

/** Go package → API group (for apiVersion) and the short prefix used in message names. */
const PACKAGES: Record<string, { group?: string; short: string }> = {
  'k8s.io/api/core/v1': { group: '', short: 'core/v1' },
  'k8s.io/api/apps/v1': { group: 'apps', short: 'apps/v1' },
  'k8s.io/api/batch/v1': { group: 'batch', short: 'batch/v1' },
  'k8s.io/api/policy/v1': { group: 'policy', short: 'policy/v1' },
  'k8s.io/api/storage/v1': { group: 'storage.k8s.io', short: 'storage/v1' },
  'k8s.io/api/coordination/v1': { group: 'coordination.k8s.io', short: 'coordination/v1' },
  'k8s.io/api/discovery/v1': { group: 'discovery.k8s.io', short: 'discovery/v1' },
  'k8s.io/api/events/v1': { group: 'events.k8s.io', short: 'events/v1' },
  'k8s.io/api/scheduling/v1': { group: 'scheduling.k8s.io', short: 'scheduling/v1' },
  'k8s.io/api/rbac/v1': { group: 'rbac.authorization.k8s.io', short: 'rbac/v1' },
  'k8s.io/api/networking/v1': { group: 'networking.k8s.io', short: 'networking/v1' },
  'k8s.io/api/autoscaling/v1': { group: 'autoscaling', short: 'autoscaling/v1' },
  'k8s.io/api/autoscaling/v2': { group: 'autoscaling', short: 'autoscaling/v2' },
  'k8s.io/api/authentication/v1': { group: 'authentication.k8s.io', short: 'authentication/v1' },
  'k8s.io/apimachinery/pkg/apis/meta/v1': { short: 'meta/v1' },
  'k8s.io/apimachinery/pkg/runtime': { short: 'runtime' },
  'k8s.io/apimachinery/pkg/api/resource': { short: 'resource' },
  'k8s.io/apimachinery/pkg/util/intstr': { short: 'intstr' },
  'k8s.io/apimachinery/pkg/types': { short: 'types' },
};

/** Types with their own protobuf and JSON forms (hand-written Marshal/MarshalJSON upstream). */
const SPECIAL: Record<string, string> = {
  'k8s.io/apimachinery/pkg/apis/meta/v1.Time': 'T',
  'k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime': 'U',
  'k8s.io/apimachinery/pkg/apis/meta/v1.FieldsV1': 'F',
  'k8s.io/apimachinery/pkg/api/resource.Quantity': 'Q',
  'k8s.io/apimachinery/pkg/util/intstr.IntOrString': 'I',
  'k8s.io/apimachinery/pkg/runtime.RawExtension': 'R',
};

interface Field { goName: string; type: string; embedded: boolean; tag: string }
interface Decl { pkg: string; name: string; underlying?: string; fields?: Field[] }

function parse(text: string): Map<string, Decl> {
  const decls = new Map<string, Decl>();
  let pkg = '';
  let current: Decl | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('//') || line.trim() === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^package (\S+)$/.exec(line))) pkg = m[1]!;
    else if ((m = /^type (\w+) struct \{$/.exec(line))) {
      current = { pkg, name: m[1]!, fields: [] };
      decls.set(`${pkg}.${current.name}`, current);
    } else if (line === '}') current = undefined;
    else if ((m = /^type (\w+) (.+)$/.exec(line))) decls.set(`${pkg}.${m[1]}`, { pkg, name: m[1]!, underlying: m[2]! });
    else if ((m = /^\t(\w+) (\S+)( embedded)?(?: `(.*)`)?$/.exec(line)) && current) {
      current.fields!.push({ goName: m[1]!, type: m[2]!, embedded: m[3] !== undefined, tag: m[4] ?? '' });
    } else throw new Error(`cannot read line: ${line}`);
  }
  return decls;
}

const decls = parse(readFileSync(source, 'utf8'));

function tagValue(tag: string, key: string): string | undefined {
  return new RegExp(`(?:^|\\s)${key}:"([^"]*)"`).exec(tag)?.[1];
}

const messageName = (full: string): string => {
  const dot = full.lastIndexOf('.');
  const info = PACKAGES[full.slice(0, dot)];
  if (!info) throw new Error(`no package mapping for ${full}`);
  return `${info.short}.${full.slice(dot + 1)}`;
};

const reachable = new Set<string>();

/** The table's type code for a Go type expression, and whether the field is a pointer. */
function typeCode(expr: string, where: string): string {
  if (expr === 'string') return 's';
  if (expr === 'bool') return 'b';
  if (expr === 'int32') return 'i';
  if (expr === 'int64') return 'l';
  if (expr === '[]uint8') return 'y';
  if (expr.startsWith('[]')) return `[${typeCode(expr.slice(2), where)}`;
  if (expr.startsWith('map[')) {
    const close = expr.indexOf(']');
    const key = resolve(expr.slice(4, close));
    if (key !== 'string') throw new Error(`${where}: map key ${expr.slice(4, close)} is not a string`);
    return `{${typeCode(expr.slice(close + 1), where)}`;
  }
  if (expr.startsWith('*')) throw new Error(`${where}: pointer inside ${expr}`);
  const special = SPECIAL[expr];
  if (special) return special;
  const decl = decls.get(expr);
  if (!decl) throw new Error(`${where}: unknown type ${expr}`);
  if (decl.fields) {
    visit(expr);
    return messageName(expr);
  }
  // A named slice is a wrapper message; other named types encode as their underlying type.
  if (decl.underlying!.startsWith('[]') && decl.underlying !== '[]uint8') return `+${typeCode(decl.underlying!.slice(2), where)}`;
  return typeCode(decl.underlying!, where);
}

/** A named non-struct type's underlying builtin (`ResourceName` → `string`). */
function resolve(expr: string): string {
  const decl = decls.get(expr);
  return decl?.underlying ? resolve(decl.underlying) : expr;
}

const WIRE: Record<string, string> = { s: 'bytes', y: 'bytes', b: 'varint', i: 'varint', l: 'varint' };
const table = new Map<string, string>();

function visit(full: string): void {
  if (reachable.has(full)) return;
  reachable.add(full);
  const decl = decls.get(full)!;
  const fields: string[] = [];
  for (const f of decl.fields!) {
    const proto = tagValue(f.tag, 'protobuf');
    const json = tagValue(f.tag, 'json');
    if (proto === undefined || proto === '-') {
      // TypeMeta travels in the envelope (runtime.Unknown), not in the message.
      if (json !== undefined && json !== '-' && f.goName !== 'TypeMeta') throw new Error(`${full}.${f.goName} has JSON but no protobuf field`);
      continue;
    }
    if (json === '-') throw new Error(`${full}.${f.goName}: json "-" with a protobuf field needs a special type`);
    const [wire, num] = proto.split(',');
    const pointer = f.type.startsWith('*');
    const code = typeCode(pointer ? f.type.slice(1) : f.type, `${full}.${f.goName}`);
    const jsonParts = (json ?? '').split(',');
    const jsonName = jsonParts[0] || (f.embedded ? '' : f.goName);
    const inline = jsonName === '' && f.embedded;
    const omitempty = jsonParts.includes('omitempty');
    const scalarWire = WIRE[code.replace(/^\[/, '')] ?? 'bytes';
    // The Go type decides the encoding; a few tags are stale (ListMeta.remainingItemCount
    // says bytes, generated.proto and the marshaller say int64).
    if (wire !== scalarWire) console.warn(`note: ${full}.${f.goName}: tag says ${wire}, type ${code} is encoded as ${scalarWire}`);
    const flags = `${pointer ? 'p' : ''}${omitempty ? 'o' : ''}${inline ? 'n' : ''}` || '-';
    const goName = f.goName === jsonName.charAt(0).toUpperCase() + jsonName.slice(1) ? '' : ` ${f.goName}`;
    fields.push(`${num} ${inline ? '_' : jsonName} ${code} ${flags}${goName}`);
  }
  table.set(messageName(full), fields.join('|'));
}

/** Kinds: structs that inline metav1.TypeMeta. */
const kinds = new Map<string, string>();
for (const [full, decl] of decls) {
  if (!decl.fields?.some((f) => f.goName === 'TypeMeta' && f.embedded && f.type === 'k8s.io/apimachinery/pkg/apis/meta/v1.TypeMeta')) continue;
  const info = PACKAGES[decl.pkg]!;
  const version = decl.pkg.slice(decl.pkg.lastIndexOf('/') + 1);
  // meta/v1 kinds (DeleteOptions, Status…) are registered in every group version.
  const apiVersion = info.group === undefined ? '*' : info.group === '' ? version : `${info.group}/${version}`;
  kinds.set(`${apiVersion}/${decl.name}`, messageName(full));
  visit(full);
}

const sortedKinds = [...kinds.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
const sortedMessages = [...table.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
const header = readFileSync(source, 'utf8').split('\n')[0]!.replace(/^\/\/ The API types of /, '');
const ts = [
  `// Generated by scripts/protobuf/gen-table.ts from scripts/protobuf/kubectl-types.txt`,
  `// (${header.replace(/, read.*$/, '')}). Do not edit. Grammar: see the generator.`,
  '',
  '/** `apiVersion/Kind` → message. meta/v1 kinds (DeleteOptions, Status…) are valid in any group version: their apiVersion is `*`. */',
  'export const KINDS: Readonly<Record<string, string>> = {',
  ...sortedKinds.map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`),
  '};',
  '',
  '/** Message → its fields in Go struct order. */',
  'export const MESSAGES: Readonly<Record<string, string>> = {',
  ...sortedMessages.map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`),
  '};',
  '',
].join('\n');
writeFileSync(out, ts);
console.log(`wrote ${out}: ${kinds.size} kinds, ${table.size} messages, ${ts.length} bytes`);

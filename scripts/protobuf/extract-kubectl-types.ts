/**
 * Reads the Go type descriptors of a kubectl binary and writes the API types it
 * marshals to protobuf as Go-like declarations, tags included:
 * scripts/protobuf/kubectl-types.txt (committed; gen-table.ts turns it into the
 * decoder's table).
 *
 * Why the binary: the protobuf bodies kubectl sends are made by the Go structs
 * linked into it, and their struct tags carry everything the decoder needs in one
 * place: the protobuf field numbers and wire types (`protobuf:"bytes,1,opt,name=x"`),
 * the JSON names and `omitempty` (which decide what JSON the same object has), and
 * the Go field types (pointer or not: a pointer field is sent only when set).
 * generated.proto alone lacks `omitempty` and pointers.
 *
 * Usage: npx tsx scripts/protobuf/extract-kubectl-types.ts [path/to/kubectl-1.32]
 *
 * Layout of Go 1.23's runtime type data (amd64), from internal/abi/type.go:
 *   abi.Type{Size_ uintptr; PtrBytes uintptr; Hash uint32; TFlag uint8; Align_, FieldAlign_,
 *            Kind_ uint8; Equal func; GCData *byte; Str NameOff; PtrToThis TypeOff}  // 48 bytes
 *   PtrType/SliceType{Type; Elem *Type}, ArrayType{Type; Elem, Slice *Type; Len uintptr},
 *   MapType{Type; Key, Elem, Bucket *Type; …}, StructType{Type; PkgPath Name; Fields []StructField},
 *   StructField{Name Name; Typ *Type; Offset uintptr}, UncommonType{PkgPath NameOff; …} after
 *   the kind's struct when TFlag&TFlagUncommon. Name: flags byte, varint length, bytes,
 *   [varint length, tag bytes].
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const binaryPath = process.argv[2] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
const out = join(here, 'kubectl-types.txt');

/** The API packages whose types kubectl may send as protobuf (and the shim serves or names). */
const PACKAGES = [
  'k8s.io/api/core/v1', 'k8s.io/api/apps/v1', 'k8s.io/api/batch/v1', 'k8s.io/api/policy/v1',
  'k8s.io/api/storage/v1', 'k8s.io/api/coordination/v1', 'k8s.io/api/discovery/v1', 'k8s.io/api/events/v1',
  'k8s.io/api/scheduling/v1', 'k8s.io/api/rbac/v1', 'k8s.io/api/networking/v1', 'k8s.io/api/autoscaling/v1',
  'k8s.io/api/autoscaling/v2', 'k8s.io/api/authentication/v1',
  'k8s.io/apimachinery/pkg/apis/meta/v1', 'k8s.io/apimachinery/pkg/runtime',
  'k8s.io/apimachinery/pkg/api/resource', 'k8s.io/apimachinery/pkg/util/intstr', 'k8s.io/apimachinery/pkg/types',
];

const bin = readFileSync(binaryPath);

// ---- ELF: sections and addresses ---------------------------------------------

interface Section { name: string; addr: bigint; offset: number; size: number }

function sections(): Section[] {
  if (bin.readUInt32BE(0) !== 0x7f454c46 || bin[4] !== 2) throw new Error('not a 64-bit ELF file');
  const shoff = Number(bin.readBigUInt64LE(0x28));
  const shentsize = bin.readUInt16LE(0x3a);
  const shnum = bin.readUInt16LE(0x3c);
  const shstrndx = bin.readUInt16LE(0x3e);
  const raw = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + i * shentsize;
    return { nameOff: bin.readUInt32LE(o), addr: bin.readBigUInt64LE(o + 0x10), offset: Number(bin.readBigUInt64LE(o + 0x18)), size: Number(bin.readBigUInt64LE(o + 0x20)) };
  });
  const strtab = raw[shstrndx]!.offset;
  return raw.map((s) => {
    let end = strtab + s.nameOff;
    while (bin[end] !== 0) end++;
    return { name: bin.toString('latin1', strtab + s.nameOff, end), addr: s.addr, offset: s.offset, size: s.size };
  });
}

const secs = sections();
const section = (name: string): Section => {
  const s = secs.find((x) => x.name === name);
  if (!s) throw new Error(`no ${name} section`);
  return s;
};

function fileOffset(addr: bigint): number {
  for (const s of secs) {
    if (s.addr !== 0n && addr >= s.addr && addr < s.addr + BigInt(s.size)) return s.offset + Number(addr - s.addr);
  }
  throw new Error(`address 0x${addr.toString(16)} is in no section`);
}

const u8 = (a: bigint) => bin[fileOffset(a)]!;
const u16 = (a: bigint) => bin.readUInt16LE(fileOffset(a));
const i32 = (a: bigint) => bin.readInt32LE(fileOffset(a));
const u64 = (a: bigint) => bin.readBigUInt64LE(fileOffset(a));

// ---- runtime.moduledata: where type data starts, and the typelinks -----------

function moduledata(): { types: bigint; typelinks: bigint; ntypelinks: number } {
  const pcln = section('.gopclntab').addr;
  for (const name of ['.noptrdata', '.data']) {
    const s = section(name);
    for (let o = s.offset; o + 8 <= s.offset + s.size; o += 8) {
      if (bin.readBigUInt64LE(o) !== pcln) continue;
      // Go 1.23 moduledata: pcHeader, 6 slices, 18 words (findfunctab … gcbss), then types,
      // etypes, rodata, gofunc, textsectmap (slice), typelinks (slice).
      const word = (i: number) => bin.readBigUInt64LE(o + 8 * i);
      const types = word(37);
      const typelinks = word(44);
      if (typelinks === section('.typelink').addr && types <= word(38)) return { types, typelinks, ntypelinks: Number(word(45)) };
    }
  }
  throw new Error('runtime.moduledata not found (not a Go 1.23 binary?)');
}

const md = moduledata();

function readVarint(a: bigint): [number, bigint] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const b = u8(a++);
    v |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [v, a];
    shift += 7;
  }
}

function readName(a: bigint): { name: string; tag: string; embedded: boolean } {
  const flags = u8(a);
  const [len, p] = readVarint(a + 1n);
  const name = bin.toString('utf8', fileOffset(p), fileOffset(p) + len);
  let tag = '';
  if (flags & 2) {
    const [tlen, tp] = readVarint(p + BigInt(len));
    tag = bin.toString('utf8', fileOffset(tp), fileOffset(tp) + tlen);
  }
  return { name, tag, embedded: (flags & 8) !== 0 };
}

// ---- types -------------------------------------------------------------------

const KIND = ['invalid', 'bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64',
  'uintptr', 'float32', 'float64', 'complex64', 'complex128', 'array', 'chan', 'func', 'interface', 'map', 'ptr', 'slice',
  'string', 'struct', 'unsafe.Pointer'];
/** Size of each kind's descriptor struct, where its UncommonType follows. */
const KIND_SIZE: Record<string, number> = { array: 72, chan: 64, func: 56, interface: 80, map: 88, ptr: 56, slice: 56, struct: 80 };

interface TypeInfo {
  kind: string;
  /** `Protocol` for a named type, '' otherwise. */
  name: string;
  pkgPath: string;
  str: string;
  elem?: bigint;
  key?: bigint;
  len?: number;
  fields?: { name: string; tag: string; embedded: boolean; type: bigint }[];
}

const cache = new Map<bigint, TypeInfo>();

function typeAt(a: bigint): TypeInfo {
  const hit = cache.get(a);
  if (hit) return hit;
  const tflag = u8(a + 20n);
  const kind = KIND[u8(a + 23n) & 0x1f] ?? 'invalid';
  let str = readName(md.types + BigInt(i32(a + 40n))).name;
  if (tflag & 2) str = str.slice(1);
  const named = (tflag & 4) !== 0;
  const info: TypeInfo = { kind, name: '', pkgPath: '', str };
  if (named) {
    info.name = str.slice(str.lastIndexOf('.') + 1);
    if (tflag & 1) {
      const uncommon = a + BigInt(KIND_SIZE[kind] ?? 48);
      const off = i32(uncommon);
      if (off !== 0) info.pkgPath = readName(md.types + BigInt(off)).name;
    }
  }
  if (kind === 'ptr' || kind === 'slice' || kind === 'array' || kind === 'chan') info.elem = u64(a + 48n);
  if (kind === 'array') info.len = Number(u64(a + 64n));
  if (kind === 'map') { info.key = u64(a + 48n); info.elem = u64(a + 56n); }
  if (kind === 'struct') {
    if (!info.pkgPath) {
      const pp = u64(a + 48n);
      if (pp !== 0n) info.pkgPath = readName(pp).name;
    }
    const ptr = u64(a + 56n);
    const n = Number(u64(a + 64n));
    info.fields = Array.from({ length: n }, (_, i) => {
      const f = ptr + BigInt(i * 24);
      return { ...readName(u64(f)), type: u64(f + 8n) };
    });
  }
  cache.set(a, info);
  return info;
}

/** Every type reachable from the typelinks (reflect's index of unnamed types, `*T` among them). */
function allTypes(): Map<bigint, TypeInfo> {
  const seen = new Map<bigint, TypeInfo>();
  const stack: bigint[] = [];
  for (let i = 0; i < md.ntypelinks; i++) stack.push(md.types + BigInt(i32(md.typelinks + BigInt(4 * i))));
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (seen.has(a)) continue;
    const t = typeAt(a);
    seen.set(a, t);
    if (t.elem) stack.push(t.elem);
    if (t.key) stack.push(t.key);
    for (const f of t.fields ?? []) stack.push(f.type);
  }
  return seen;
}

/** A Go type expression with package paths spelled out: `[]k8s.io/api/core/v1.Container`. */
function expr(a: bigint, top = true): string {
  const t = typeAt(a);
  if (t.name && !top) return t.pkgPath ? `${t.pkgPath}.${t.name}` : t.name;
  switch (t.kind) {
    case 'ptr': return `*${expr(t.elem!, false)}`;
    case 'slice': return `[]${expr(t.elem!, false)}`;
    case 'array': return `[${t.len}]${expr(t.elem!, false)}`;
    case 'map': return `map[${expr(t.key!, false)}]${expr(t.elem!, false)}`;
    case 'chan': return `chan ${expr(t.elem!, false)}`;
    case 'struct': return t.fields!.length === 0 ? 'struct{}' : 'struct{…}';
    default: return t.kind;
  }
}

const types = allTypes();
const wanted = new Set(PACKAGES);
const carries = (tag: string) => /\b(json|protobuf):"(?!-")/.test(tag);
// Roots: the structs that have a protobuf encoding. Then whatever their encoded or
// JSON-visible fields name (Quantity, Time, named strings), but not Go internals.
const keep = new Map<bigint, TypeInfo>();
const stack = [...types.entries()]
  .filter(([, t]) => t.name && wanted.has(t.pkgPath) && t.fields?.some((f) => /protobuf:"(?!-")/.test(f.tag)))
  .map(([a]) => a);
while (stack.length > 0) {
  const a = stack.pop()!;
  const t = typeAt(a);
  if (t.name) {
    if (!wanted.has(t.pkgPath) || keep.has(a)) continue;
    keep.set(a, t);
  }
  if (t.elem) stack.push(t.elem);
  if (t.key) stack.push(t.key);
  for (const f of t.fields ?? []) if (carries(f.tag) || (f.embedded && f.name === 'TypeMeta')) stack.push(f.type);
}
const decls = [...keep.entries()]
  .sort(([, a], [, b]) => (a.pkgPath === b.pkgPath ? (a.name < b.name ? -1 : 1) : PACKAGES.indexOf(a.pkgPath) - PACKAGES.indexOf(b.pkgPath)));

const version = (JSON.parse(execFileSync(binaryPath, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as { clientVersion: { gitVersion: string; goVersion: string } }).clientVersion;
const lines = [
  `// The API types of kubectl ${version.gitVersion} (${version.goVersion}), read from its Go type descriptors by`,
  '// scripts/protobuf/extract-kubectl-types.ts. Do not edit; regenerate from a kubectl binary.',
  '// One declaration per named type: `type <package>.<Name> <underlying>`; struct fields as',
  '// `<Name> <type> <tag>`, with `embedded` marking an anonymous field.',
];
let pkg = '';
for (const [a, t] of decls) {
  if (t.pkgPath !== pkg) {
    pkg = t.pkgPath;
    lines.push('', `package ${pkg}`);
  }
  if (t.kind !== 'struct') {
    lines.push(`type ${t.name} ${expr(a)}`);
    continue;
  }
  lines.push(`type ${t.name} struct {`);
  for (const f of t.fields!) lines.push(`\t${f.name} ${expr(f.type, false)}${f.embedded ? ' embedded' : ''}${f.tag ? ` \`${f.tag}\`` : ''}`);
  lines.push('}');
}
writeFileSync(out, `${lines.join('\n')}\n`);
console.log(`wrote ${out}: ${decls.length} types from ${binaryPath} (${version.gitVersion})`);

// The order in which Endpoints and EndpointSlices list their ports is not the Service's:
// upstream sorts ports by the MD5 of their `hashutil.DeepHashObject` rendering (go-spew
// `%#v`: types, field names, pointers followed). Reproducing that text and hash keeps
// `kubectl get endpoints` and `get endpointslices` printing ports in the same order a
// kind cluster does (e.g. kube-dns). K:pkg/util/hash/hash.go,
// K:pkg/api/v1/endpoints/util.go (portsByHash),
// K:staging/src/k8s.io/endpointslice/util/controller_utils.go (NewPortMapKey, portsInOrder),
// github.com/davecgh/go-spew format.go (the `%#v` text).

export interface PortLike {
  name?: string | null;
  port?: number | null;
  protocol?: string | null;
  appProtocol?: string | null;
}

const ptr = (type: string, v: string | number | null | undefined): string =>
  v === undefined || v === null ? `(*${type})<nil>` : `(*${type})${v}`;

/** spew `%#v` of a core/v1 EndpointPort {Name string; Port int32; Protocol Protocol; AppProtocol *string}. */
export function coreEndpointPortRepr(p: PortLike): string {
  return `(v1.EndpointPort){Name:(string)${p.name ?? ''} Port:(int32)${p.port ?? 0} Protocol:(v1.Protocol)${p.protocol ?? ''} AppProtocol:${ptr('string', p.appProtocol)}}`;
}

/** spew `%#v` of a discovery/v1 EndpointPort {Name *string; Protocol *v1.Protocol; Port *int32; AppProtocol *string}. */
export function discoveryEndpointPortRepr(p: PortLike): string {
  return `(v1.EndpointPort){Name:${ptr('string', p.name)} Protocol:${ptr('v1.Protocol', p.protocol)} Port:${ptr('int32', p.port)} AppProtocol:${ptr('string', p.appProtocol)}}`;
}

// The same few port renderings are hashed for every pod of a Service: remember them.
const memo = new Map<string, string>();

function cachedMd5(text: string): string {
  let h = memo.get(text);
  if (h === undefined) {
    if (memo.size > 10_000) memo.clear();
    memo.set(text, (h = md5Hex(text)));
  }
  return h;
}

/** Sorts by the hex MD5 of each element's rendering, as upstream does (a stable sort). */
export function sortByHash<T>(items: readonly T[], repr: (item: T) => string): T[] {
  if (items.length < 2) return [...items];
  return items.map((item) => ({ item, key: cachedMd5(repr(item)) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((x) => x.item);
}

// ---- MD5 (RFC 1321) over the UTF-8 bytes of a string ----------------------------------

const S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

export function md5Hex(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const bitLength = bytes.length * 8;
  const padded = new Uint8Array((((bytes.length + 8) >> 6) + 1) * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, bitLength >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bitLength / 2 ** 32), true);
  let a0 = 0x67452301;
  let b0 = 0xefcdab89;
  let c0 = 0x98badcfe;
  let d0 = 0x10325476;
  const m = new Uint32Array(16);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) m[i] = view.getUint32(off + i * 4, true);
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      const tmp = d;
      d = c;
      c = b;
      const x = (a + f + K[i]! + m[g]!) | 0;
      b = (b + ((x << S[i]!) | (x >>> (32 - S[i]!)))) | 0;
      a = tmp;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  let hex = '';
  for (const word of [a0, b0, c0, d0]) {
    for (let i = 0; i < 4; i++) hex += ((word >>> (i * 8)) & 0xff).toString(16).padStart(2, '0');
  }
  return hex;
}

// Globals that every host of the pure core has (browsers, Web Workers, Node), for
// the core's tsconfig, which loads neither the DOM nor Node's types.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}

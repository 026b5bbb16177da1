// fast-json-patch's ESM entry has the same API as its typed main entry (also in src/env.d.ts).
declare module 'fast-json-patch/index.mjs' {
  import jsonpatch from 'fast-json-patch';
  export default jsonpatch;
}

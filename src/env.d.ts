/// <reference types="astro/client" />
// Deep imports of monaco's ESM tree (resolved by the Vite alias in astro.config.mjs).
declare module 'monaco-editor/esm/*';
// fast-json-patch's ESM entry has the same API as its typed main entry.
declare module 'fast-json-patch/index.mjs' {
  import jsonpatch from 'fast-json-patch';
  export default jsonpatch;
}

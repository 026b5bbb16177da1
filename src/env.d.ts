/// <reference types="astro/client" />
// Deep imports of monaco's ESM tree (resolved by the Vite alias in astro.config.mjs).
declare module 'monaco-editor/esm/*';

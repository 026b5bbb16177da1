/**
 * Writes the JSON Schemas of lab files to src/generated/ (gitignored), where
 * lab.yaml files point with `# yaml-language-server: $schema=…` so editors
 * validate and complete them. Run by `npm test`; `statecraft lab new` points
 * new labs at it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labJsonSchemas } from '../src/schemas/json-schema.ts';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'generated');
mkdirSync(out, { recursive: true });
for (const [file, schema] of Object.entries(labJsonSchemas())) {
  writeFileSync(join(out, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote src/generated/${file}`);
}

// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import mdx from '@astrojs/mdx';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { fileURLToPath } from 'node:url';

const monacoEsm = fileURLToPath(new URL('./node_modules/monaco-editor/esm/', import.meta.url));

/**
 * Monaco's ESM modules import their own CSS. Astro hoists CSS reached through a
 * dynamic import into every page's <head> (withastro/astro#9495), which would
 * make every lesson pay for Monaco's styles. Those imports become empty modules
 * and the editor links Monaco's prebuilt stylesheet when it mounts.
 *
 * @returns {import('vite').Plugin}
 */
function monacoCssOnDemand() {
  return {
    name: 'statecraft:monaco-css-on-demand',
    enforce: 'pre',
    resolveId(id, importer) {
      if (id.endsWith('.css') && importer?.includes('/monaco-editor/esm/')) return '\0monaco-css-stub';
      return null;
    },
    load(id) {
      return id === '\0monaco-css-stub' ? 'export {}' : null;
    },
  };
}

/**
 * The labs in course order: by the lesson each belongs to, then by id.
 * @returns {{ label: string, link: string }[]}
 */
function labLinks() {
  const labs = fileURLToPath(new URL('./labs/', import.meta.url));
  return readdirSync(labs)
    .filter((id) => existsSync(`${labs}${id}/lab.yaml`))
    .map((id) => ({ id, lab: parseYaml(readFileSync(`${labs}${id}/lab.yaml`, 'utf8')) }))
    .sort((a, b) => String(a.lab.lesson ?? '~').localeCompare(String(b.lab.lesson ?? '~')) || a.id.localeCompare(b.id))
    .map(({ id, lab }) => ({ label: String(lab.title).split(' — ')[0] ?? id, link: `/labs/${id}/` }));
}

function lessonSlugs() {
  return readdirSync(new URL('./content/lessons/', import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d+-/.test(entry.name))
    .map((entry) => `lessons/${entry.name}`)
    .sort();
}

export default defineConfig({
  site: 'http://127.0.0.1:4321',
  integrations: [
    starlight({
      title: 'Statecraft',
      description: 'Learn to run stateful applications on Kubernetes, in your browser.',
      customCss: ['./src/styles/site.css'],
      sidebar: [
        // Lessons are numbered folders (content/lessons/NN-topic/); folder order is course order.
        { label: 'Lessons', items: lessonSlugs().map((slug) => ({ slug })) },
        { label: 'Labs', items: labLinks() },
      ],
      pagefind: true,
    }),
    mdx(),
  ],
  vite: {
    plugins: [monacoCssOnDemand()],
    // monaco-yaml's worker imports monaco through the pre-0.55 deep paths.
    resolve: { alias: [{ find: /^monaco-editor\/esm\/(.*)$/, replacement: `${monacoEsm}$1` }] },
    worker: { format: 'es' },
    optimizeDeps: { include: ['monaco-yaml', '@xterm/xterm', '@xterm/addon-fit'] },
    build: { chunkSizeWarningLimit: 6000 },
  },
});

/**
 * The heavy half of the editor island, fetched on demand: Monaco, monaco-yaml
 * and the Kubernetes JSON Schema generated at build time from kubernetes-types.
 */
import './monaco-contribs.ts';
// Monaco's prebuilt stylesheet, linked at mount (see monacoCssOnDemand in astro.config.mjs).
import monacoCss from '../../../node_modules/monaco-editor/min/vs/editor/editor.main.css?url';
import { configureYaml, installMonacoEnvironment, monaco } from './monaco-yaml-setup.ts';
import type { EditorBackend } from './element.ts';

const SCHEMA_URI = 'https://statecraft.dev/schemas/kubernetes.json';
let setup: Promise<void> | undefined;
let counter = 0;

function linkStylesheet(href: string): Promise<void> {
  if (document.querySelector(`link[data-monaco]`)) return Promise.resolve();
  return new Promise((resolve) => {
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href });
    link.dataset.monaco = '';
    link.onload = link.onerror = () => resolve();
    document.head.append(link);
  });
}

async function setupOnce(): Promise<void> {
  installMonacoEnvironment();
  const [{ default: schema }] = await Promise.all([
    import('../../generated/kubernetes.schema.json'),
    linkStylesheet(monacoCss),
  ]);
  configureYaml({
    enableSchemaRequest: false,
    format: { enable: true },
    completion: true,
    hover: true,
    validate: true,
    isKubernetes: true,
    schemas: [{ uri: SCHEMA_URI, fileMatch: ['*'], schema: schema as never }],
  });
}

function theme(): string {
  return document.documentElement.dataset.theme === 'light' ? 'vs' : 'vs-dark';
}

export async function createMonacoEditor(
  host: HTMLElement,
  value: string,
  file: string,
  onProblems: (count: number) => void,
): Promise<EditorBackend> {
  setup ??= setupOnce();
  await setup;
  const container = document.createElement('div');
  container.className = 'sc-editor__monaco';
  host.append(container);
  // A unique path per editor: several editors on one page must not share a model.
  const uri = monaco.Uri.parse(`file:///editor-${++counter}/${file}`);
  const model = monaco.editor.createModel(value, 'yaml', uri);
  const editor = monaco.editor.create(container, {
    model,
    theme: theme(),
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 14,
    tabSize: 2,
    quickSuggestions: { other: true, comments: false, strings: true },
    renderWhitespace: 'none',
    fixedOverflowWidgets: true,
  });
  new MutationObserver(() => monaco.editor.setTheme(theme()))
    .observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  // The element exposes the editor and its current markers: the lab UI and the
  // end-to-end tests read problems from there.
  const element = host.closest('sc-editor') as HTMLElement & { monacoEditor?: unknown; markers?: monaco.editor.IMarker[] };
  element.monacoEditor = editor;
  element.markers = [];
  monaco.editor.onDidChangeMarkers((uris) => {
    if (!uris.some((u) => u.toString() === uri.toString())) return;
    element.markers = monaco.editor.getModelMarkers({ resource: uri });
    onProblems(element.markers.length);
  });

  return {
    getValue: () => model.getValue(),
    setValue: (text) => model.setValue(text),
    format: async () => { await editor.getAction('editor.action.formatDocument')?.run(); },
    onChange: (listener) => { model.onDidChangeContent(() => listener(model.getValue())); },
    setMarkers: (markers) => {
      monaco.editor.setModelMarkers(model, 'kubernetes', markers.map((m) => ({
        ...m, severity: m.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      })));
      // The first complaint may sit below the fold of a short editor.
      if (markers[0]) editor.revealLineInCenterIfOutsideViewport(markers[0].startLineNumber);
    },
    openDocument: (path, text) => {
      // A model of its own, so the lesson's keeps its undo history, markers and scroll position.
      const other = monaco.editor.createModel(text, 'yaml', monaco.Uri.parse(`file:///editor-${++counter}${path}`));
      const view = editor.saveViewState();
      editor.setModel(other);
      editor.focus();
      return {
        getValue: () => other.getValue(),
        close: () => {
          editor.setModel(model);
          if (view) editor.restoreViewState(view);
          other.dispose();
        },
      };
    },
  };
}

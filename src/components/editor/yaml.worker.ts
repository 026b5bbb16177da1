// The YAML language worker (validation, completion, hovers), bundled by Vite.
import 'monaco-yaml/yaml.worker.js';

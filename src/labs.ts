/** The labs shipped in labs/, parsed at build time for the site. */
import { parseLab } from './schemas/load-lab.ts';
import type { Lab } from './schemas/lab.ts';
import type { TextFile } from './runner/manifests.ts';

const labFiles = import.meta.glob<string>('/labs/*/lab.yaml', { query: '?raw', import: 'default', eager: true });
const labAssets = import.meta.glob<string>(['/labs/**/*.{yaml,yml,json,sh}', '!/labs/*/wrong/**'], { query: '?raw', import: 'default', eager: true });

const MANIFEST = /\.(ya?ml|json)$/i;

export interface LabWithFiles extends Lab {
  starterText?: string;
  /** The setup manifests, as `statecraft lab check` reads them (paths relative to the lab folder). */
  setupFiles: TextFile[];
  /** solution/: its manifests in file-name order and its commands.sh. */
  solution?: { manifests: TextFile[]; commands?: TextFile };
}

/** Files directly inside `dir` (a path under the lab folder), sorted, relative to `folder`. */
function filesIn(folder: string, dir: string, test: (name: string) => boolean): TextFile[] {
  const prefix = `${folder}${dir.replace(/\/+$/, '')}/`;
  return Object.keys(labAssets)
    .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && test(p.slice(prefix.length)))
    .sort()
    .map((p) => ({ path: p.slice(folder.length), text: labAssets[p]! }));
}

export function allLabs(): LabWithFiles[] {
  return Object.entries(labFiles).map(([path, text]) => {
    const lab = parseLab(text, path.slice(1));
    const folder = path.replace(/lab\.yaml$/, '');
    const setupFiles = (lab.setup?.manifests ?? []).flatMap((entry) => {
      const file = labAssets[`${folder}${entry.replace(/^\.\//, '')}`];
      return file !== undefined ? [{ path: entry.replace(/^\.\//, ''), text: file }] : filesIn(folder, entry.replace(/^\.\//, ''), (n) => MANIFEST.test(n));
    });
    // As a submission folder is read: paths relative to solution/, so its commands.sh may `apply -f web.yaml`.
    const solutionFiles = filesIn(folder, 'solution', (n) => MANIFEST.test(n) || n === 'commands.sh').map((f) => ({ ...f, path: f.path.slice('solution/'.length) }));
    const manifests = solutionFiles.filter((f) => f.path !== 'commands.sh');
    const commands = solutionFiles.find((f) => f.path === 'commands.sh');
    return {
      ...lab,
      starterText: lab.starter ? labAssets[`${folder}${lab.starter}`] : undefined,
      setupFiles,
      ...(manifests.length > 0 || commands ? { solution: { manifests, ...(commands ? { commands } : {}) } } : {}),
    };
  });
}

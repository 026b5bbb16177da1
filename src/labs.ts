/** The labs shipped in labs/, parsed at build time for the site. */
import { parseLab } from './schemas/load-lab.ts';
import type { Lab } from './schemas/lab.ts';

const labFiles = import.meta.glob<string>('/labs/*/lab.yaml', { query: '?raw', import: 'default', eager: true });
const labAssets = import.meta.glob<string>('/labs/*/*.yaml', { query: '?raw', import: 'default', eager: true });

export interface LabWithFiles extends Lab {
  starterText?: string;
}

export function allLabs(): LabWithFiles[] {
  return Object.entries(labFiles).map(([path, text]) => {
    const lab = parseLab(text, path.slice(1));
    const folder = path.replace(/lab\.yaml$/, '');
    return { ...lab, starterText: lab.starter ? labAssets[`${folder}${lab.starter}`] : undefined };
  });
}

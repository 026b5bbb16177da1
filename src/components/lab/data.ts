/** What a lab page hands its island, as JSON in the page: parsed once at build time. */
import type { TextFile } from '../../runner/manifests.ts';
import type { Lab } from '../../schemas/lab.ts';
import type { CourseLab } from './progress.ts';

export interface LabPageData {
  lab: Lab;
  setupFiles: TextFile[];
  solution?: { manifests: TextFile[]; commands?: TextFile };
  /** The editor's file name (the lab's starter). */
  editorFile: string;
  /** Every lab of the course, for progress across the course. */
  course: CourseLab[];
}

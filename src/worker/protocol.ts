/**
 * Messages between the page (UI islands) and the Web Worker that hosts the
 * cluster. They carry Kubernetes API requests and responses, watch events and
 * terminal I/O; nothing in the page touches cluster state any other way.
 *
 * Terminal model: the page owns line editing (it must feel instant), the worker
 * owns execution. A finished line is sent as `term.run`; while a command runs,
 * raw keystrokes travel as `term.input` (an interactive `kubectl exec -it`) and
 * Ctrl-C as `term.signal`. The worker answers with `term.output` chunks and one
 * `term.exit` per line.
 */
import type { ApiRequest, ApiResponse, WatchEvent } from '../api/types.ts';
import type { StepResult } from '../runner/grade.ts';
import type { TextFile } from '../runner/manifests.ts';
import type { Lab, LabTopology } from '../schemas/lab.ts';
import type { EditorAction, EditorMarker } from './editor.ts';

export const PROTOCOL_VERSION = 1;

export type ToWorker =
  | { type: 'api'; id: number; request: ApiRequest }
  | { type: 'watch'; id: number; request: ApiRequest }
  | { type: 'cancel'; id: number }
  | { type: 'term.open'; term: string; cols: number; rows: number }
  | { type: 'term.run'; term: string; line: string }
  | { type: 'term.input'; term: string; data: string }
  | { type: 'term.signal'; term: string; signal: 'SIGINT' }
  | { type: 'term.resize'; term: string; cols: number; rows: number }
  | { type: 'term.complete'; id: number; term: string; line: string; cursor: number }
  | { type: 'term.close'; term: string }
  /**
   * The page's editor files, as `kubectl apply -f NAME` in a terminal reads
   * them; sent before each terminal line so the terminal sees the latest text.
   */
  | { type: 'files.write'; files: TextFile[] }
  /** A fresh cluster with the lab's topology, then its setup (also "Reset lab"). */
  | { type: 'lab.open'; id: number; lab: Lab; setupFiles: TextFile[] }
  /** Runs the checks of step `step` (0-based) of the open lab against the page's cluster. */
  | { type: 'lab.check'; id: number; step: number }
  /** Applies manifests, then runs a commands.sh (the lab's solution, when the learner asks). */
  | { type: 'lab.apply'; id: number; manifests: TextFile[]; commands?: TextFile }
  /** The editor's Apply / Diff (`kubectl apply|diff -f FILE`) or a validation (server dry run) of its text. */
  | { type: 'editor.run'; id: number; action: EditorAction; file: TextFile }
  /** A lesson page's cluster (its frontmatter `cluster:`), sent before anything else; a lab page opens its own. */
  | { type: 'cluster.topology'; topology: LabTopology }
  /** The editor panel's answer to `ui.edit`: the saved text (the unchanged text on Cancel), or why it could not open. */
  | { type: 'ui.edit.done'; request: number; text?: string; error?: string }
  /** How fast the page's cluster clock runs: virtual seconds per wall-clock second (one of CLOCK_SPEEDS). */
  | { type: 'cluster.speed'; speed: number };

/**
 * The clock speeds a learner can pick: real time, or fast enough that a 300 s eviction
 * or a CronJob's next minute comes while they watch.
 */
export const CLOCK_SPEEDS = [1, 10, 60] as const;

export type FromWorker =
  | { type: 'ready'; protocol: number; kubernetesVersion: string }
  | { type: 'api.response'; id: number; response: ApiResponse }
  | { type: 'watch.event'; id: number; event: WatchEvent }
  | { type: 'watch.end'; id: number; reason?: string }
  | { type: 'term.output'; term: string; data: string }
  /** `more`: the line left a command unfinished (an open quote, a here-document); the page prompts with `> `. */
  | { type: 'term.exit'; term: string; code: number; more?: boolean }
  | { type: 'term.completions'; id: number; start: number; candidates: string[] }
  /** The worker asks the page to open an object in the editor (`kubectl edit`). */
  | { type: 'ui.edit'; term: string; request: number; path: string; yaml: string }
  /** The `kubectl edit` that asked for `request` ended (Ctrl-C): the panel closes. */
  | { type: 'ui.edit.end'; request: number }
  | { type: 'fatal'; message: string }
  /** The lab's cluster is ready; `problems` are the setup's (the lab's fault, not the learner's). */
  | { type: 'lab.ready'; id: number; problems: string[] }
  | { type: 'lab.checked'; id: number; result: StepResult }
  | { type: 'lab.applied'; id: number; problems: string[]; notes: string[] }
  /** A lab request that could not run (no lab open, a step that does not exist). */
  | { type: 'lab.error'; id: number; message: string }
  /** kubectl's output and exit code, and markers at the lines the API server or the YAML parser complained about. */
  | { type: 'editor.result'; id: number; code: number; output: string; markers: EditorMarker[] };

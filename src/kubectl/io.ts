/** Where a command writes; stdout and stderr stay separate so pipes and `2>` work. */
export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves when the user presses Ctrl-C (watches and `logs -f` stop on it). */
  readonly interrupted: Promise<void>;
  /** Standard input, read whole (`kubectl apply -f -`); absent means empty. */
  stdin?(): Promise<string>;
  /** An interactive terminal (the browser's xterm), for `exec -it` and `run -it`. */
  terminal?: TerminalIO;
}

/**
 * What an interactive session needs from the terminal that hosts it: keys as
 * they are typed (in TTY mode Ctrl-C arrives as "\x03" and goes to the remote
 * process), the size and its changes, and the end of input (Ctrl-D on an
 * empty line, or the terminal closing).
 */
export interface TerminalIO {
  /** A real terminal (`-t` is honoured only then, as kubectl checks its stdin). */
  readonly isTTY: boolean;
  /** Starts delivering input; returns a function that stops it. */
  onData(listener: (data: string) => void): () => void;
  /** Input is over (the remote stdin is closed). */
  onEnd(listener: () => void): () => void;
  size(): { width: number; height: number };
  onResize(listener: (size: { width: number; height: number }) => void): () => void;
}

/**
 * The files `-f` names: the learner's lesson files in the browser, the disk in
 * Node. Paths are as the user typed them.
 */
export interface FileSource {
  /** What is at `path`, or undefined when nothing is. */
  stat(path: string): Promise<'file' | 'dir' | undefined>;
  read(path: string): Promise<string>;
  /** The file's bytes (`create configmap --from-file` keeps binary files binary); without it, `read`'s text as UTF-8. */
  readBytes?(path: string): Promise<Uint8Array>;
  /** Names of the entries of a directory. */
  list(path: string): Promise<string[]>;
}

/**
 * The editor `kubectl edit` opens: $KUBE_EDITOR/$EDITOR on a temporary file in
 * Node, the page's editor panel in the browser.
 */
export interface EditorIO {
  /**
   * Writes `text` to a new temporary file named as kubectl names it
   * (`kubectl-edit-*.yaml`), lets the user edit it and resolves with the saved
   * text and the file's path. Rejects with kubectl's message when the editor
   * cannot run. `interrupted` resolves on Ctrl-C: the editor closes.
   */
  launch(text: string, ext: '.yaml' | '.json', interrupted: Promise<void>): Promise<{ text: string; path: string }>;
  /** Deletes a temporary file (kubectl keeps it only when it holds unsaved changes). */
  remove(path: string): void;
}

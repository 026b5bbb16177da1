/** Where a command writes; stdout and stderr stay separate so pipes and `2>` work. */
export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves when the user presses Ctrl-C (watches and `logs -f` stop on it). */
  readonly interrupted: Promise<void>;
  /** Standard input, read whole (`kubectl apply -f -`); absent means empty. */
  stdin?(): Promise<string>;
}

/**
 * The files `-f` names: the learner's lesson files in the browser, the disk in
 * Node. Paths are as the user typed them.
 */
export interface FileSource {
  /** What is at `path`, or undefined when nothing is. */
  stat(path: string): Promise<'file' | 'dir' | undefined>;
  read(path: string): Promise<string>;
  /** Names of the entries of a directory. */
  list(path: string): Promise<string[]>;
}

/** Where a command writes; stdout and stderr stay separate so pipes and `2>` work. */
export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves when the user presses Ctrl-C (watches and `logs -f` stop on it). */
  readonly interrupted: Promise<void>;
}

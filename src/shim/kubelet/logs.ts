// Container logs as the kubelet keeps them (CRI log files under /var/log/pods): one
// buffer per container instance, stdout and stderr interleaved with timestamps, the
// current instance and the one before it (`kubectl logs --previous`).
// K:pkg/kubelet/kuberuntime/logs/logs.go (ReadLogs: tail, since, timestamps, limitBytes).

export interface LogLine {
  /** Virtual ms since epoch. */
  at: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Lines kept per instance; older ones are rotated away, as the kubelet's 10 MiB log files are. */
const MAX_LINES = 10_000;

/** Someone reading a log as it grows (`kubectl logs -f`). */
export interface LogFollower {
  line(line: LogLine): void;
  /** The container instance exited: no more lines will come. */
  end(): void;
}

export class ContainerLog {
  readonly lines: LogLine[] = [];
  private readonly partial = { stdout: '', stderr: '' };
  private readonly followers = new Set<LogFollower>();
  /** The instance has exited (its log file is complete). */
  closed = false;

  write(stream: 'stdout' | 'stderr', text: string, at: number): void {
    const parts = (this.partial[stream] + text).split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const line of parts) this.push({ at, stream, text: line });
    if (this.lines.length > MAX_LINES * 1.25) this.lines.splice(0, this.lines.length - MAX_LINES);
  }

  /** Flushes an unterminated last line (the process exited). */
  close(at: number): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') this.push({ at, stream, text: this.partial[stream] });
      this.partial[stream] = '';
    }
    this.closed = true;
    for (const f of [...this.followers]) f.end();
    this.followers.clear();
  }

  /** Calls `follower` for each line written from now on; returns the unsubscribe. */
  follow(follower: LogFollower): () => void {
    if (this.closed) {
      follower.end();
      return () => undefined;
    }
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }

  private push(line: LogLine): void {
    this.lines.push(line);
    for (const f of this.followers) f.line(line);
  }
}

export interface LogOptions {
  previous?: boolean;
  timestamps?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  /** RFC 3339. */
  sinceTime?: string;
  limitBytes?: number;
}

/** RFC 3339 with nanoseconds, as `--timestamps` prints them. */
export function rfc3339Nano(ms: number): string {
  const whole = Math.floor(ms);
  const iso = new Date(whole).toISOString(); // 2026-01-01T00:00:01.234Z
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000000Z`;
}

export function formatLogs(lines: readonly LogLine[], opts: LogOptions, now: number): string {
  let since = -Infinity;
  if (opts.sinceSeconds !== undefined) since = now - opts.sinceSeconds * 1000;
  if (opts.sinceTime !== undefined) since = Math.max(since, Date.parse(opts.sinceTime));
  let selected = since === -Infinity ? lines : lines.filter((l) => l.at >= since);
  if (opts.tailLines !== undefined && opts.tailLines >= 0) selected = selected.slice(Math.max(0, selected.length - opts.tailLines));
  let out = '';
  for (const l of selected) out += `${opts.timestamps === true ? `${rfc3339Nano(l.at)} ` : ''}${l.text}\n`;
  if (opts.limitBytes !== undefined && out.length > opts.limitBytes) out = out.slice(0, opts.limitBytes);
  return out;
}

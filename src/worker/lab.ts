/**
 * A lab on the page's cluster: setup when the page opens (and on "Reset lab"),
 * one step's checks when the learner presses Check, the solution when they ask
 * for it. The grading engine is the one `statecraft grade` uses; only the way
 * the cluster "settles" differs. The page's cluster lives on the wall clock, so
 * instead of fast-forwarding virtual time (which would age every object and
 * run crash loops for an hour), a look waits in real time until nothing is in
 * flight — a Pod still pulling its image gets to start — or a budget runs out.
 */
import type { InProcessTransport } from '../api/transport.ts';
import { applySubmission, gradeSteps, prepareLab, type StepResult } from '../runner/grade.ts';
import type { TextFile } from '../runner/manifests.ts';
import { ShimCommandRunner } from '../runner/shim-commands.ts';
import { TransportClusterClient } from '../runner/transport-client.ts';
import type { Lab } from '../schemas/lab.ts';

export interface WallClock {
  now(): number;
  wait(ms: number): Promise<void>;
}

/** How long one Check may wait for the cluster to finish what is in flight. */
export const CHECK_BUDGET_MS = 8_000;
/** Setup and the solution may start slower things (a StatefulSet's ordered Pods). */
export const SETUP_BUDGET_MS = 30_000;
const POLL_MS = 100;

export class LabSession {
  constructor(
    readonly lab: Lab,
    readonly transport: InProcessTransport,
    private readonly clock: WallClock,
  ) {}

  /** Topology StorageClasses, setup manifests and commands; returns the setup's problems. */
  async prepare(setupFiles: TextFile[]): Promise<string[]> {
    const { problems } = await prepareLab(this.client(SETUP_BUDGET_MS), this.lab, setupFiles);
    return problems;
  }

  /** The checks of one step (0-based), numbered as the learner counts. */
  async check(index: number): Promise<StepResult> {
    const step = this.lab.steps[index];
    if (!step) throw new RangeError(`lab ${this.lab.id} has no step ${index + 1}`);
    // A client that settles never polls: no real cluster's step timeout applies.
    const [result] = await gradeSteps(this.client(CHECK_BUDGET_MS), { ...this.lab, steps: [step] }, []);
    return { ...result!, step: index + 1 };
  }

  /** Manifests in file-name order, then commands.sh line by line (the lab's solution). */
  async apply(manifests: TextFile[], commands?: TextFile): Promise<{ problems: string[]; notes: string[] }> {
    // Like grading, each line waits for the cluster to get where the previous one sent it (an exec needs its Pod).
    const { problems, notes } = await applySubmission(this.client(SETUP_BUDGET_MS), { label: 'solution', manifests, ...(commands ? { commands } : {}) }, { anyNamespace: true });
    return { problems, notes };
  }

  /** A client whose settle waits (in wall time, at most `budgetMs` in all) until the cluster is quiet. */
  private client(budgetMs: number): TransportClusterClient {
    const deadline = this.clock.now() + budgetMs;
    const cluster = this.transport.cluster;
    const settle = async () => {
      while (inFlight(this.transport) && this.clock.now() < deadline) await this.clock.wait(POLL_MS);
    };
    return new TransportClusterClient(this.transport, { commands: new ShimCommandRunner(this.transport), description: 'shim (this page)', settle });
  }
}

/**
 * Whether the cluster is still converging: a controller has work, or a
 * foreground timer is pending (an image pull, a container starting, a
 * controller's retry). Background timers (resyncs, probes, crash back-offs)
 * never count, as for `Cluster.settle()`; neither do the sleeps of the
 * containers' own processes (`while true; do …; sleep 5; done`), which are the
 * workload running, not the cluster getting there.
 */
export function inFlight(transport: InProcessTransport): boolean {
  const { cluster } = transport;
  if (cluster.busy) return true;
  if (cluster.clock.nextTimerAt() === undefined) return false;
  // The shim's container runtime labels its timers `process <pid> …` (src/shim/container/process.ts).
  return cluster.clock.pendingLabels(Infinity).some((label) => !label.startsWith('process '));
}

import type { ObsRequest, ObsResult } from './ObsConnection.ts';
import type { ObsPlan } from './obsCommands.ts';
import { ObsRequestError } from './obsErrors.ts';

/** Sends one round of requests as one RequestBatch (ObsConnection.callBatch). */
export type SendBatch = (requests: readonly ObsRequest[], what: string) => Promise<ObsResult[]>;

interface Running {
  plan: ObsPlan;
  /** This round's requests, or undefined once the plan finished. */
  requests: ObsRequest[] | undefined;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * Runs commands against OBS so that commands fired together travel together: each round of every plan
 * in a group goes out as one RequestBatch. A group is either explicit (runTogether: an `obs.batch`
 * action) or whatever was submitted in the same event-loop turn (a rule firing several actions at once).
 * One command's failure (an unknown scene...) fails that command only; the others in the batch still run.
 */
export class ObsBatcher {
  private queued: Running[] = [];
  private flushScheduled = false;

  constructor(private readonly send: SendBatch) {}

  /** Run one plan; joins every other plan submitted in this event-loop turn. */
  submit(plan: ObsPlan): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ plan, requests: undefined, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          const group = this.queued;
          this.queued = [];
          void this.runGroup(group);
        });
      }
    });
  }

  /** Run these plans as one group now; settles with each plan's outcome, in order. */
  runTogether(plans: readonly ObsPlan[]): Promise<Array<PromiseSettledResult<void>>> {
    const group: Running[] = [];
    const outcomes = plans.map((plan) => new Promise<void>((resolve, reject) => void group.push({ plan, requests: undefined, resolve, reject })));
    // Promise executors run synchronously, so `group` is complete here.
    void this.runGroup(group);
    return Promise.allSettled(outcomes);
  }

  private async runGroup(group: Running[]): Promise<void> {
    let active = group.filter((entry) => this.advance(entry, []));
    while (active.length) {
      const requests = active.flatMap((entry) => entry.requests!);
      const what = active.length === 1 ? active[0]!.plan.label : `${active.length} OBS actions (${active.map((e) => e.plan.label).join('; ')})`;
      let results: ObsResult[];
      try {
        results = await this.send(requests, what);
      } catch (err) {
        // Not sent or no answer (OBS gone, timeout): every command in flight failed the same way.
        for (const entry of active) this.fail(entry, err as Error);
        return;
      }
      let offset = 0;
      const next: Running[] = [];
      for (const entry of active) {
        const mine = results.slice(offset, offset + entry.requests!.length);
        offset += entry.requests!.length;
        const refused = mine.find((r) => !r.ok);
        if (refused) {
          this.fail(entry, new ObsRequestError(entry.plan.label, refused.requestType, refused.code, refused.comment));
        } else if (this.advance(entry, mine.map((r) => r.data))) {
          next.push(entry);
        }
      }
      active = next;
    }
  }

  /** Feed a plan its answers; true when it has another round to send. */
  private advance(entry: Running, answers: Array<Record<string, unknown>>): boolean {
    try {
      const step = entry.plan.steps.next(answers);
      if (step.done) {
        entry.resolve();
        return false;
      }
      entry.requests = step.value;
      if (entry.requests.length) return true;
      // An empty round needs no trip to OBS.
      return this.advance(entry, []);
    } catch (err) {
      entry.reject(err as Error);
      return false;
    }
  }

  private fail(entry: Running, err: Error): void {
    try {
      entry.plan.steps.return();
    } finally {
      entry.reject(err);
    }
  }
}

import { EventEmitter } from 'node:events';
import type { HealthEntry, HealthKind, HealthState } from '../protocol/health.ts';

export interface HealthRegistryEvents {
  change: [entry: HealthEntry];
  /** An entry went away with what it reported on (a removed pipeline, a finished playback). */
  remove: [entry: HealthEntry];
}

/** A handle one subsystem or adapter uses to report its own health. */
export interface HealthReporter {
  ok(): void;
  degraded(reason: string): void;
  down(reason: string): void;
  readonly state: HealthState;
}

/**
 * The single source of truth for "is everything working": the dashboard, /readyz and the
 * roomcast_health_state metric all read it. Only state changes are emitted, so flapping callers are cheap.
 */
export class HealthRegistry extends EventEmitter<HealthRegistryEvents> {
  private readonly entries = new Map<string, HealthEntry>();

  register(name: string, options: { kind: HealthKind; critical: boolean; initialReason?: string }): HealthReporter {
    if (!this.entries.has(name)) {
      this.entries.set(name, {
        name,
        kind: options.kind,
        critical: options.critical,
        state: 'down',
        reason: options.initialReason ?? 'starting',
        since: Date.now(),
      });
    }
    const set = (state: HealthState, reason?: string) => this.set(name, state, reason);
    const registry = this;
    return {
      ok: () => set('ok'),
      degraded: (reason) => set('degraded', reason),
      down: (reason) => set('down', reason),
      get state() {
        return registry.entries.get(name)?.state ?? 'down';
      },
    };
  }

  set(name: string, state: HealthState, reason?: string): void {
    const current = this.entries.get(name);
    if (!current) throw new Error(`unknown health entry "${name}": register it first`);
    const nextReason = state === 'ok' ? undefined : reason;
    if (current.state === state && current.reason === nextReason) return;
    const entry: HealthEntry = { ...current, state, reason: nextReason, since: Date.now() };
    this.entries.set(name, entry);
    this.emit('change', entry);
  }

  unregister(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    this.emit('remove', entry);
  }

  list(): HealthEntry[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Ready when no critical entry is down. */
  readiness(): { ready: boolean; notReady: HealthEntry[] } {
    const notReady = this.list().filter((e) => e.critical && e.state === 'down');
    return { ready: notReady.length === 0, notReady };
  }
}

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface HuePendingSource {
  readonly id: string;
  readonly pendingLights: number;
  readonly pendingGroups: number;
}

/** The Hue adapter's metrics, in the server's registry. */
export class HueMetrics {
  readonly commands: Counter<'bridge' | 'kind' | 'outcome'>;
  readonly waitSeconds: Histogram<'bridge' | 'kind'>;

  constructor(registry: Registry, bridges: () => readonly HuePendingSource[]) {
    this.commands = new Counter({
      name: 'roomcast_hue_commands_total',
      help: 'Commands sent to Hue bridges, by bridge, kind (light/group) and outcome (sent, or the failure kind)',
      labelNames: ['bridge', 'kind', 'outcome'] as const,
      registers: [registry],
    });
    this.waitSeconds = new Histogram({
      name: 'roomcast_hue_command_wait_seconds',
      help: 'From a wanted change the bridge did not have to the bridge accepting it (coalescing and rate limits included)',
      labelNames: ['bridge', 'kind'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers: [registry],
    });
    new Gauge({
      name: 'roomcast_hue_pending',
      help: 'Lights and groups whose latest wanted state is waiting for the bridge',
      labelNames: ['bridge', 'kind'] as const,
      registers: [registry],
      collect() {
        for (const bridge of bridges()) {
          this.set({ bridge: bridge.id, kind: 'light' }, bridge.pendingLights);
          this.set({ bridge: bridge.id, kind: 'group' }, bridge.pendingGroups);
        }
      },
    });
  }
}

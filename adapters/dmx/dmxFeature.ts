import { Counter } from 'prom-client';
import { defineFeature } from '../../server/features/Feature.ts';
import { DmxConfigSchema } from './DmxConfig.ts';
import { DmxTransmitter } from './DmxTransmitter.ts';

/**
 * DMX transmitters (Art-Net, sACN, Enttec USB DMX Pro) for the lights engine: provides 'dmx.outputs'
 * (empty when none are configured) and one health entry per output, `adapter:dmx:<id>`.
 */
export const dmxFeature = defineFeature({
  name: 'dmx',
  configSchema: DmxConfigSchema,
  async start(ctx) {
    const { health, metrics } = ctx.services;
    const packets = new Counter({
      name: 'roomcast_dmx_packets_total',
      help: 'DMX packets sent (UDP handed to the OS, serial writes drained), by output',
      labelNames: ['output'] as const,
      registers: [metrics.registry],
    });
    const failures = new Counter({
      name: 'roomcast_dmx_send_errors_total',
      help: 'DMX packets that failed to send, by output',
      labelNames: ['output'] as const,
      registers: [metrics.registry],
    });

    const outputs: DmxTransmitter[] = [];
    const closeAll = () => Promise.all(outputs.map((o) => o.close()));
    try {
      for (const config of ctx.config.outputs) {
        const reporter = health.register(`adapter:dmx:${config.id}`, { kind: 'adapter', critical: false, initialReason: 'opening' });
        const output = await DmxTransmitter.open(config, { logger: ctx.logger, health: reporter });
        const sent = packets.labels(config.id);
        const failed = failures.labels(config.id);
        output.on('delivered', () => sent.inc());
        output.on('failed', () => failed.inc());
        outputs.push(output);
      }
    } catch (err) {
      await closeAll();
      throw err;
    }
    if (!outputs.length) ctx.logger.debug('no DMX outputs configured (dmx.outputs is empty)');
    ctx.provide('dmx.outputs', outputs);
    ctx.onStop(async () => void (await closeAll()));
  },
});

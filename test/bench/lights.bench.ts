import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { DmxConfigSchema } from '../../adapters/dmx/DmxConfig.ts';
import { DmxTransmitter } from '../../adapters/dmx/DmxTransmitter.ts';
import { HealthRegistry } from '../../server/health/HealthRegistry.ts';
import { BUILTIN_EFFECTS } from '../../adapters/lights/effects/builtin/index.ts';
import { EffectRegistry } from '../../adapters/lights/effects/EffectRegistry.ts';
import { LightsEngine } from '../../adapters/lights/engine/LightsEngine.ts';
import type { DmxOutput } from '../../adapters/lights/LightOutputs.ts';
import { LookSchema } from '../../adapters/lights/looks.ts';
import { PatchSchema, type PatchFixtureInput } from '../../hardware/patch/PatchSchema.ts';
import { loadProfileLibrary } from '../../hardware/profiles/ProfileLibrary.ts';
import { createLogger } from '../../server/log/logger.ts';
import { fmt, percentile, type BenchRow } from './BenchRow.ts';

const SUITE = 'lights engine';
const logger = createLogger({ level: 'silent' });

/** `count` universes, each full of 7-channel RGB pars (73 per universe: 511 slots), grouped for effects. */
function fullRig(count: number): PatchFixtureInput[] {
  const patch: PatchFixtureInput[] = [];
  for (let universe = 1; universe <= count; universe++) {
    for (let i = 0; i < 73; i++) {
      patch.push({ id: `u${universe}-p${i}`, profile: 'rgb-par-7ch', universe, address: 1 + i * 7, groups: [i % 10 === 0 ? 'strobes' : i % 3 === 0 ? 'chasers' : 'washes'] });
    }
  }
  return patch;
}

function engineFor(patch: PatchFixtureInput[], outputs: () => { dmx: readonly DmxOutput[]; hue: [] }): LightsEngine {
  const effects = new EffectRegistry();
  for (const effect of BUILTIN_EFFECTS) effects.register(effect);
  return new LightsEngine({
    effects,
    profiles: loadProfileLibrary(),
    patch: PatchSchema.parse(patch),
    baseLook: LookSchema.parse({ all: { intensity: 0.3, colour: '#ffa040' } }),
    scenes: {},
    refreshHz: 44,
    outputs,
    logger,
  });
}

/** CPU share of one core used while `run` lasts `ms` of wall time (process.cpuUsage: user + system). */
async function cpuShare(ms: number, run: () => void, stop: () => void): Promise<{ share: number; seconds: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  await new Promise((r) => setTimeout(r, ms));
  stop();
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1_000;
  return { share: (cpu.user + cpu.system) / 1e6 / seconds, seconds };
}

/**
 * 1. Render + encode throughput: 100 full universes (7,300 fixtures) at 44 Hz with effects on every
 *    fixture (rainbow everywhere, a chase on a third, a 10 Hz strobe on a tenth: the flash limiter busy),
 *    frames handed to a DmxOutput per universe. CPU measured with process.cpuUsage over a timed run.
 * 2. The same through the real DMX adapter (Art-Net, 100 universes) to a UDP sink in another process.
 * 3. Effect fired -> first Art-Net packet carrying it, captured at a UDP socket on loopback.
 */
export async function benchLights(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const universes = 100;
  const patch = fullRig(universes);

  // 1. Engine only.
  let frames = 0;
  const outputs: DmxOutput[] = Array.from({ length: universes }, (_, i) => ({
    id: `u${i + 1}`,
    universes: [i + 1],
    setFrame: () => void frames++,
  }));
  const engine = engineFor(patch, () => ({ dmx: outputs, hue: [] }));
  engine.fire({ effect: 'rainbow', durationMs: null });
  engine.fire({ effect: 'chase', params: { stepMs: 120 }, targets: { groups: ['chasers'] }, durationMs: null });
  engine.fire({ effect: 'strobe', params: { rateHz: 10 }, targets: { groups: ['strobes'] }, durationMs: null });
  const rendered0 = engine.frameCount;
  const { share, seconds } = await cpuShare(8_000, () => engine.start(), () => engine.stopClock());
  const fps = (engine.frameCount - rendered0) / seconds;
  // CPU for one second of 44 Hz rendering: on a busy machine the clock may get fewer frames than asked.
  const at44 = share * (44 / fps);
  rows.push({
    suite: SUITE,
    figure: `${universes} universes (${patch.length} fixtures, effects on all) rendered + encoded at 44 Hz`,
    value: `${fmt(at44 * 100, 1)} % of a core (measured ${fmt(share * 100, 1)} % at ${fmt(fps, 1)} fps, ${fmt(frames / seconds, 0)} frames/s to outputs)`,
    aim: '>= 100 universes at 44 Hz in <= 50 % of a core',
    met: at44 <= 0.5,
  });
  rows.push({ suite: SUITE, figure: 'universes at 44 Hz per core (extrapolated)', value: fmt(universes / at44, 0) });

  // 2 and 3 go through the real DMX adapter (Art-Net).
  const health = new HealthRegistry();
  const open = (id: string, port: number, count: number) =>
    DmxTransmitter.open(
      DmxConfigSchema.parse({ outputs: [{ id, protocol: 'artnet', artnet: { host: '127.0.0.1', port }, universes: Array.from({ length: count }, (_, i) => ({ universe: i + 1 })) }] }).outputs[0]!,
      { logger, health: health.register(`adapter:dmx:${id}`, { kind: 'adapter', critical: false }) },
    );

  // 2. Engine + Art-Net adapter, 100 universes, packets counted by a sink in a child process.
  const sink = fork(fileURLToPath(new URL('./udpSink.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [sinkPort] = (await once(sink, 'message')) as [number];
  const artnet = await open('bench-artnet', sinkPort, universes);
  const withAdapter = engineFor(patch, () => ({ dmx: [artnet], hue: [] }));
  const adapterFrames0 = withAdapter.frameCount;
  withAdapter.fire({ effect: 'rainbow', durationMs: null });
  withAdapter.fire({ effect: 'strobe', params: { rateHz: 10 }, targets: { groups: ['strobes'] }, durationMs: null });
  const adapterRun = await cpuShare(8_000, () => withAdapter.start(), () => withAdapter.stopClock());
  await artnet.close();
  sink.send('report');
  const [packets] = (await once(sink, 'message')) as [number];
  sink.kill();
  const adapterAt44 = adapterRun.share * (44 / ((withAdapter.frameCount - adapterFrames0) / adapterRun.seconds));
  rows.push({
    suite: SUITE,
    figure: `${universes} universes rendered + sent as Art-Net (DMX adapter) at 44 Hz`,
    value: `${fmt(adapterAt44 * 100, 1)} % of a core (measured ${fmt(adapterRun.share * 100, 1)} %, ${fmt(packets / adapterRun.seconds, 0)} packets/s received)`,
    aim: '<= 50 % of a core',
    met: adapterAt44 <= 0.5,
  });

  // 3. Latency: fire -> the first ArtDmx packet whose slot 1 holds the fired level, at a loopback socket.
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const output = await open('bench-latency', socket.address().port, 1);
  const single = engineFor(
    [
      { id: 'probe', profile: 'rgb-par-7ch', universe: 1, address: 1, flashLimitOptOut: 'benchmark: steps of 1/255 only' },
      { id: 'busy', profile: 'rgb-par-7ch', universe: 1, address: 8 },
    ],
    () => ({ dmx: [output], hue: [] }),
  );
  single.start();
  let waiting: { level: number; at: number; done: (ms: number) => void } | undefined;
  socket.on('message', (packet) => {
    // ArtDmx: "Art-Net\0", opcode 0x5000 (LE) at 8, data from offset 18.
    if (!waiting || packet.length < 19 || packet.readUInt16LE(8) !== 0x5000) return;
    if (packet[18] === waiting.level) {
      waiting.done(performance.now() - waiting.at);
      waiting = undefined;
    }
  });
  const measure = async (samples: number, gapMs: () => number): Promise<number[]> => {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      await new Promise((r) => setTimeout(r, gapMs()));
      const level = 100 + (i % 50); // steps of 1/255: never a flash
      const arrived = new Promise<number>((resolve) => {
        waiting = { level, at: performance.now(), done: resolve };
      });
      single.fire({ effect: 'solid', params: { colour: '#ffffff', intensity: level / 255 }, durationMs: null, layer: 'probe', targets: { fixtures: ['probe'] } });
      const ms = await Promise.race([arrived, new Promise<null>((r) => setTimeout(() => r(null), 500))]);
      if (ms !== null) latencies.push(ms);
    }
    return latencies.slice(5).sort((a, b) => a - b);
  };
  // a) The universe at rest between fires (the usual case: an alert or gesture fires on a steady look).
  const atRest = await measure(300, () => 120 + Math.random() * 200);
  const p99 = percentile(atRest, 99);
  rows.push({ suite: SUITE, figure: `effect fired -> first Art-Net packet, universe at rest, p50 (${atRest.length} fires)`, value: `${fmt(percentile(atRest, 50))} ms` });
  rows.push({ suite: SUITE, figure: 'effect fired -> first Art-Net packet, universe at rest, p99', value: `${fmt(p99)} ms`, aim: '<= 10 ms', met: p99 <= 10 && atRest.length >= 290 });
  // b) Another fixture in the same universe animating: packets already go out at 44 Hz, so the change
  //    takes the next wire slot (up to one 22.7 ms period, by design of the adapter's pacing).
  single.fire({ effect: 'rainbow', targets: { fixtures: ['busy'] }, durationMs: null });
  const busy = await measure(200, () => 40 + Math.random() * 60);
  rows.push({
    suite: SUITE,
    figure: `effect fired -> first Art-Net packet, universe animating, p50 / p99 (${busy.length} fires)`,
    value: `${fmt(percentile(busy, 50))} / ${fmt(percentile(busy, 99))} ms`,
  });
  single.stopClock();
  await output.close();
  socket.close();
  return rows;
}

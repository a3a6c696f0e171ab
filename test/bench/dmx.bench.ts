import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { DmxConfigSchema } from '../../adapters/dmx/DmxConfig.ts';
import { DmxTransmitter } from '../../adapters/dmx/DmxTransmitter.ts';
import { HealthRegistry } from '../../server/health/HealthRegistry.ts';
import { createLogger } from '../../server/log/logger.ts';
import { decodeArtDmx, decodeE131, udpReceiver } from '../dmx/wirePackets.ts';
import { fmt, percentile, type BenchRow } from './BenchRow.ts';

const SUITE = 'dmx (dmx-ts outputs)';

type NetworkProtocol = 'artnet' | 'sacn';

/** A DmxTransmitter for `universes` universes (1..n, Port-Address / sACN universe = n) aimed at 127.0.0.1:port. */
export async function openBenchOutput(protocol: NetworkProtocol, port: number, universes: number): Promise<DmxTransmitter> {
  const mapping = Array.from({ length: universes }, (_, i) => (protocol === 'artnet' ? { universe: i + 1, portAddress: i } : { universe: i + 1, sacnUniverse: i + 1 }));
  const entry = protocol === 'artnet' ? { id: 'bench', protocol, artnet: { host: '127.0.0.1', port }, universes: mapping } : { id: 'bench', protocol, sacn: { ip: '127.0.0.1', port }, universes: mapping };
  const config = DmxConfigSchema.parse({ outputs: [entry] }).outputs[0]!;
  const health = new HealthRegistry().register('adapter:dmx:bench', { kind: 'adapter', critical: false });
  return DmxTransmitter.open(config, { logger: createLogger({ level: 'silent' }), health });
}

/**
 * Call `tick` at exactly `hz` on average (tick k aimed at t0 + k / hz), the way a render loop should run:
 * Node's setInterval(1000 / 44) doesn't keep 44 Hz. Returns a stop function.
 */
export function steadyTicker(hz: number, tick: (k: number) => void): () => void {
  const t0 = performance.now();
  let k = 0;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    tick(k++);
    timer = setTimeout(next, Math.max(0, t0 + (k * 1000) / hz - performance.now()));
  };
  next();
  return () => clearTimeout(timer);
}

/** The sequence number a latency probe frame carries in slots 1-2, from a packet of either protocol. */
function probeSequence(protocol: NetworkProtocol, data: Buffer): number {
  const slots = protocol === 'artnet' ? decodeArtDmx(data).slots : decodeE131(data).slots;
  return slots[0]! | (slots[1]! << 8);
}

/**
 * Latency from `trigger(seq)` to the first packet carrying `seq` (slots 1-2) arriving at a UDP socket on
 * loopback, for `samples` triggers on a steady clock `intervalMs` apart. Sorted, in ms. The lights
 * engine's bench reuses this with `trigger` = fire an effect.
 */
export async function wireLatency(options: {
  protocol: NetworkProtocol;
  samples: number;
  intervalMs: number;
  /** Receiver port is passed in; return a trigger that makes the frame carrying `seq` (slots 1-2) go out. */
  setup: (receiverPort: number) => Promise<{ trigger: (seq: number) => void; close: () => Promise<void> }>;
}): Promise<number[]> {
  const receiver = await udpReceiver();
  const { trigger, close } = await options.setup(receiver.port);
  const firedAt = new Map<number, number>();
  const latencies: number[] = [];
  const seen = new Set<number>();
  let consumed = 0;
  const drain = () => {
    for (; consumed < receiver.packets.length; consumed++) {
      const { at, data } = receiver.packets[consumed]!;
      const seq = probeSequence(options.protocol, data);
      const fired = firedAt.get(seq);
      if (fired !== undefined && !seen.has(seq)) {
        seen.add(seq);
        latencies.push(at - fired);
      }
    }
  };
  try {
    const t0 = performance.now();
    for (let seq = 1; seq <= options.samples; seq++) {
      const wait = t0 + (seq - 1) * options.intervalMs - performance.now(); // a steady clock, no drift
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      firedAt.set(seq, performance.now());
      trigger(seq);
      drain();
    }
    await new Promise((r) => setTimeout(r, 100));
    drain();
  } finally {
    await close();
    await receiver.close();
  }
  return latencies.sort((a, b) => a - b);
}

/** A receiver in its own process (so its work isn't billed to the sender): counts packets per universe. */
async function countingReceiver(protocol: NetworkProtocol): Promise<{ port: number; count(): Promise<{ total: number; universes: number }>; stop(): Promise<void> }> {
  const script = `
    const dgram = require('node:dgram');
    const readline = require('node:readline');
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
    const counts = new Map();
    socket.on('message', (m) => {
      const key = ${protocol === 'artnet' ? 'm.readUInt16LE(14)' : 'm.readUInt16BE(113)'};
      counts.set(key, (counts.get(key) || 0) + 1);
    });
    socket.bind(0, '127.0.0.1', () => console.log('port ' + socket.address().port));
    const lines = readline.createInterface({ input: process.stdin });
    lines.on('line', () => {
      let total = 0; for (const c of counts.values()) total += c;
      console.log('counts ' + JSON.stringify({ total, universes: counts.size }));
    });
    lines.on('close', () => socket.close());`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const next = () => once(lines, 'line').then(([line]) => String(line));
  const port = Number((await next()).replace('port ', ''));
  return {
    port,
    async count() {
      const answer = next();
      child.stdin!.write('count\n');
      return JSON.parse((await answer).replace('counts ', '')) as { total: number; universes: number };
    },
    async stop() {
      child.stdin!.end();
      await once(child, 'exit');
    },
  };
}

/**
 * `universes` universes, every slot of every universe changing on every engine tick at 44 Hz (the worst
 * case: a full-rig effect), fresh 512-byte buffers as the engine hands them over, for `seconds`. Returns
 * packets/s counted at the receiver and this process's CPU (setFrame + dmx-ts + sockets).
 */
async function sustained(
  protocol: NetworkProtocol,
  universes: number,
  seconds: number,
): Promise<{ sentPerSecond: number; packetsPerSecond: number; perUniverseHz: number; cpuPercent: number; universesSeen: number }> {
  const receiver = await countingReceiver(protocol);
  const output = await openBenchOutput(protocol, receiver.port, universes);
  let delivered = 0;
  output.on('delivered', () => delivered++);
  let tick = 0;
  const render = () => {
    tick++;
    for (let u = 1; u <= universes; u++) {
      const frame = new Uint8Array(512);
      frame.fill((tick + u) & 0xff);
      output.setFrame(u, frame);
    }
  };
  const stopTicker = steadyTicker(44, render);
  try {
    await new Promise((r) => setTimeout(r, 1000)); // warm-up: JIT, socket buffers
    await new Promise((r) => setTimeout(r, 50)); // let the warm-up's packets land before counting
    const start = await receiver.count();
    const sent0 = delivered;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu = process.cpuUsage(cpu0);
    const wall = (performance.now() - t0) / 1000;
    const sent = delivered - sent0;
    const end = await receiver.count();
    const packets = end.total - start.total;
    return {
      sentPerSecond: sent / wall,
      packetsPerSecond: packets / wall,
      perUniverseHz: packets / wall / universes,
      cpuPercent: ((cpu.user + cpu.system) / 1e6 / wall) * 100,
      universesSeen: end.universes,
    };
  } finally {
    stopTicker();
    await output.close();
    await receiver.stop();
  }
}

export async function benchDmx(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  // 1. setFrame -> packet on the wire: (a) a change after idle (100 ms apart: past the change's two
  //    repeats), (b) a change on every tick of a steady 44 Hz render loop (pacing must not hold frames).
  for (const protocol of ['artnet', 'sacn'] as const) {
    const name = protocol === 'artnet' ? 'Art-Net' : 'sACN';
    for (const mode of ['after idle', 'every 44 Hz tick'] as const) {
      // sACN is paced to 40 Hz: a 44 Hz loop outruns it by design, so its steady case renders at 40 Hz.
      const hz = protocol === 'sacn' ? 40 : 44;
      const latencies = await wireLatency({
        protocol,
        samples: mode === 'after idle' ? 300 : 600,
        intervalMs: mode === 'after idle' ? 100 : 1000 / hz,
        setup: async (port) => {
          const output = await openBenchOutput(protocol, port, 1);
          return {
            trigger: (seq) => {
              const frame = new Uint8Array(512);
              frame[0] = seq & 0xff;
              frame[1] = seq >> 8;
              output.setFrame(1, frame);
            },
            close: () => output.close(),
          };
        },
      });
      const label = mode === 'after idle' ? mode : `every ${hz} Hz tick`;
      rows.push({ suite: SUITE, figure: `${name} setFrame -> packet at receiver p50, ${label} (${latencies.length})`, value: `${fmt(percentile(latencies, 50), 3)} ms` });
      const p99 = percentile(latencies, 99);
      rows.push({ suite: SUITE, figure: `${name} setFrame -> packet at receiver p99, ${label}`, value: `${fmt(p99, 3)} ms`, aim: '<= 10 ms', met: p99 <= 10 });
    }
  }

  // 2. Sustained full-rig refresh: N universes, all changing every tick.
  for (const protocol of ['artnet', 'sacn'] as const) {
    const name = protocol === 'artnet' ? 'Art-Net' : 'sACN';
    const hz = protocol === 'artnet' ? 44 : 40;
    for (const universes of [10, 100, 200]) {
      const r = await sustained(protocol, universes, 5);
      const aimed = universes === 100;
      rows.push({
        suite: SUITE,
        figure: `${name} ${universes} universes, all changing at 44 Hz: packets/s received (per universe; sent)`,
        value: `${fmt(r.packetsPerSecond, 0)} /s (${fmt(r.perUniverseHz, 1)} Hz; ${fmt(r.sentPerSecond, 0)} sent${r.universesSeen === universes ? '' : `; only ${r.universesSeen} universes seen`})`,
        aim: `${universes * hz} /s (${hz} Hz each)`,
        met: r.perUniverseHz >= hz * 0.95 && r.universesSeen === universes,
      });
      rows.push({
        suite: SUITE,
        figure: `${name} ${universes} universes: CPU of one core`,
        value: `${fmt(r.cpuPercent, 1)} %`,
        ...(aimed ? { aim: '<= 50 % for 100 universes', met: r.cpuPercent <= 50 } : {}),
      });
    }
  }
  return rows;
}

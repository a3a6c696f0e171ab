import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { RtpTap } from '../../server/media/MediaContracts.ts';
import { roomWorker, startIngestServer, type IngestServer } from '../ingest/helpers/ingestHarness.ts';
import { fmt, percentile, type BenchRow } from './BenchRow.ts';
import { sleep } from '../helpers/wait.ts';

/**
 * The mediasoup hop the media bridge depends on: plain RTP into a room (comedia input) -> a tap (PlainTransport
 * + Consumer) -> a local UDP port, as in capture -> decoder. A Node sender stamps each packet with its send
 * time; receivers measure the hop. Then the same with 100 taps of one producer (listener fan-out), and the
 * time a killed worker takes to be restarted with RTP flowing to the tap again.
 */

const SUITE = 'ingest-mediasoup';
const PACKET_INTERVAL_MS = 20; // one Opus frame
const PAYLOAD_BYTES = 160; // ~64 kbit/s Opus

function rtpPacket(sequence: number, timestamp: number, ssrc: number, payloadType: number): Buffer {
  const packet = Buffer.alloc(12 + PAYLOAD_BYTES);
  packet[0] = 0x80;
  packet[1] = payloadType & 0x7f;
  packet.writeUInt16BE(sequence & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
  packet[12] = 0xfc; // Opus TOC: CELT fullband 20 ms, one frame
  packet.writeBigUInt64BE(process.hrtime.bigint(), 13);
  return packet;
}

interface Receiver {
  socket: Socket;
  port: number;
  latenciesMs: number[];
  lastArrival: number;
}

async function receiver(): Promise<Receiver> {
  const socket = createSocket('udp4');
  const r: Receiver = { socket, port: 0, latenciesMs: [], lastArrival: 0 };
  socket.on('message', (message) => {
    if (message.length < 21 || (message[1]! >= 192 && message[1]! <= 223)) return; // RTCP
    let offset = 12 + (message[0]! & 0x0f) * 4;
    if (message[0]! & 0x10) offset += 4 + message.readUInt16BE(offset + 2) * 4; // header extension added on the way
    const sent = message.readBigUInt64BE(offset + 1);
    r.latenciesMs.push(Number(process.hrtime.bigint() - sent) / 1e6);
    r.lastArrival = Date.now();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  r.port = socket.address().port;
  return r;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime (field 14, 15)
}


export async function benchIngestMediasoup(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const server: IngestServer = await startIngestServer({ yaml: 'rooms: [{ id: bench }]\ningest: { workers: 2, maxConsumersPerRouter: 1000 }\n' });
  const sender = createSocket('udp4');
  const receivers: Receiver[] = [];
  const taps: RtpTap[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const input = (await server.api('/api/media/rtp-inputs', { method: 'POST', body: { room: 'bench', label: 'bench-mic', kind: 'audio', codec: 'opus' } })).body as {
      port: number;
      payloadType: number;
      ssrc: number;
      producerId: string;
    };
    let sequence = 0;
    timer = setInterval(() => {
      sequence++;
      sender.send(rtpPacket(sequence, sequence * 960, input.ssrc, input.payloadType), input.port, '127.0.0.1');
    }, PACKET_INTERVAL_MS);

    // 1. One tap.
    const first = await receiver();
    receivers.push(first);
    taps.push(await server.ingress.tapProducer(input.producerId, first.port));
    await sleep(1_000);
    first.latenciesMs.length = 0;
    await sleep(10_000);
    const single = [...first.latenciesMs].sort((a, b) => a - b);
    rows.push(
      { suite: SUITE, figure: 'plain RTP in -> tap out (mediasoup hop), p50, 1 tap, 50 packets/s', value: `${fmt(percentile(single, 50))} ms` },
      { suite: SUITE, figure: 'same, p95', value: `${fmt(percentile(single, 95))} ms`, aim: '<= 5 ms (its share of 60 ms capture -> frame)', met: percentile(single, 95) <= 5 },
      { suite: SUITE, figure: 'same, delivered', value: `${single.length} of ~500 packets` },
    );

    // 2. 100 taps of the same producer (listener fan-out), and the worker's CPU for it.
    for (let i = 1; i < 100; i++) {
      const r = await receiver();
      receivers.push(r);
      taps.push(await server.ingress.tapProducer(input.producerId, r.port));
    }
    await sleep(1_000);
    for (const r of receivers) r.latenciesMs.length = 0;
    const pid = (await roomWorker(server, 'bench')).pid!;
    const ticksBefore = cpuTicks(pid);
    const startedAt = Date.now();
    await sleep(10_000);
    const cpuPercent = ((cpuTicks(pid) - ticksBefore) / 100 / ((Date.now() - startedAt) / 1000)) * 100;
    const fanout = receivers.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
    rows.push(
      { suite: SUITE, figure: 'fan-out, 100 taps of one producer (5,000 packets/s out): hop p50', value: `${fmt(percentile(fanout, 50))} ms` },
      { suite: SUITE, figure: 'fan-out, 100 taps: hop p95', value: `${fmt(percentile(fanout, 95))} ms` },
      { suite: SUITE, figure: 'fan-out, 100 taps: mediasoup worker CPU', value: `${fmt(cpuPercent, 1)} % of one core` },
    );
    for (const tap of taps.splice(1)) await tap.close();

    // 3. Kill the room's worker: time until RTP reaches the tap again (restart + router + input + tap rebuilt).
    const recoveries: number[] = [];
    for (let round = 0; round < 5; round++) {
      const worker = await roomWorker(server, 'bench');
      const killedAt = Date.now();
      process.kill(worker.pid!, 'SIGKILL');
      await sleep(50);
      const deadline = Date.now() + 10_000;
      while (first.lastArrival <= killedAt + 50 && Date.now() < deadline) await sleep(5);
      recoveries.push(first.lastArrival - killedAt);
      await sleep(1_000);
    }
    recoveries.sort((a, b) => a - b);
    rows.push(
      { suite: SUITE, figure: 'worker SIGKILL -> RTP at the tap again, p50 (5 kills)', value: `${fmt(percentile(recoveries, 50), 0)} ms` },
      { suite: SUITE, figure: 'worker SIGKILL -> RTP at the tap again, max', value: `${fmt(recoveries.at(-1)!, 0)} ms`, aim: '<= 2,000 ms', met: recoveries.at(-1)! <= 2_000 },
    );
  } finally {
    clearInterval(timer);
    for (const tap of taps) await tap.close();
    sender.close();
    for (const r of receivers) r.socket.close();
    await server.stop();
  }
  return rows;
}

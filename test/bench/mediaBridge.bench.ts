import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort } from '../../server/media/bridge/udpPort.ts';
import { createBridge, nextFrame } from '../media/helpers/bridgeHarness.ts';
import { readStamp } from '../media/helpers/framePattern.ts';
import { RtpTestIngress, VP8 } from '../media/helpers/RtpTestIngress.ts';
import { spawnGst, stopChild } from '../media/helpers/rtpSenders.ts';
import { fmt, percentile, type BenchRow } from './BenchRow.ts';

const SUITE = 'media bridge (GStreamer children)';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WARMUP_MS = 3_000;
const MEASURE_MS = 10_000;
const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ

/** user + system CPU seconds a process has used (from /proc). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND; // utime, stime
}

/** A publisher in its own process: stamped 640x480@30 VP8 frames as RTP to `port`. */
async function startSenderProcess(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'server/cli/run-ts.mjs'), path.join(ROOT, 'test/media/helpers/vp8SenderProcess.ts'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('sending') && resolve());
    child.once('exit', (code) => reject(new Error(`sender exited (${code})`)));
  });
  return child;
}

/**
 * Capture -> decoded frame in a pipeline, and what it costs, for one 640x480@30 VP8 stream.
 * The publisher runs in its own process and writes its send time into each picture (see
 * test/media/helpers/framePattern.ts); the bridge decodes the RTP in a supervised gst-launch child and
 * the consumer reads the time back from the decoded RGB: latency = Date.now() at the consumer minus the
 * stamped time (same machine, same clock), so it includes VP8 encoding, RTP on loopback, the jitter
 * buffer, decoding, scaling and the hop into Node. CPU is the decoder child plus this process (which
 * only reads frames), beside a bare gst-launch decode of the same RTP as the baseline.
 */
export async function benchMediaBridge(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  // 1. Through the bridge.
  const ingress = new RtpTestIngress();
  const { bridge } = createBridge(ingress);
  let sender: ChildProcess | undefined;
  const cam = ingress.addProducer({ room: 'demo', label: 'bench-cam', kind: 'video', codec: VP8 }, (port) => ({
    start: async () => void (sender = await startSenderProcess(port)),
    stop: () => stopChild(sender),
  }));
  try {
    const source = await bridge.videoSource(cam.producerId);
    await nextFrame(source, 15_000);
    const warmupEnd = Date.now() + WARMUP_MS;
    while (Date.now() < warmupEnd) await nextFrame(source);

    const decoderPid = bridge.decoder(cam.producerId)!.pid!;
    const latencies: number[] = [];
    const captureErrors: number[] = [];
    const bridgeShare: number[] = [];
    const childCpu0 = processCpuSeconds(decoderPid);
    const nodeCpu0 = process.cpuUsage();
    const started = performance.now();
    let frames = 0;
    let firstCounter: number | undefined;
    let lastCounter = 0;
    while (performance.now() - started < MEASURE_MS) {
      const frame = await nextFrame(source);
      const receivedAt = Date.now();
      const stamp = readStamp(frame.data, frame.width, frame.height, receivedAt);
      latencies.push(receivedAt - stamp.sentAt);
      captureErrors.push(frame.captureTs - stamp.sentAt);
      bridgeShare.push(receivedAt - frame.captureTs);
      firstCounter ??= stamp.counter;
      lastCounter = stamp.counter;
      frames++;
    }
    const seconds = (performance.now() - started) / 1000;
    const childCpu = ((processCpuSeconds(decoderPid) - childCpu0) / seconds) * 100;
    const nodeUsage = process.cpuUsage(nodeCpu0);
    const nodeCpu = ((nodeUsage.user + nodeUsage.system) / 1e6 / seconds) * 100;
    await source.close();

    latencies.sort((a, b) => a - b);
    captureErrors.sort((a, b) => a - b);
    bridgeShare.sort((a, b) => a - b);
    const p95 = percentile(latencies, 95);
    const total = childCpu + nodeCpu;
    rows.push({ suite: SUITE, figure: 'capture -> decoded frame in the pipeline, p50 (640x480@30 VP8)', value: `${fmt(percentile(latencies, 50), 1)} ms` });
    rows.push({ suite: SUITE, figure: 'capture -> decoded frame in the pipeline, p95', value: `${fmt(p95, 1)} ms`, aim: '<= 60 ms', met: p95 <= 60 });
    // The sender's own rate (its counter's advance): on a busy machine it may not make 30 fps itself.
    rows.push({ suite: SUITE, figure: 'frames delivered / frames the sender made', value: `${fmt(frames / seconds, 1)} / ${fmt((lastCounter - (firstCounter ?? 0) + 1) / seconds, 1)} fps` });
    rows.push({ suite: SUITE, figure: 'CPU per stream incl. decode: decoder child + Node reader', value: `${fmt(total, 1)} % of one core`, aim: '<= 20 % of one core', met: total <= 20 });
    rows.push({ suite: SUITE, figure: '  of which the gst-launch decoder child', value: `${fmt(childCpu, 1)} %` });
    rows.push({
      suite: SUITE,
      figure: '  of which Node (pipe reads, GDP, frame delivery)',
      value: `${fmt(nodeCpu, 1)} % (user ${fmt((nodeUsage.user / 1e6 / seconds) * 100, 1)}, system ${fmt((nodeUsage.system / 1e6 / seconds) * 100, 1)})`,
    });
    // captureTs is the RTP arrival (jitter-buffer estimate): it splits the latency into the publisher's
    // share (encode, send) and the bridge's (jitter buffer, decode, scale, the hop into Node).
    rows.push({ suite: SUITE, figure: '  publisher share: stamped time -> frame.captureTs (RTP arrival), p50 / p95', value: `${fmt(percentile(captureErrors, 50), 1)} / ${fmt(percentile(captureErrors, 95), 1)} ms` });
    rows.push({ suite: SUITE, figure: '  bridge share: frame.captureTs -> frame in the pipeline, p50 / p95', value: `${fmt(percentile(bridgeShare, 50), 1)} / ${fmt(percentile(bridgeShare, 95), 1)} ms` });
  } finally {
    await bridge.close();
    await ingress.close();
  }

  // 2. Baseline: bare gst-launch-1.0 decoding the same RTP to RGB (no GDP, no Node reader).
  const port = await freeUdpPort();
  const baseline = spawnGst([
    'udpsrc', 'address=127.0.0.1', `port=${port}`, 'caps=application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=96',
    '!', 'rtpjitterbuffer', 'latency=50', '!', 'rtpvp8depay', '!', 'vp8dec', '!', 'videoconvert', '!', 'videoscale',
    '!', 'video/x-raw,format=RGB,width=640,height=480', '!', 'fakesink', 'sync=false',
  ]);
  const baselineSender = await startSenderProcess(port);
  try {
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const cpu0 = processCpuSeconds(baseline.pid!);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    const cpu = ((processCpuSeconds(baseline.pid!) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
    rows.push({ suite: SUITE, figure: 'baseline: bare gst-launch-1.0 decode of the same RTP (-> RGB, fakesink)', value: `${fmt(cpu, 1)} % of one core` });
  } finally {
    await stopChild(baselineSender);
    await stopChild(baseline);
  }
  return rows;
}

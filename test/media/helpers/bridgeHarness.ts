import type { AudioFrame, VideoFrame } from '../../../pipelines/frames.ts';
import { HealthRegistry } from '../../../server/health/HealthRegistry.ts';
import { createLogger } from '../../../server/log/logger.ts';
import type { MediaIngress, MediaSource } from '../../../server/media/MediaContracts.ts';
import { MediaBridgeConfigSchema, type MediaBridgeConfig } from '../../../server/media/bridge/mediaBridgeConfig.ts';
import { MediaBridgeService } from '../../../server/media/bridge/MediaBridgeService.ts';
import type { HealthEntry } from '../../../server/protocol/health.ts';

/** A MediaBridgeService on a given ingress, with its own health registry, as the feature would build it. */
export function createBridge(ingress: MediaIngress, config: Record<string, unknown> = {}) {
  const health = new HealthRegistry();
  const parsed: MediaBridgeConfig = MediaBridgeConfigSchema.parse(config);
  const logger = createLogger({ level: (process.env.ROOMCAST_TEST_LOG as 'debug' | undefined) ?? 'silent' });
  const bridge = new MediaBridgeService({ ingress, config: parsed, health, logger });
  return {
    bridge,
    health,
    config: parsed,
    healthOf: (name: string): HealthEntry | undefined => health.list().find((e) => e.name === name),
  };
}

/** The next frame within `timeoutMs`, or a clear failure. */
export async function nextFrame<F extends VideoFrame | AudioFrame>(source: MediaSource<F>, timeoutMs = 10_000, what = 'a frame'): Promise<F> {
  const iterator = source[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    iterator.next(),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} from ${source.id} within ${timeoutMs} ms`)), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
  if (result.done) throw new Error(`${source.id} ended while waiting for ${what}`);
  return result.value;
}

/** Every frame (with its arrival time) for `durationMs`. */
export async function collectFrames<F extends VideoFrame | AudioFrame>(source: MediaSource<F>, durationMs: number): Promise<Array<{ frame: F; receivedAt: number }>> {
  const out: Array<{ frame: F; receivedAt: number }> = [];
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    const frame = await nextFrame(source, Math.max(1, end - Date.now()) + 2_000);
    out.push({ frame, receivedAt: Date.now() });
  }
  return out;
}

/** Concatenate audio frames' samples. */
export function joinSamples(frames: readonly AudioFrame[]): Float32Array {
  const out = new Float32Array(frames.reduce((n, f) => n + f.samples.length, 0));
  let offset = 0;
  for (const f of frames) {
    out.set(f.samples, offset);
    offset += f.samples.length;
  }
  return out;
}

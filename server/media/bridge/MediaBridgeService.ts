import type { Logger } from 'pino';
import { z } from 'zod';
import type { AudioFrame, VideoFrame } from '../../../pipelines/frames.ts';
import { NotFoundError, RequestError } from '../../errors.ts';
import type { HealthRegistry } from '../../health/HealthRegistry.ts';
import { parseOrThrow } from '../../validation/formatIssues.ts';
import type { AudioOutputTarget, AudioPlayback, MediaBridge, MediaIngress, MediaKind, MediaSource } from '../MediaContracts.ts';
import type { DecodedSource } from './DecodedSource.ts';
import { pulseOutputPipeline, rtpOpusOutputPipeline } from './gst/gstPipelines.ts';
import type { MediaBridgeConfig } from './mediaBridgeConfig.ts';
import type { MediaBridgeMetrics } from './mediaBridgeMetrics.ts';
import type { AudioOutput } from './outputs/AudioOutput.ts';
import { GstAudioOutput } from './outputs/GstAudioOutput.ts';
import { IcecastOutput } from './outputs/IcecastOutput.ts';
import { PcmPlayback } from './PcmPlayback.ts';
import { describeTarget, PlayOptionsSchema } from './playOptions.ts';
import { ProducerDecoder } from './ProducerDecoder.ts';
import { freeUdpPort } from './udpPort.ts';

export interface MediaBridgeServiceOptions {
  ingress: MediaIngress;
  config: MediaBridgeConfig;
  health: HealthRegistry;
  logger: Logger;
  metrics?: MediaBridgeMetrics | undefined;
}

const ProducerIdSchema = z.string().min(1).max(200);

/**
 * The `media.bridge` service. In: one decoder per producer, shared by every consumer of it, started
 * with the first consumer and stopped with the last. Out: `play()` checks its targets, starts one
 * output per target and paces the PCM to all of them.
 */
export class MediaBridgeService implements MediaBridge {
  private readonly options: MediaBridgeServiceOptions;
  private readonly logger: Logger;
  private readonly decoders = new Map<string, { decoder: ProducerDecoder; ready: Promise<void> }>();
  private readonly playbacks = new Set<PcmPlayback>();
  private readonly mountsInUse = new Set<string>();
  private playbackCount = 0;
  private closed = false;

  constructor(options: MediaBridgeServiceOptions) {
    this.options = options;
    this.logger = options.logger;
  }

  videoSource(producerId: string): Promise<MediaSource<VideoFrame>> {
    return this.source(producerId, 'video') as Promise<MediaSource<VideoFrame>>;
  }

  audioSource(producerId: string): Promise<MediaSource<AudioFrame>> {
    return this.source(producerId, 'audio') as Promise<MediaSource<AudioFrame>>;
  }

  /** The running decoder of a producer, if any consumer has it open (for tests and diagnostics). */
  decoder(producerId: string): ProducerDecoder | undefined {
    return this.decoders.get(producerId)?.decoder;
  }

  private async source(producerId: string, kind: MediaKind): Promise<DecodedSource<VideoFrame | AudioFrame>> {
    this.assertOpen();
    const id = parseOrThrow(ProducerIdSchema, producerId, 'producer id');
    const { ingress } = this.options;
    const producer = ingress.producer(id);
    if (!producer) throw new NotFoundError('producer', id, ingress.producers().map((p) => `${p.producerId} (${p.room}/${p.label}, ${p.kind})`));
    if (producer.kind !== kind) {
      throw new RequestError(400, 'wrong_kind', `producer "${id}" (${producer.room}/${producer.label}) is ${producer.kind}: use ${producer.kind}Source()`);
    }
    // A decoder whose last consumer left while we waited for it has stopped: start a new one.
    for (;;) {
      let entry = this.decoders.get(id);
      if (!entry) {
        const decoder = new ProducerDecoder({
          producer,
          ingress,
          config: this.options.config,
          health: this.options.health,
          logger: this.logger,
          metrics: this.options.metrics,
          onStopped: (stopped) => {
            if (this.decoders.get(id)?.decoder === stopped) this.decoders.delete(id);
          },
        });
        entry = { decoder, ready: decoder.start() };
        this.decoders.set(id, entry);
      }
      await entry.ready;
      this.assertOpen();
      if (!entry.decoder.isStopped) return entry.decoder.subscribe();
    }
  }

  async play(options: { channels: 1 | 2; targets: readonly AudioOutputTarget[] }): Promise<AudioPlayback> {
    this.assertOpen();
    const { channels, targets } = parseOrThrow(PlayOptionsSchema, options, 'play options');
    const { config } = this.options;
    const seen = new Set<string>();
    for (const [index, target] of targets.entries()) {
      const name = describeTarget(target);
      if (seen.has(name)) throw new RequestError(400, 'invalid_request', `targets[${index}]: ${name} is named twice`);
      seen.add(name);
      if (target.type === 'icecast') {
        if (!config.icecast.password) throw new RequestError(400, 'not_configured', `targets[${index}]: icecast is not configured (set mediaBridge.icecast.password and mounts)`);
        const known = config.icecast.mounts.map((m) => m.mount);
        if (!known.includes(target.mount)) throw new NotFoundError('icecast mount', target.mount, known);
        if (this.mountsInUse.has(target.mount)) throw new RequestError(409, 'conflict', `targets[${index}]: icecast mount ${target.mount} is already playing another stream`);
      }
    }

    const id = `play-${++this.playbackCount}`;
    const outputs: AudioOutput[] = [];
    const mounts: string[] = [];
    try {
      for (const target of targets) {
        const output = await this.createOutput(id, channels, target);
        outputs.push(output);
        if (target.type === 'icecast') {
          this.mountsInUse.add(target.mount);
          mounts.push(target.mount);
        }
        await output.start();
      }
    } catch (err) {
      await Promise.all(outputs.map((o) => o.close().catch(() => undefined)));
      for (const mount of mounts) this.mountsInUse.delete(mount);
      throw err;
    }
    const playback = new PcmPlayback({
      id,
      channels,
      outputs,
      playAheadMs: config.playAheadMs,
      logger: this.logger.child({ playback: id }),
      metrics: this.options.metrics,
      onClosed: (closed) => {
        this.playbacks.delete(closed);
        for (const mount of mounts) this.mountsInUse.delete(mount);
      },
    });
    this.playbacks.add(playback);
    this.logger.info({ playback: id, channels, targets: targets.map(describeTarget) }, 'playback started');
    return playback;
  }

  private async createOutput(playbackId: string, channels: 1 | 2, target: z.output<typeof PlayOptionsSchema>['targets'][number]): Promise<AudioOutput> {
    const { config, health, metrics } = this.options;
    const logger = this.logger.child({ playback: playbackId, output: describeTarget(target) });
    const common = { gstLaunch: config.gstLaunch, channels, maxRestartDelayMs: config.maxRestartDelayMs, health, logger, metrics };
    switch (target.type) {
      case 'listeners': {
        // The ingress checks the room and zone (404 / 409 for a zone that already has generated audio).
        const injector = await this.options.ingress.createAudioInjector(target.room, target.zone);
        const sourcePort = await freeUdpPort().catch(async (err: Error) => {
          await injector.close();
          throw err;
        });
        return new GstAudioOutput({
          ...common,
          type: 'listeners',
          healthName: `media:output:${playbackId}:listeners:${target.room}/${target.zone}`,
          description: `listeners ${target.room}/${target.zone}`,
          pipeline: rtpOpusOutputPipeline({ channels, rtpPort: injector.rtpPort, sourcePort, payloadType: injector.payloadType, ssrc: injector.ssrc, bitrate: config.listeners.opusBitrate }),
          onClosed: () => injector.close(),
        });
      }
      case 'speakers': {
        const sink = target.sink ?? config.speakers.sink;
        return new GstAudioOutput({
          ...common,
          type: 'speakers',
          healthName: `media:output:${playbackId}:speakers${sink ? `:${sink}` : ''}`,
          description: `speakers${sink ? ` (sink ${sink})` : ''}`,
          pipeline: pulseOutputPipeline({ channels, server: config.speakers.server, sink, bufferMs: config.speakers.bufferMs }),
        });
      }
      case 'icecast':
        return new IcecastOutput({
          healthName: `media:output:${playbackId}:icecast:${target.mount}`,
          mount: target.mount,
          format: target.format,
          channels,
          config,
          health,
          logger,
          metrics,
        });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new RequestError(503, 'unavailable', 'the media bridge is stopping');
  }

  /** Stop every decoder and playback (server shutdown). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([
      ...[...this.decoders.values()].map(({ decoder }) => decoder.stop('media bridge stopping')),
      ...[...this.playbacks].map((playback) => playback.close()),
    ]);
  }
}

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { NotFoundError, RequestError } from '../../errors.ts';
import type { HealthReporter } from '../../health/HealthRegistry.ts';
import { ComediaProducer } from './ComediaProducer.ts';
import type { IngestConfig, RtpInputConfig } from './ingestConfig.ts';
import { DEFAULT_PAYLOAD_TYPES, stableSsrc } from './mediaCodecs.ts';
import type { MediaIngressService } from './MediaIngressService.ts';
import type { RtpInputStore, SavedRtpInput } from './RtpInputStore.ts';

/** What a device needs to know to send to an input (and what the API answers). */
export interface RtpInputDescription {
  id: string;
  producerId: string;
  room: string;
  label: string;
  kind: RtpInputConfig['kind'];
  codec: RtpInputConfig['codec'];
  payloadType: number;
  ssrc: number;
  /** Send RTP (RTCP muxed on the same port) to this address and port. */
  address: string;
  port: number;
  source: 'config' | 'api';
}

const KEYFRAME_HINT: Record<RtpInputConfig['codec'], string> = {
  vp8: 'VP8 must carry picture IDs, e.g. GStreamer `rtpvp8pay picture-id-mode=15-bit`, and keyframes at least every few seconds',
  h264: 'send keyframes (IDR) at least every few seconds, with SPS/PPS',
  opus: '',
};

interface RtpInput {
  description: RtpInputDescription;
  producer: ComediaProducer;
  lastPacketCount: number;
  lastPacketAt: number | null;
}

/**
 * Plain-RTP inputs for devices without a browser: each is a comedia PlainTransport + Producer on its
 * room's router, shown as a producer with origin `rtp`. Configured ones (`ingest.rtpInputs`) exist from
 * start; operators add more through the API, kept (with the port and SSRC they were given) in the
 * RtpInputStore until deleted, so a device sending to one keeps working across restarts.
 * `media:rtp-inputs` health turns degraded when an input that was receiving goes silent, or a saved
 * one could not be brought back.
 */
export class PlainRtpInputs {
  private readonly inputs = new Map<string, RtpInput>();
  private readonly service: MediaIngressService;
  private readonly config: IngestConfig;
  private readonly logger: Logger;
  private readonly health: HealthReporter;
  private readonly store: RtpInputStore | undefined;
  /** Saved inputs that could not be brought back, and a failed save: shown in health until fixed. */
  private readonly storeProblems = new Map<string, string>();
  /** Saved inputs that could not be brought back: kept in the file, so fixing the cause restores them. */
  private unrestored: SavedRtpInput[] = [];
  private watchTimer: NodeJS.Timeout | undefined;

  constructor(options: { service: MediaIngressService; config: IngestConfig; logger: Logger; health: HealthReporter; store?: RtpInputStore }) {
    this.service = options.service;
    this.config = options.config;
    this.logger = options.logger;
    this.health = options.health;
    this.store = options.store;
  }

  async start(): Promise<void> {
    for (const [index, input] of this.config.rtpInputs.entries()) {
      try {
        await this.create(input, 'config');
      } catch (err) {
        throw new Error(`ingest.rtpInputs[${index}] (${input.room}/${input.label}): ${(err as Error).message}`, { cause: err });
      }
    }
    await this.restore();
    this.watchTimer = setInterval(() => void this.watch(), Math.min(2_000, this.config.rtpInputSilenceMs / 2));
    this.watchTimer.unref();
    if (this.storeProblems.size) this.health.degraded([...this.storeProblems.values()].join('; '));
    else this.health.ok();
  }

  /** Bring back the inputs operators created before the restart; one that can't be is reported, not fatal. */
  private async restore(): Promise<void> {
    if (!this.store) return;
    const { inputs, problems } = this.store.load();
    problems.forEach((problem, index) => this.storeProblems.set(`load:${index}`, problem));
    for (const saved of inputs) {
      const { id, ...input } = saved;
      try {
        await this.create(input, 'restored', id);
      } catch (err) {
        this.unrestored.push(saved);
        this.storeProblems.set(id, `saved RTP input ${input.room}/${input.label} (port ${input.port}) could not be restored: ${(err as Error).message}`);
      }
    }
    for (const problem of this.storeProblems.values()) this.logger.error(problem);
  }

  /** Save the operator-created inputs (after each create and delete). */
  private persist(): void {
    if (!this.store) return;
    const saved: SavedRtpInput[] = [...this.inputs.values()]
      .filter((input) => input.description.source === 'api')
      .map(({ description: d }) => ({ id: d.id, room: d.room, label: d.label, kind: d.kind, codec: d.codec, port: d.port, payloadType: d.payloadType, ssrc: d.ssrc }));
    try {
      this.store.save([...saved, ...this.unrestored]);
      this.storeProblems.delete('save');
    } catch (err) {
      this.storeProblems.set('save', `RTP inputs could not be saved to ${this.store.file} (they are lost at restart): ${(err as Error).message}`);
      this.logger.error({ err: (err as Error).message }, 'saving RTP inputs failed');
    }
  }

  list(): RtpInputDescription[] {
    return [...this.inputs.values()].map((input) => ({ ...input.description }));
  }

  get(id: string): RtpInput {
    const input = this.inputs.get(id);
    if (!input) throw new NotFoundError('RTP input', id, [...this.inputs.keys()]);
    return input;
  }

  /** `restored`: an operator's input from the store (it is already saved, under this id). */
  async create(input: RtpInputConfig, origin: 'config' | 'api' | 'restored', id: string = randomUUID()): Promise<RtpInputDescription> {
    const source = origin === 'config' ? 'config' : 'api';
    const room = this.service.room(input.room);
    if (this.service.registry.byLabel(input.room, input.label)) {
      throw new RequestError(409, 'conflict', `label "${input.label}" is already used by a producer in room "${input.room}"`);
    }
    const release = this.service.reserveLabel(input.room, input.label);
    const listen = this.config.listenIps[0]!;
    const producer = new ComediaProducer({
      producerId: id,
      room,
      registry: this.service.registry,
      label: input.label,
      kind: input.kind,
      codec: input.codec,
      payloadType: input.payloadType ?? DEFAULT_PAYLOAD_TYPES[input.codec],
      ssrc: input.ssrc ?? stableSsrc(`rtp-input/${input.room}/${input.label}`),
      origin: 'rtp',
      owner: { type: 'rtp-input', inputId: id },
      listenIp: listen.ip,
      port: input.port,
      silenceRearmMs: this.config.rtpInputSilenceMs,
      logger: this.logger.child({ rtpInput: `${input.room}/${input.label}` }),
    });
    try {
      await producer.start();
    } catch (err) {
      await producer.close();
      const message = (err as Error).message;
      throw /address already in use|bind/i.test(message)
        ? new RequestError(409, 'conflict', `UDP port ${input.port ?? '(from the range)'} is not available: ${message}`)
        : err;
    } finally {
      release();
    }
    const description: RtpInputDescription = {
      id,
      producerId: id,
      room: input.room,
      label: input.label,
      kind: input.kind,
      codec: input.codec,
      payloadType: producer.payloadType,
      ssrc: producer.ssrc,
      address: listen.announcedAddress ?? listen.ip,
      port: producer.port,
      source,
    };
    this.inputs.set(id, { description, producer, lastPacketCount: 0, lastPacketAt: null });
    this.logger.info({ ...description }, 'plain RTP input ready');
    if (origin === 'api') this.persist();
    return { ...description };
  }

  async stats(id: string): Promise<Awaited<ReturnType<ComediaProducer['stats']>> & { lastPacketAt: number | null }> {
    const input = this.get(id);
    return { ...(await input.producer.stats()), lastPacketAt: input.lastPacketAt };
  }

  async delete(id: string): Promise<void> {
    const input = this.get(id);
    this.inputs.delete(id);
    if (input.description.source === 'api') this.persist();
    await input.producer.close('RTP input deleted');
    this.logger.info({ id, room: input.description.room, label: input.description.label }, 'plain RTP input deleted');
  }

  /** Health: inputs that received packets and then went quiet for `ingest.rtpInputSilenceMs`. */
  private async watch(): Promise<void> {
    const now = Date.now();
    const problems: string[] = [];
    for (const input of this.inputs.values()) {
      const name = `${input.description.room}/${input.description.label}`;
      try {
        const { packetCount, keyframes } = await input.producer.stats();
        if (packetCount !== input.lastPacketCount && packetCount > 0) input.lastPacketAt = now;
        input.lastPacketCount = packetCount;
        // ~3 s of video without a single recognisable keyframe: nobody downstream will ever see a picture.
        if (keyframes === 0 && packetCount > 90) problems.push(`${name} receives video but no keyframe mediasoup can recognise (${KEYFRAME_HINT[input.description.codec]})`);
      } catch {
        // Worker restarting: judged on the next round.
      }
      if (input.lastPacketAt !== null && now - input.lastPacketAt > this.config.rtpInputSilenceMs) problems.push(`no RTP for ${this.config.rtpInputSilenceMs / 1000} s on ${name}`);
    }
    problems.push(...this.storeProblems.values());
    if (problems.length) this.health.degraded(problems.join('; '));
    else this.health.ok();
  }

  async close(): Promise<void> {
    clearInterval(this.watchTimer);
    for (const input of this.inputs.values()) await input.producer.close('server stopping');
    this.inputs.clear();
  }
}

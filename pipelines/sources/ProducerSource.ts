import type { MediaBridge, MediaIngress, MediaKind, MediaSource, ProducerInfo } from '../../server/media/MediaContracts.ts';
import type { AudioFrame, VideoFrame } from '../frames.ts';
import { sleep } from '../engine/Backoff.ts';
import { type PipelineSource, type PushFrame, type SourceReporter } from './PipelineSource.ts';

export interface ProducerSourceOptions {
  room: string;
  label: string;
  kind: MediaKind;
  /**
   * Read when the source runs (features that start after pipelines may provide them); undefined when
   * this server runs without media ingest: the source then waits and says why.
   */
  media: () => { ingress: MediaIngress | undefined; bridge: MediaBridge | undefined };
}

const MEDIA_RECHECK_MS = 1_000;

/**
 * A published track in a room (browser camera, microphone, RTP device), found by room + label and
 * decoded by the media bridge. Waits for the producer to appear, follows it when it is closed and
 * published again, and never touches the publisher's WebRTC session.
 */
export class ProducerSource implements PipelineSource {
  readonly kinds: readonly MediaKind[];
  readonly description: string;

  constructor(private readonly options: ProducerSourceOptions) {
    this.kinds = [options.kind];
    this.description = `producer ${options.room}/${options.label} (${options.kind})`;
  }

  private matches(producer: ProducerInfo): boolean {
    return producer.room === this.options.room && producer.label === this.options.label && producer.kind === this.options.kind;
  }

  async run(push: PushFrame, signal: AbortSignal, report: SourceReporter): Promise<void> {
    const { room, label } = this.options;
    let media = this.options.media();
    while (!media.ingress || !media.bridge) {
      report.problem(`media ingest is not running in this server, so ${this.description} cannot be received`);
      await sleep(MEDIA_RECHECK_MS, signal);
      if (signal.aborted) return;
      media = this.options.media();
    }
    const { ingress, bridge } = media;
    while (!signal.aborted) {
      const producer = await this.waitForProducer(ingress, signal, report);
      if (!producer) return;
      const media: MediaSource<VideoFrame | AudioFrame> =
        this.options.kind === 'video' ? await bridge.videoSource(producer.producerId) : await bridge.audioSource(producer.producerId);
      const onClosed = (closed: ProducerInfo) => {
        if (closed.producerId === producer.producerId) void media.close();
      };
      const onAbort = () => void media.close();
      // The bridge's source survives a publisher reconnect (same producerId); say so meanwhile.
      const onInterrupted = (p: ProducerInfo, reason: string) => {
        if (p.producerId === producer.producerId) report.problem(`${room}/${label} is interrupted (${reason}); waiting for it to resume`);
      };
      const onRestored = (p: ProducerInfo) => {
        if (p.producerId === producer.producerId) report.ok();
      };
      ingress.on('producer-closed', onClosed);
      ingress.on('producer-interrupted', onInterrupted);
      ingress.on('producer-restored', onRestored);
      signal.addEventListener('abort', onAbort, { once: true });
      report.ok();
      try {
        for await (const frame of media) {
          if (signal.aborted) break;
          const wait = push(frame);
          if (wait) await wait;
        }
      } finally {
        ingress.off('producer-closed', onClosed);
        ingress.off('producer-interrupted', onInterrupted);
        ingress.off('producer-restored', onRestored);
        signal.removeEventListener('abort', onAbort);
        await media.close();
      }
      if (!signal.aborted) report.problem(`${room}/${label} stopped publishing; waiting for it to come back`);
    }
  }

  private waitForProducer(ingress: MediaIngress, signal: AbortSignal, report: SourceReporter): Promise<ProducerInfo | undefined> {
    const present = ingress.producers(this.options.room).find((p) => this.matches(p));
    if (present) return Promise.resolve(present);
    report.problem(`waiting for a ${this.options.kind} producer labelled "${this.options.label}" in room "${this.options.room}"`);
    return new Promise((resolve) => {
      const onAdded = (producer: ProducerInfo) => {
        if (!this.matches(producer)) return;
        cleanup();
        resolve(producer);
      };
      const onAbort = () => {
        cleanup();
        resolve(undefined);
      };
      const cleanup = () => {
        ingress.off('producer-added', onAdded);
        signal.removeEventListener('abort', onAbort);
      };
      ingress.on('producer-added', onAdded);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

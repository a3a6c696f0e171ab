import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { MediaIngressEvents, ProducerInfo } from '../MediaContracts.ts';
import type { RoomRouter } from './RoomMedia.ts';

/** Who holds a publication: a signaling connection, a configured plain-RTP input, or an injector. */
export type PublicationOwner =
  | { type: 'session'; sessionId: string; publisherId: string | undefined }
  | { type: 'rtp-input'; inputId: string }
  | { type: 'injector' };

/**
 * A published track with a stable identity: its producerId outlives the mediasoup Producer behind it,
 * so a publisher that reconnects (or whose worker restarts) comes back under the same id and everything
 * keyed by it (taps, decoders, listeners) carries on.
 */
export interface Publication {
  readonly info: ProducerInfo;
  producer: types.Producer | undefined;
  router: RoomRouter | undefined;
  owner: PublicationOwner;
  graceTimer: NodeJS.Timeout | undefined;
}

/** Every publication, live or interrupted; emits the MediaIngress events. */
export class ProducerRegistry extends EventEmitter<MediaIngressEvents> {
  private readonly byId = new Map<string, Publication>();
  private readonly logger: Logger;

  constructor(logger: Logger) {
    super();
    this.setMaxListeners(0);
    this.logger = logger;
  }

  list(room?: string): ProducerInfo[] {
    return [...this.byId.values()].filter((p) => room === undefined || p.info.room === room).map((p) => ({ ...p.info }));
  }

  get(producerId: string): Publication | undefined {
    return this.byId.get(producerId);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  byLabel(room: string, label: string): Publication | undefined {
    for (const publication of this.byId.values()) if (publication.info.room === room && publication.info.label === label) return publication;
    return undefined;
  }

  /** Publications whose producer lives on this router. */
  onRouter(router: types.Router): Publication[] {
    return [...this.byId.values()].filter((p) => p.router?.router === router);
  }

  add(info: ProducerInfo, producer: types.Producer, router: RoomRouter, owner: PublicationOwner): Publication {
    if (this.byId.has(info.producerId)) throw new Error(`publication ${info.producerId} exists already`);
    const publication: Publication = { info: { ...info, interrupted: false }, producer, router, owner, graceTimer: undefined };
    this.byId.set(info.producerId, publication);
    this.logger.info({ producerId: info.producerId, room: info.room, label: info.label, kind: info.kind, origin: info.origin }, 'producer added');
    this.emit('producer-added', { ...publication.info });
    return publication;
  }

  /** The same producerId is back with a new mediasoup Producer (possibly on a new router, from a new owner). */
  restore(publication: Publication, producer: types.Producer, router: RoomRouter, owner: PublicationOwner, update: Pick<ProducerInfo, 'codec' | 'measurement'>): void {
    clearTimeout(publication.graceTimer);
    publication.graceTimer = undefined;
    publication.producer = producer;
    publication.router = router;
    publication.owner = owner;
    Object.assign(publication.info, update, { interrupted: false });
    this.logger.info({ producerId: publication.info.producerId, room: publication.info.room, label: publication.info.label }, 'producer restored');
    this.emit('producer-restored', { ...publication.info });
  }

  /**
   * Media stopped, the id is kept: for `graceMs` (then closed for good), or until closed explicitly when
   * `graceMs` is null (configured inputs and injectors come back by themselves).
   */
  interrupt(publication: Publication, reason: string, graceMs: number | null): void {
    if (!this.byId.has(publication.info.producerId)) return;
    const producer = publication.producer;
    publication.producer = undefined;
    publication.router = undefined;
    if (producer && !producer.closed) producer.close();
    clearTimeout(publication.graceTimer);
    publication.graceTimer = undefined;
    if (graceMs !== null) {
      publication.graceTimer = setTimeout(() => this.close(publication, `not back within ${graceMs} ms after: ${reason}`), graceMs);
      publication.graceTimer.unref();
    }
    if (publication.info.interrupted) return;
    publication.info.interrupted = true;
    this.logger.info({ producerId: publication.info.producerId, room: publication.info.room, label: publication.info.label, reason }, 'producer interrupted');
    this.emit('producer-interrupted', { ...publication.info }, reason);
  }

  /** Gone for good. */
  close(publication: Publication, reason: string): void {
    if (this.byId.get(publication.info.producerId) !== publication) return;
    this.byId.delete(publication.info.producerId);
    clearTimeout(publication.graceTimer);
    const producer = publication.producer;
    publication.producer = undefined;
    publication.router = undefined;
    if (producer && !producer.closed) producer.close();
    this.logger.info({ producerId: publication.info.producerId, room: publication.info.room, label: publication.info.label, reason }, 'producer closed');
    this.emit('producer-closed', { ...publication.info });
  }

  closeAll(reason: string): void {
    for (const publication of [...this.byId.values()]) this.close(publication, reason);
  }
}

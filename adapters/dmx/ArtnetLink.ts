import { EventEmitter, once } from 'node:events';
import type { Socket } from 'node:dgram';
import { ArtnetDriver, type UniverseData } from 'dmx-ts';
import { splitPortAddress } from './DmxConfig.ts';
import { bindEphemeral, closeSocket, recordHandles, type RecordedHandles } from './recordHandles.ts';
import type { LinkStatus, SendResult, UniverseLink, UniverseLinkEvents } from './UniverseLink.ts';

/**
 * dmxnet filters the interfaces it announces itself on (ArtPollReply broadcasts, sent unasked when a
 * sender is created) by address. No interface has this one, so it announces nothing: Roomcast is a
 * controller, not a node, and those broadcasts go to every LAN and throw on failure.
 */
const NO_INTERFACE = '0.0.0.0';

/** The parts of dmxnet's sender this link needs (not in dmx-ts's types). */
interface DmxnetSender {
  socket: Socket;
  socket_ready: boolean;
  interval: NodeJS.Timeout;
}

/** The parts of dmxnet itself: its ArtPoll listener and its broadcast socket. */
interface DmxnetCore {
  listener4: Socket;
  socket: Socket;
}

export interface ArtnetLinkOptions {
  host: string;
  port: number;
  portAddress: number;
}

/**
 * One Art-Net universe through dmx-ts's ArtnetDriver, tamed:
 * - dmxnet's ArtPoll listener (UDP 6454 with reuseAddr: it would take packets meant for a local node such
 *   as OLA) and broadcast socket are closed before they bind, its 30 s controller check is cleared;
 * - the sender's own 1 s refresh timer is cleared: TransmitSchedule decides every packet;
 * - every dmxnet send goes through a gate (only sends this link asks for leave, so the constructor's
 *   blackout frame never goes out) and its callback reports here instead of throwing.
 */
export class ArtnetLink extends EventEmitter<UniverseLinkEvents> implements UniverseLink {
  readonly status: LinkStatus = { ready: true };
  private readonly driver: ArtnetDriver;
  private readonly handles: RecordedHandles;
  private sending = false;
  private closed = false;

  static async open(options: ArtnetLinkOptions): Promise<ArtnetLink> {
    const link = new ArtnetLink(options);
    try {
      await link.init();
    } catch (err) {
      await link.close();
      throw new Error(`Art-Net to ${options.host}:${options.port}: ${(err as Error).message}`, { cause: err });
    }
    return link;
  }

  private constructor(private readonly options: ArtnetLinkOptions) {
    super();
    const { net, subnet, universe } = splitPortAddress(options.portAddress);
    const { value: driver, handles } = recordHandles(
      () =>
        new ArtnetDriver(options.host, {
          net,
          subnet,
          universe,
          port: options.port,
          dmxlibOptions: { hosts: [NO_INTERFACE], log: { silent: true } },
        }),
      (socket) => this.gateSends(socket),
    );
    this.driver = driver;
    this.handles = handles;
    const core = driver.dmxnet as unknown as DmxnetCore;
    // Closed in the same tick they were created: the bind (async) never happens.
    void closeSocket(core.listener4);
    void closeSocket(core.socket);
    for (const timer of handles.intervals) clearInterval(timer);
  }

  private async init(): Promise<void> {
    const { value: pending, handles } = recordHandles(
      () => this.driver.init(),
      (socket) => this.gateSends(socket),
    );
    await pending;
    this.handles.sockets.push(...handles.sockets);
    for (const timer of handles.intervals) clearInterval(timer);
    const sender = this.sender();
    if (!sender) throw new Error('dmx-ts created no Art-Net sender');
    clearInterval(sender.interval);
    // Bound before the first frame, so it isn't delayed by an implicit bind. A broadcast target is bound
    // by dmxnet itself (with SO_BROADCAST); wait for that.
    if (!sender.socket_ready) await once(sender.socket, 'listening');
    else await bindEphemeral(sender.socket);
  }

  private sender(): DmxnetSender | undefined {
    return this.driver.universe as unknown as DmxnetSender | undefined;
  }

  /** Replace the socket's send with one that only sends on request and reports instead of throwing. */
  private gateSends(socket: Socket): void {
    socket.on('error', (err) => this.emit('failed', err));
    const send = socket.send.bind(socket) as (...args: unknown[]) => void;
    // dgram queues sends made before the socket is bound and replays them through `socket.send`, i.e.
    // through this wrapper, later: a send already let through carries one of these callbacks.
    const admitted = new WeakSet<object>();
    (socket as unknown as { send: (...args: unknown[]) => void }).send = (...args: unknown[]) => {
      const last = args.at(-1);
      if (typeof last === 'function' && admitted.has(last)) return send(...args);
      if (!this.sending || this.closed) return;
      if (typeof last === 'function') args.pop();
      const done = (err: Error | null) => (err ? this.emit('failed', err) : this.emit('delivered'));
      admitted.add(done);
      try {
        send(...args, done);
      } catch (err) {
        this.emit('failed', err as Error);
      }
    };
  }

  send(changes: UniverseData): SendResult {
    if (this.closed) return 'unavailable';
    // Bound in init(); dmxnet silently drops frames on a socket that isn't ready.
    if (!this.sender()?.socket_ready) return 'busy';
    this.sending = true;
    try {
      this.driver.update(changes);
    } finally {
      this.sending = false;
    }
    return 'sent';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Not dmx-ts's close(): it closes only the sender's socket, without waiting. Everything dmxnet opened
    // (the sender's socket included) was recorded; close it all and wait until each is gone.
    const sender = this.sender();
    if (sender) clearInterval(sender.interval);
    for (const timer of this.handles.intervals) clearInterval(timer);
    await Promise.all(this.handles.sockets.map(closeSocket));
    this.removeAllListeners();
  }

  override toString(): string {
    return `Art-Net ${this.options.host}:${this.options.port}`;
  }
}

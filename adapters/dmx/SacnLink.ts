import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:dgram';
import os from 'node:os';
import { SACNDriver, type UniverseData } from 'dmx-ts';
import { bindEphemeral, closeSocket } from './recordHandles.ts';
import type { LinkStatus, SendResult, UniverseLink, UniverseLinkEvents } from './UniverseLink.ts';

export interface SacnLinkOptions {
  sacnUniverse: number;
  /** Unicast destination; undefined: the universe's multicast group. */
  ip: string | undefined;
  /** Local address multicast leaves from. */
  interface: string | undefined;
  port: number;
  priority: number;
  sourceName: string;
  cid: Buffer;
}

/** The sACN library's sender as this link uses it (its socket is private in the types). */
interface SacnSender {
  socket: Socket;
  send(packet: unknown): Promise<void>;
}

/**
 * A stable component identifier per output and machine. The sACN library's default CID is one fixed value
 * for every user of the library, so two Roomcast machines (or Roomcast and another dmx-ts program) would
 * look like one source to receivers and merge wrongly.
 */
export function sacnCid(outputId: string, configured?: string): Buffer {
  if (configured) return Buffer.from(configured.replace(/-/g, ''), 'hex');
  const cid = createHash('sha256').update(`roomcast sACN source ${os.hostname()} ${outputId}`).digest().subarray(0, 16);
  cid[6] = (cid[6]! & 0x0f) | 0x80; // UUID version 8 (custom), RFC 9562
  cid[8] = (cid[8]! & 0x3f) | 0x80; // RFC variant
  return Buffer.from(cid);
}

/**
 * One sACN universe through dmx-ts's SACNDriver. The driver never binds port 5568 (`reuseAddr: false`,
 * and the multicast interface is set here on an ephemeral port instead of through the library, which would
 * bind 5568 and take packets meant for a receiver on the same machine). The library's send promise, which
 * dmx-ts leaves unhandled (a crash on the first network error), is observed here.
 */
export class SacnLink extends EventEmitter<UniverseLinkEvents> implements UniverseLink {
  status: LinkStatus = { ready: true };
  private readonly driver: SACNDriver;
  private closed = false;

  static async open(options: SacnLinkOptions): Promise<SacnLink> {
    const link = new SacnLink(options);
    await link.driver.init();
    const { socket } = link.driver.sACNServer as unknown as SacnSender;
    try {
      // An ephemeral port (never 5568), bound now so the first frame isn't delayed by an implicit bind.
      await bindEphemeral(socket, options.interface);
      if (options.interface) socket.setMulticastInterface(options.interface);
    } catch (err) {
      await link.close();
      throw new Error(`sACN: cannot send from ${options.interface ?? 'an ephemeral port'}: ${(err as Error).message}`, { cause: err });
    }
    return link;
  }

  private constructor(private readonly options: SacnLinkOptions) {
    super();
    this.driver = new SACNDriver(options.sacnUniverse, {
      ip: options.ip,
      port: options.port,
      reuseAddr: false,
      priority: options.priority,
      sourceName: options.sourceName,
      cid: options.cid,
      minRefreshRate: 0, // TransmitSchedule decides every packet
    });
    const sender = this.driver.sACNServer as unknown as SacnSender;
    sender.socket.on('error', (err) => this.emit('failed', err));
    const send = sender.send.bind(sender);
    sender.send = (packet: unknown) => {
      const sent = send(packet);
      sent.then(
        () => this.emit('delivered'),
        (err: Error) => this.emit('failed', err),
      );
      return sent.catch(() => undefined);
    };
  }

  send(changes: UniverseData): SendResult {
    if (this.closed) return 'unavailable';
    try {
      this.driver.update(changes, undefined);
    } catch (err) {
      // A synchronous throw from dgram (socket closed underneath): report, don't break the caller.
      this.emit('failed', err as Error);
    }
    return 'sent';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { socket } = this.driver.sACNServer as unknown as SacnSender;
    const gone = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    try {
      this.driver.close(); // clears the library's resend timer and closes the socket
      await gone;
    } catch {
      await closeSocket(socket); // already closed underneath
    }
    this.removeAllListeners();
  }

  override toString(): string {
    return `sACN universe ${this.options.sacnUniverse}${this.options.ip ? ` to ${this.options.ip}:${this.options.port}` : ' (multicast)'}`;
  }
}

import { EventEmitter } from 'node:events';
import { EnttecUSBDMXProDriver, type UniverseData } from 'dmx-ts';
import type { LinkStatus, SendResult, UniverseLink, UniverseLinkEvents } from './UniverseLink.ts';

export interface EnttecLinkOptions {
  /** Serial device, e.g. /dev/ttyUSB0. */
  port: string;
  /** Delay before trying a missing or lost port again. */
  retryMs: number;
}

/** The node-serialport stream under dmx-ts's driver, as far as this link uses it. */
interface SerialPortStream {
  readonly isOpen: boolean;
  readonly writable: boolean;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'close', listener: (err?: Error | null) => void): void;
  drain(callback: (err: Error | null) => void): void;
}

/** dmx-ts's serial driver members this link needs (protected or private in its types). */
interface SerialDriverInternals {
  readonly serialPort: SerialPortStream;
  _readyToWrite: boolean;
  stop(): void;
  sendUniverse(): Promise<void>;
}

const internals = (driver: EnttecUSBDMXProDriver) => driver as unknown as SerialDriverInternals;

/**
 * The Enttec USB DMX Pro through dmx-ts's driver ("Output Only Send DMX Packet", label 6, 512 slots).
 * A missing, unplugged or failing port is a state, not an error: the link reports it, drops the driver
 * and opens a fresh one every `retryMs` until the port is back. dmx-ts's own 40 Hz timer is stopped
 * (TransmitSchedule decides every packet) and the port's error/close events, which dmx-ts doesn't listen
 * to (an unhandled 'error' would crash the server), are handled here.
 */
export class EnttecLink extends EventEmitter<UniverseLinkEvents> implements UniverseLink {
  status: LinkStatus = { ready: false, reason: 'opening the serial port' };
  private driver: EnttecUSBDMXProDriver | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private opening: Promise<void> | undefined;
  private closed = false;

  /** Starts opening the port; never fails (see `status`). */
  static open(options: EnttecLinkOptions): EnttecLink {
    const link = new EnttecLink(options);
    link.connect();
    return link;
  }

  private constructor(private readonly options: EnttecLinkOptions) {
    super();
  }

  private connect(): void {
    this.retryTimer = undefined;
    if (this.closed) return;
    const driver = new EnttecUSBDMXProDriver(this.options.port);
    this.opening = driver.init().then(
      () => {
        internals(driver).stop();
        if (this.closed) return closeDriver(driver);
        const port = internals(driver).serialPort;
        port.on('error', (err) => this.lost(driver, err.message));
        port.on('close', (err?: Error | null) => this.lost(driver, err?.message ?? 'closed'));
        this.driver = driver;
        this.setStatus({ ready: true });
      },
      (err: Error) => {
        this.setStatus({ ready: false, reason: `serial port ${this.options.port} unavailable: ${err.message}; retrying every ${this.options.retryMs} ms` });
        this.retry();
      },
    );
  }

  /** The port failed or went away: forget this driver, try again later. */
  private lost(driver: EnttecUSBDMXProDriver, why: string): void {
    if (this.driver !== driver || this.closed) return;
    this.driver = undefined;
    void closeDriver(driver);
    this.setStatus({ ready: false, reason: `serial port ${this.options.port} lost: ${why}; retrying every ${this.options.retryMs} ms` });
    this.retry();
  }

  private retry(): void {
    if (!this.closed && !this.retryTimer) this.retryTimer = setTimeout(() => this.connect(), this.options.retryMs);
  }

  private setStatus(status: LinkStatus): void {
    this.status = status;
    this.emit('status', status);
  }

  send(changes: UniverseData): SendResult {
    const driver = this.driver;
    if (this.closed || !driver) return 'unavailable';
    const serial = internals(driver);
    // dmx-ts skips a frame while the previous write is still draining: say so instead of losing it.
    if (!serial._readyToWrite || !serial.serialPort.writable) return 'busy';
    driver.update(changes);
    void serial.sendUniverse();
    serial.serialPort.drain((err) => (err ? this.emit('failed', err) : this.emit('delivered')));
    return 'sent';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.opening;
    const driver = this.driver;
    this.driver = undefined;
    if (driver) await closeDriver(driver);
    this.removeAllListeners();
  }

  override toString(): string {
    return `Enttec USB DMX Pro on ${this.options.port}`;
  }
}

/** Stop dmx-ts's timer and close the port if it is still open. */
async function closeDriver(driver: EnttecUSBDMXProDriver): Promise<void> {
  const serial = internals(driver);
  serial.stop();
  if (!serial.serialPort?.isOpen) return;
  await driver.close().catch(() => undefined);
}

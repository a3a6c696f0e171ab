import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { HealthRegistry, HealthReporter } from '../../../health/HealthRegistry.ts';
import { SAMPLE_RATE, streamEncoderPipeline } from '../gst/gstPipelines.ts';
import { GstProcess } from '../gst/GstProcess.ts';
import type { MediaBridgeConfig } from '../mediaBridgeConfig.ts';
import type { MediaBridgeMetrics } from '../mediaBridgeMetrics.ts';
import { MAX_OUTPUT_BACKLOG_MS, type AudioOutput } from './AudioOutput.ts';
import { connectIcecastSource } from './icecastSource.ts';

export interface IcecastOutputOptions {
  healthName: string;
  mount: string;
  format: 'ogg-opus' | 'mp3';
  channels: 1 | 2;
  config: MediaBridgeConfig;
  health: HealthRegistry;
  logger: Logger;
  metrics?: MediaBridgeMetrics | undefined;
}

const FIRST_RECONNECT_MS = 250;
const MAX_RECONNECT_MS = 5_000;
/** Icecast not reading this much of our stream means the connection is dead. */
const MAX_SOCKET_BACKLOG_BYTES = 1024 * 1024;

/**
 * PCM -> a supervised encoder child (Ogg/Opus or MP3 on its stdout) -> an Icecast source connection
 * made here (so the password stays out of argv). One session = one login + one encoder run: an Ogg
 * stream must start with its headers, so whenever either side fails, both restart together (the
 * connection with backoff, 250 ms doubling to 5 s), and health says why.
 */
export class IcecastOutput implements AudioOutput {
  readonly type = 'icecast' as const;
  readonly healthName: string;
  private readonly options: IcecastOutputOptions;
  private readonly health: HealthReporter;
  private readonly gst: GstProcess;
  private readonly maxBacklogBytes: number;
  private readonly where: string;
  private socket: Socket | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = FIRST_RECONNECT_MS;
  private sentThisSession = 0;
  private closed = false;
  dropped = 0;

  constructor(options: IcecastOutputOptions) {
    this.options = options;
    this.healthName = options.healthName;
    const { icecast } = options.config;
    this.where = `icecast ${icecast.host}:${icecast.port}${options.mount} (${options.format})`;
    this.maxBacklogBytes = (SAMPLE_RATE * options.channels * 4 * MAX_OUTPUT_BACKLOG_MS) / 1000;
    this.health = options.health.register(options.healthName, { kind: 'subsystem', critical: false, initialReason: 'connecting' });
    this.gst = new GstProcess({
      name: `output:icecast${options.mount}`,
      gstLaunch: options.config.gstLaunch,
      pipeline: streamEncoderPipeline({
        channels: options.channels,
        format: options.format,
        bitrate: options.format === 'mp3' ? icecast.mp3Bitrate : icecast.oggOpusBitrate,
      }),
      logger: options.logger,
      stdin: true,
      onStdout: (chunk) => this.onEncoded(chunk),
      maxRestartDelayMs: options.config.maxRestartDelayMs,
    });
    this.gst.on('exit', ({ code, signal, expected, error }) => {
      if (this.closed || expected) return;
      // The stream lost its encoder mid-way: end this session; the next one starts with fresh headers.
      this.endSession(`encoder exited (${signal ? `killed by ${signal}` : `exit code ${code}`})${error ? `: ${error}` : ''}`);
    });
  }

  /** The encoder child's pid (tests kill it to prove recovery). */
  get pid(): number | undefined {
    return this.gst.pid;
  }

  async start(): Promise<void> {
    void this.connect();
  }

  private async connect(): Promise<void> {
    const { icecast } = this.options.config;
    const mount = icecast.mounts.find((m) => m.mount === this.options.mount);
    try {
      const socket = await connectIcecastSource({
        host: icecast.host,
        port: icecast.port,
        username: icecast.username,
        password: icecast.password,
        mount: this.options.mount,
        contentType: this.options.format === 'mp3' ? 'audio/mpeg' : 'audio/ogg',
        name: mount?.name,
        description: mount?.description,
      });
      if (this.closed) {
        socket.destroy();
        return;
      }
      this.socket = socket;
      this.sentThisSession = 0;
      socket.on('error', (err) => this.endSession(`connection error: ${err.message}`));
      socket.on('close', () => this.endSession('icecast closed the connection'));
      this.gst.start();
      this.options.logger.info({ mount: this.options.mount, format: this.options.format }, 'streaming to icecast');
    } catch (err) {
      if (this.closed) return;
      this.health.down(`${(err as Error).message}; retrying in ${this.reconnectDelayMs} ms`);
      this.scheduleReconnect();
    }
  }

  private onEncoded(chunk: Buffer): void {
    const socket = this.socket;
    if (!socket || this.closed) return;
    if (socket.writableLength > MAX_SOCKET_BACKLOG_BYTES) {
      socket.destroy(new Error('icecast stopped reading the stream'));
      return;
    }
    socket.write(chunk);
    this.sentThisSession += chunk.length;
    if (this.health.state !== 'ok') {
      this.health.ok();
      this.reconnectDelayMs = FIRST_RECONNECT_MS;
    }
  }

  private endSession(reason: string): void {
    const socket = this.socket;
    if (this.closed || !socket) return;
    this.socket = undefined;
    socket.destroy();
    this.options.metrics?.outputRestarts.inc({ type: 'icecast' });
    this.health.down(`${this.where}: ${reason}; reconnecting`);
    this.options.logger.warn({ mount: this.options.mount, reason }, 'icecast stream interrupted; reconnecting');
    void this.gst.stop().then(() => this.scheduleReconnect());
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, MAX_RECONNECT_MS);
  }

  write(block: Buffer): void {
    const stdin = this.socket ? this.gst.stdin : undefined;
    if (!stdin || stdin.writableLength > this.maxBacklogBytes) {
      this.dropped++;
      this.options.metrics?.outputDroppedBlocks.inc({ type: 'icecast' });
      return;
    }
    stdin.write(block);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.options.health.unregister(this.healthName);
    const socket = this.socket;
    this.socket = undefined;
    await this.gst.stop();
    socket?.end();
  }
}

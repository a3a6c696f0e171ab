/**
 * Reads the GStreamer Data Protocol (`gdppay ! fdsink`) from a decoder child's stdout: every buffer
 * with its timestamp, framed by a fixed 62-byte header. Raw frames alone would lose the timestamps
 * (and with them the capture time); GDP keeps them at the cost of one header per buffer.
 *
 * Header (GDP 1.0, big-endian): [0] major 1, [1] minor 0, [2] flags, [4..5] payload type
 * (1 buffer, 2 caps, >= 64 events), [6..9] payload length, [10..17] PTS (ns, all-ones = none),
 * [18..25] duration. Payloads follow their header directly.
 */

export const GDP_HEADER_BYTES = 62;
const GDP_PAYLOAD_BUFFER = 1;
const GDP_PAYLOAD_CAPS = 2;
const CLOCK_TIME_NONE = 0xffff_ffff_ffff_ffffn;
/** No media buffer is this big (a 4K RGB frame is 25 MB): a longer one means the stream lost framing. */
const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export interface GdpBuffer {
  /** Presentation time in the pipeline's running time (ns), if the buffer had one. */
  pts: bigint | undefined;
  /** Exactly the buffer's bytes, in memory of its own (byteOffset 0, so typed-array views align). */
  payload: Buffer;
}

export interface GdpHandlers {
  buffer(buffer: GdpBuffer): void;
  caps?(caps: string): void;
}

/** The stream is not GDP (or lost a byte): the child must be restarted to resynchronise. */
export class GdpFramingError extends Error {
  constructor(message: string) {
    super(`GDP stream out of sync: ${message}`);
    this.name = 'GdpFramingError';
  }
}

export class GdpReader {
  private readonly header = Buffer.alloc(GDP_HEADER_BYTES);
  private headerFill = 0;
  private payload: Buffer | undefined;
  private payloadFill = 0;
  private payloadType = 0;
  private pts: bigint | undefined;
  private failed: GdpFramingError | undefined;

  constructor(private readonly handlers: GdpHandlers) {}

  /** Feed bytes as they arrive (any chunking). Throws GdpFramingError once the framing is broken. */
  write(chunk: Buffer): void {
    if (this.failed) throw this.failed;
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.payload) {
        const take = Math.min(GDP_HEADER_BYTES - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill < GDP_HEADER_BYTES) return;
        this.startPayload();
        if (this.payload!.length === 0) this.finishPayload();
        continue;
      }
      const take = Math.min(this.payload.length - this.payloadFill, chunk.length - offset);
      chunk.copy(this.payload, this.payloadFill, offset, offset + take);
      this.payloadFill += take;
      offset += take;
      if (this.payloadFill === this.payload.length) this.finishPayload();
    }
  }

  private startPayload(): void {
    const h = this.header;
    if (h[0] !== 1 || h[1] !== 0) throw (this.failed = new GdpFramingError(`bad version ${h[0]}.${h[1]}`));
    const length = h.readUInt32BE(6);
    if (length > MAX_PAYLOAD_BYTES) throw (this.failed = new GdpFramingError(`payload of ${length} bytes`));
    this.payloadType = h.readUInt16BE(4);
    const pts = h.readBigUInt64BE(10);
    this.pts = pts === CLOCK_TIME_NONE ? undefined : pts;
    // Unpooled memory: byteOffset 0, so Float32Array views of audio payloads are aligned.
    this.payload = Buffer.allocUnsafeSlow(length);
    this.payloadFill = 0;
  }

  private finishPayload(): void {
    const payload = this.payload!;
    const type = this.payloadType;
    const pts = this.pts;
    this.payload = undefined;
    this.headerFill = 0;
    if (type === GDP_PAYLOAD_BUFFER) this.handlers.buffer({ pts, payload });
    else if (type === GDP_PAYLOAD_CAPS) this.handlers.caps?.(payload.toString('utf8').replace(/\0+$/, ''));
    // Events (stream-start, segment, tags...) carry nothing a frame consumer needs.
  }
}

import { Counter, type Registry } from 'prom-client';

/** The media bridge's Prometheus metrics, on the server's registry. */
export class MediaBridgeMetrics {
  readonly framesDelivered: Counter<'kind'>;
  readonly framesDropped: Counter<'kind' | 'reason'>;
  readonly decoderRestarts: Counter<'kind'>;
  readonly keyframeRequests: Counter<'reason'>;
  readonly outputRestarts: Counter<'type'>;
  readonly outputDroppedBlocks: Counter<'type'>;
  readonly playbackUnderruns: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.framesDelivered = new Counter({ name: 'roomcast_media_frames_decoded_total', help: 'Decoded frames handed to pipelines, by kind', labelNames: ['kind'], registers });
    this.framesDropped = new Counter({
      name: 'roomcast_media_frames_dropped_total',
      help: 'Decoded frames not delivered: a consumer read slower than they came (consumer), or over the fps cap (fps_cap)',
      labelNames: ['kind', 'reason'],
      registers,
    });
    this.decoderRestarts = new Counter({ name: 'roomcast_media_decoder_restarts_total', help: 'Decoder children that died and were restarted', labelNames: ['kind'], registers });
    this.keyframeRequests = new Counter({
      name: 'roomcast_media_keyframe_requests_total',
      help: 'Keyframes the bridge asked publishers for: a decoder started (start), RTP was lost (loss), video stopped (gap)',
      labelNames: ['reason'],
      registers,
    });
    this.outputRestarts = new Counter({ name: 'roomcast_media_output_restarts_total', help: 'Audio output children (or Icecast connections) that died and were restarted', labelNames: ['type'], registers });
    this.outputDroppedBlocks = new Counter({
      name: 'roomcast_media_output_dropped_blocks_total',
      help: '20 ms PCM blocks an output could not take (restarting, or its child fell behind)',
      labelNames: ['type'],
      registers,
    });
    this.playbackUnderruns = new Counter({ name: 'roomcast_media_playback_underruns_total', help: 'Times a playback ran out of PCM before its next block was due', registers });
  }
}

import { z } from 'zod';
import { ZONE_PATTERN } from '../../protocol/mediaEvents.ts';
import { ICECAST_MOUNT_PATTERN } from './mediaBridgeConfig.ts';

/** `play()`'s options as external input: every caller (masking, ambience, plugins, the API) is checked. */
export const AudioOutputTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('listeners'),
    room: z.string().min(1),
    zone: z.string().regex(ZONE_PATTERN, 'must be 1-64 letters, digits, "-" or "_"'),
  }),
  z.strictObject({
    type: z.literal('speakers'),
    /** A PulseAudio sink; default `mediaBridge.speakers.sink`, else the server's default sink. */
    sink: z.string().min(1).max(200).optional(),
  }),
  z.strictObject({
    type: z.literal('icecast'),
    mount: z.string().regex(ICECAST_MOUNT_PATTERN, 'must look like "/name.ogg"'),
    format: z.enum(['ogg-opus', 'mp3']),
  }),
]);

export const PlayOptionsSchema = z.strictObject({
  channels: z.union([z.literal(1), z.literal(2)]),
  targets: z.array(AudioOutputTargetSchema).min(1, 'name at least one target').max(16),
});

/** One line naming a target, for errors and health: `listeners demo/lobby`, `icecast /live.ogg (mp3)`. */
export function describeTarget(target: z.output<typeof AudioOutputTargetSchema>): string {
  switch (target.type) {
    case 'listeners':
      return `listeners ${target.room}/${target.zone}`;
    case 'speakers':
      return `speakers${target.sink ? ` ${target.sink}` : ''}`;
    case 'icecast':
      return `icecast ${target.mount} (${target.format})`;
  }
}

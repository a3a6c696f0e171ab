import { z } from 'zod';
import { defineStage } from '../Stage.ts';

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Lets through the events worth acting on; everything else stops here. */
export const eventFilterStage = defineStage({
  type: 'event-filter',
  description: 'Pass only events of the listed types whose payload matches every given field',
  optionsSchema: z.strictObject({
    /** Event types to pass (empty: any type). */
    types: z.array(z.string().min(1)).default([]),
    /** Payload fields that must be equal, e.g. `{ label: thumbs_up, hand: Right }`. */
    match: z.record(z.string(), Scalar).default({}),
  }),
  inputs: ['event'],
  outputs: ['event'],
  create(options) {
    const types = new Set(options.types);
    const match = Object.entries(options.match);
    return {
      async process(frame, emit) {
        if (types.size && !types.has(frame.type)) return;
        const payload = (frame.payload ?? {}) as Record<string, unknown>;
        for (const [key, value] of match) if (payload[key] !== value) return;
        await emit(frame);
      },
    };
  },
});

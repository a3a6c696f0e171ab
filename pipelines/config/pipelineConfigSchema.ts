import { z } from 'zod';
import type { FrameKind } from '../frames.ts';
import type { StageCatalog } from '../StageCatalog.ts';
import { DEFAULT_RESTART_POLICY } from '../engine/Backoff.ts';
import { formatZodIssues, suggestKey } from '../../server/validation/formatIssues.ts';

/**
 * The `pipelines:` section of roomcast.yaml: a list of source -> stages -> sinks. Every stage's options
 * are checked against its type's own schema, so a typo deep inside a stage is reported with the full
 * path (`pipelines[0].stages[1].options.minHoldMs: expected number, got string`) and its line.
 */

const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit');

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const QueuePolicySchema = z.strictObject({
  mode: z.enum(['keep-latest', 'drop-oldest', 'backpressure']),
  capacity: z.number().int().min(1).max(100_000),
});

const QueueOverridesSchema = z.strictObject({
  video: QueuePolicySchema.optional(),
  audio: QueuePolicySchema.optional(),
  event: QueuePolicySchema.optional(),
});

export const ProducerSourceSchema = z.strictObject({
  type: z.literal('producer'),
  /** Room the track is published in, and its publisher-chosen label (`cam-1`). */
  room: idSchema,
  label: z.string().min(1).max(64),
  kind: z.enum(['video', 'audio']).default('video'),
});

export const FileSourceSchema = z.strictObject({
  type: z.literal('file'),
  /** A video file GStreamer can decode; relative paths resolve against the config file's folder. */
  path: z.string().min(1),
  loop: z.boolean().default(false),
  /** Output frame rate; omit to keep the file's. */
  fps: z.number().int().min(1).max(120).optional(),
  width: z.number().int().min(16).max(3840).default(640),
  height: z.number().int().min(16).max(2160).default(480),
  /** Play at the file's speed (true) or decode as fast as possible (false: stages that cannot keep up drop per their queue policy). */
  realtime: z.boolean().default(true),
});

export const SyntheticSourceSchema = z.strictObject({
  type: z.literal('synthetic'),
  kind: z.enum(['video', 'audio', 'event']).default('video'),
  /** Frames, audio blocks or events per second. */
  rate: z.number().positive().max(1_000_000).default(15),
  /** Stop after this many (omit: forever). */
  count: z.number().int().min(1).optional(),
  width: z.number().int().min(16).max(3840).default(320),
  height: z.number().int().min(16).max(2160).default(240),
  pattern: z.enum(['bar', 'still']).default('bar'),
  eventType: z.string().min(1).default('tick'),
  toneHz: z.number().positive().max(20_000).default(440),
});

/** `type: x` names no known kind: say which exist, in the same words as every other enum. */
const oneOf = (types: readonly string[]) => ({ error: (issue: { code: string }) => (issue.code === 'invalid_union' ? `must be one of ${types.map((t) => `"${t}"`).join(', ')}` : undefined) });

export const SourceSchema = z.discriminatedUnion('type', [ProducerSourceSchema, FileSourceSchema, SyntheticSourceSchema], oneOf(['producer', 'file', 'synthetic']));
export type SourceSpec = z.output<typeof SourceSchema>;

/** Which event types a sink takes (empty: all of them). */
const events = z.array(z.string().min(1)).default([]);

export const ActionsSinkSchema = z.strictObject({
  type: z.literal('actions'),
  id: idSchema.optional(),
  /** The event type that triggers the actions (`motion_start`, `gesture_start`). */
  event: z.string().min(1),
  /** Payload fields that must be equal (`{ label: thumbs_up }`). */
  match: z.record(z.string(), Scalar).default({}),
  /** After firing, ignore further matching events for this long. */
  cooldownMs: z.number().int().min(0).default(0),
  /** Room the actions act on (default: the pipeline's room). */
  room: idSchema.optional(),
  /** Action specs (`{ type: overlay.alert, title: Hi }`), checked against the registered action types. */
  actions: z.array(z.unknown()).min(1),
});

export const OverlaySinkSchema = z.strictObject({
  type: z.literal('overlay'),
  id: idSchema.optional(),
  events,
  room: idSchema.optional(),
  /** Alert title; `{type}` and `{payload.<field>}` are replaced from the event. */
  title: z.string().min(1).max(200).default('{type}'),
  message: z.string().max(1000).optional(),
  kind: z.string().regex(/^[a-z0-9_.-]{1,40}$/i).default('pipeline'),
  durationMs: z.number().int().min(500).max(60_000).default(4_000),
});

export const BusSinkSchema = z.strictObject({
  type: z.literal('bus'),
  id: idSchema.optional(),
  events,
});

export const LogSinkSchema = z.strictObject({
  type: z.literal('log'),
  id: idSchema.optional(),
  events,
  level: z.enum(['debug', 'info', 'warn']).default('info'),
});

export const SinkSchema = z.discriminatedUnion('type', [ActionsSinkSchema, OverlaySinkSchema, BusSinkSchema, LogSinkSchema], oneOf(['actions', 'overlay', 'bus', 'log']));
type SinkInput = z.output<typeof SinkSchema>;
/** A sink with its id settled (`log`, or `log-2` for the second unnamed log sink). */
export type SinkSpec = SinkInput & { id: string };

export const RestartPolicySchema = z.strictObject({
  initialDelayMs: z.number().int().min(1).default(DEFAULT_RESTART_POLICY.initialDelayMs),
  maxDelayMs: z.number().int().min(1).default(DEFAULT_RESTART_POLICY.maxDelayMs),
  stableAfterMs: z.number().int().min(1).default(DEFAULT_RESTART_POLICY.stableAfterMs),
});

function sourceKinds(source: SourceSpec): FrameKind[] {
  switch (source.type) {
    case 'producer':
      return [source.kind];
    case 'file':
      return ['video'];
    case 'synthetic':
      return [source.kind];
  }
}

export function stageSpecSchema(catalog: StageCatalog) {
  return z
    .strictObject({
      id: idSchema,
      type: z.string().min(1),
      /** Checked against the stage type's own options schema. */
      options: z.unknown().optional(),
      /** Override the type's deadline (ms). */
      deadlineMs: z.number().positive().optional(),
      /** `process` running longer than this is abandoned and the stage restarted. */
      stallTimeoutMs: z.number().int().min(50).default(10_000),
      /** `create` (loading models...) taking longer than this counts as a failed start. */
      startTimeoutMs: z.number().int().min(50).default(60_000),
      queue: QueueOverridesSchema.optional(),
    })
    .transform((stage, ctx) => {
      const definition = catalog.get(stage.type);
      if (!definition) {
        const suggestion = suggestKey(stage.type, catalog.types());
        ctx.addIssue({
          code: 'custom',
          path: ['type'],
          message: `unknown stage type "${stage.type}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''} (known: ${catalog.types().join(', ') || 'none'})`,
        });
        return z.NEVER;
      }
      const parsed = (definition.optionsSchema as z.ZodType).safeParse(stage.options ?? {});
      if (!parsed.success) {
        // Re-issued with their own paths under `options`, keeping did-you-mean hints from the stage's schema.
        for (const issue of formatZodIssues(parsed.error, definition.optionsSchema)) {
          ctx.addIssue({ code: 'custom', path: ['options', ...issue.rawPath], message: issue.message });
        }
        return z.NEVER;
      }
      for (const kind of Object.keys(stage.queue ?? {}) as FrameKind[]) {
        if (stage.queue?.[kind] && !definition.inputs.includes(kind as never)) {
          ctx.addIssue({ code: 'custom', path: ['queue', kind], message: `"${stage.type}" has no ${kind} input (inputs: ${definition.inputs.join(', ')})` });
        }
      }
      return { ...stage, options: parsed.data as unknown };
    });
}

export function pipelineSpecSchema(catalog: StageCatalog) {
  return z
    .strictObject({
      id: idSchema,
      /** Shown in the UI. */
      name: z.string().min(1).max(100).optional(),
      /** Whether it runs; can be switched live from the UI or API. */
      enabled: z.boolean().default(true),
      /** Room the sinks act on unless they name one (default: the producer's room, else the first room). */
      room: idSchema.optional(),
      source: SourceSchema,
      stages: z.array(stageSpecSchema(catalog)).default([]),
      sinks: z.array(SinkSchema).default([]),
      restart: RestartPolicySchema.prefault({}),
    })
    .superRefine((pipeline, ctx) => {
      const seen = new Set<string>();
      pipeline.stages.forEach((stage, index) => {
        if (seen.has(stage.id)) ctx.addIssue({ code: 'custom', path: ['stages', index, 'id'], message: `duplicate stage id "${stage.id}"` });
        seen.add(stage.id);
      });
      // Frames a stage does not consume pass it by, so what is available only grows along the chain.
      const available = new Set<FrameKind>(sourceKinds(pipeline.source));
      pipeline.stages.forEach((stage, index) => {
        const definition = catalog.get(stage.type);
        if (!definition) return;
        if (!definition.inputs.some((kind) => available.has(kind))) {
          ctx.addIssue({
            code: 'custom',
            path: ['stages', index, 'type'],
            message: `"${stage.type}" consumes ${definition.inputs.join(' or ')}, but nothing before it produces that (available: ${[...available].join(', ')})`,
          });
        }
        for (const kind of definition.outputs) available.add(kind);
      });
      const named = new Set<string>();
      pipeline.sinks.forEach((sink, index) => {
        if (!sink.id) return;
        if (named.has(sink.id)) ctx.addIssue({ code: 'custom', path: ['sinks', index, 'id'], message: `duplicate sink id "${sink.id}"` });
        named.add(sink.id);
      });
      if (pipeline.sinks.length && !available.has('event')) {
        ctx.addIssue({ code: 'custom', path: ['sinks'], message: `sinks take events, but nothing in this pipeline produces events (available: ${[...available].join(', ')})` });
      }
    })
    .transform((pipeline) => {
      const taken = new Set(pipeline.sinks.flatMap((sink) => (sink.id ? [sink.id] : [])));
      const sinks: SinkSpec[] = pipeline.sinks.map((sink) => {
        if (sink.id) return { ...sink, id: sink.id };
        let id: string = sink.type;
        for (let n = 2; taken.has(id); n++) id = `${sink.type}-${n}`;
        taken.add(id);
        return { ...sink, id };
      });
      return { ...pipeline, sinks };
    });
}

export type PipelineSpec = z.output<ReturnType<typeof pipelineSpecSchema>>;
export type StageSpec = PipelineSpec['stages'][number];

/** The whole `pipelines:` section for a set of stage types. */
export function pipelinesConfigSchema(catalog: StageCatalog) {
  return z
    .array(pipelineSpecSchema(catalog))
    .default([])
    .superRefine((pipelines, ctx) => {
      const seen = new Set<string>();
      pipelines.forEach((pipeline, index) => {
        if (seen.has(pipeline.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate pipeline id "${pipeline.id}"` });
        seen.add(pipeline.id);
      });
    });
}

export type PipelinesConfig = PipelineSpec[];

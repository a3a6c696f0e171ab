import { z } from 'zod';
import type { Logger } from 'pino';
import type { AppServices } from '../../server/AppServices.ts';
import type { PreparedAction } from '../../server/actions/ActionRegistry.ts';
import type { ActionTrigger } from '../../server/actions/Action.ts';
import { formatPath, type FormattedIssue } from '../../server/validation/formatIssues.ts';
import type { EventFrame } from '../frames.ts';
import type { StageDefinition, StageInstance } from '../Stage.ts';
import type { SinkSpec } from '../config/pipelineConfigSchema.ts';
import '../PipelineBusEvents.ts';

/** What sinks act through. */
export type SinkServices = Pick<AppServices, 'actions' | 'overlay' | 'bus'>;

export interface SinkContext {
  pipelineId: string;
  /** The pipeline's room (sinks act on it unless they name another). */
  room: string;
  services: SinkServices;
  logger: Logger;
}

/** A sink runs like a stage (own queue, metrics, restart on failure) that consumes events and emits nothing. */
export type SinkDefinition = StageDefinition<z.ZodType, 'event', 'event'>;

function issue(rawPath: PropertyKey[], message: string): FormattedIssue {
  return { path: formatPath(rawPath), rawPath, message };
}

function accepts(spec: { events: readonly string[] }, frame: EventFrame): boolean {
  return spec.events.length === 0 || spec.events.includes(frame.type);
}

function payloadObject(payload: unknown): Record<string, unknown> {
  return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : { value: payload };
}

/** `{type}`, `{sourceId}` and `{payload.label}` replaced from the event; unknown fields become empty. */
export function fillTemplate(template: string, frame: EventFrame): string {
  return template.replace(/\{([a-zA-Z0-9_.]+)\}/g, (_m, key: string) => {
    if (key === 'type') return frame.type;
    if (key === 'sourceId') return frame.sourceId;
    if (key.startsWith('payload.')) {
      let value: unknown = frame.payload;
      for (const part of key.slice('payload.'.length).split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
      return value === undefined || value === null ? '' : String(value);
    }
    return '';
  });
}

function sinkStage(spec: SinkSpec, create: () => StageInstance<'event', 'event'>): SinkDefinition {
  return {
    type: `sink:${spec.type}`,
    description: `${spec.type} sink`,
    optionsSchema: z.unknown(),
    inputs: ['event'],
    outputs: [],
    create,
  };
}

/**
 * Checks a sink against what exists at run time (rooms, registered action types) and builds it.
 * Returns the problems instead, each with its full config path (`pipelines[0].sinks[1].actions[0].title`).
 */
export function prepareSink(spec: SinkSpec, path: PropertyKey[], ctx: SinkContext): { sink: SinkDefinition } | { issues: FormattedIssue[] } {
  const issues: FormattedIssue[] = [];
  const room = 'room' in spec && spec.room ? spec.room : ctx.room;
  if ((spec.type === 'actions' || spec.type === 'overlay') && spec.room) {
    try {
      ctx.services.overlay.assertRoom(spec.room);
    } catch (err) {
      issues.push(issue([...path, 'room'], (err as Error).message));
    }
  }

  switch (spec.type) {
    case 'actions': {
      const prepared: PreparedAction[] = [];
      spec.actions.forEach((action, index) => {
        const problems = ctx.services.actions.check(action, [...path, 'actions', index]);
        if (problems.length) issues.push(...problems);
        else prepared.push(ctx.services.actions.prepare(action, [...path, 'actions', index], 'pipeline action'));
      });
      if (issues.length) return { issues };
      const match = Object.entries(spec.match);
      return {
        sink: sinkStage(spec, () => {
          let quietUntil = 0;
          return {
            async process(frame) {
              if (frame.type !== spec.event) return;
              const payload = payloadObject(frame.payload);
              for (const [key, value] of match) if (payload[key] !== value) return;
              const now = Date.now();
              if (now < quietUntil) return;
              quietUntil = now + spec.cooldownMs;
              const trigger: ActionTrigger = {
                source: `pipeline:${ctx.pipelineId}`,
                room,
                description: `${frame.type} from pipeline ${ctx.pipelineId}`,
                data: { ...payload, event: frame.type, sourceId: frame.sourceId, captureTs: frame.captureTs },
              };
              // In order: a rule's second action may rely on the first (scene switch, then alert).
              for (const action of prepared) await action.run(trigger);
            },
          };
        }),
      };
    }
    case 'overlay':
      if (issues.length) return { issues };
      return {
        sink: sinkStage(spec, () => ({
          process(frame) {
            if (!accepts(spec, frame)) return;
            ctx.services.overlay.showAlert(room, {
              kind: spec.kind,
              title: fillTemplate(spec.title, frame).slice(0, 200) || frame.type,
              ...(spec.message ? { message: fillTemplate(spec.message, frame).slice(0, 1000) } : {}),
              durationMs: spec.durationMs,
            });
          },
        })),
      };
    case 'bus':
      return {
        sink: sinkStage(spec, () => ({
          async process(frame) {
            if (!accepts(spec, frame)) return;
            await ctx.services.bus.publish('pipeline.event', {
              pipeline: ctx.pipelineId,
              type: frame.type,
              payload: frame.payload,
              sourceId: frame.sourceId,
              captureTs: frame.captureTs,
              emittedAt: Date.now(),
            });
          },
        })),
      };
    case 'log':
      return {
        sink: sinkStage(spec, () => ({
          process(frame) {
            if (!accepts(spec, frame)) return;
            ctx.logger[spec.level](
              { pipeline: ctx.pipelineId, event: frame.type, payload: frame.payload, sourceId: frame.sourceId, latencyMs: Date.now() - frame.captureTs },
              `pipeline ${ctx.pipelineId}: ${frame.type}`,
            );
          },
        })),
      };
  }
}

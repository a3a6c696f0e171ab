import path from 'node:path';
import type { Logger } from 'pino';
import type { MediaBridge, MediaIngress } from '../../server/media/MediaContracts.ts';
import type { SourceSpec } from '../config/pipelineConfigSchema.ts';
import { FileVideoSource } from './FileVideoSource.ts';
import type { PipelineSource } from './PipelineSource.ts';
import { ProducerSource } from './ProducerSource.ts';
import { SyntheticSource } from './SyntheticSource.ts';

export interface SourceContext {
  pipelineId: string;
  /** Relative file paths resolve against this folder (the config file's). */
  baseDir: string;
  /** Looked up when a producer source runs. */
  media: () => { ingress?: MediaIngress | undefined; bridge?: MediaBridge | undefined };
  logger: Logger;
}

/** A fresh source for one run of a pipeline. */
export function createSource(spec: SourceSpec, ctx: SourceContext): PipelineSource {
  switch (spec.type) {
    case 'producer':
      return new ProducerSource({ room: spec.room, label: spec.label, kind: spec.kind, media: () => {
        const { ingress, bridge } = ctx.media();
        return { ingress, bridge };
      } });
    case 'file':
      return new FileVideoSource({
        pipelineId: ctx.pipelineId,
        path: path.resolve(ctx.baseDir, spec.path),
        width: spec.width,
        height: spec.height,
        fps: spec.fps,
        loop: spec.loop,
        realtime: spec.realtime,
        logger: ctx.logger,
      });
    case 'synthetic':
      return new SyntheticSource({ pipelineId: ctx.pipelineId, ...spec });
  }
}

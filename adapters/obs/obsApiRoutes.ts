import { Router } from '@koa/router';
import { z } from 'zod';
import { requireRole } from '../../server/http/authMiddleware.ts';
import { parseOrThrow } from '../../server/validation/formatIssues.ts';
import type { ObsController } from './ObsController.ts';
import type { ObsFilterList, ObsInputList, ObsSceneItemList, ObsSceneList } from './ObsTypes.ts';

const InputsQuery = z.strictObject({
  /** Only inputs of this kind (`text_ft2_source_v2`, `ffmpeg_source`...). */
  kind: z.string().min(1).optional(),
});

/**
 * `/api/obs/*`: the link's status (any role) and what the UI's pickers need from OBS (operator): scenes,
 * a scene's items, inputs, a source's filters. Each answers 503 with the reason while OBS is not connected.
 */
export function obsApiRoutes(obs: ObsController): Router {
  const router = new Router({ prefix: '/obs' });
  router.get('/status', (ctx) => {
    ctx.body = obs.status();
  });
  router.get('/scenes', requireRole('operator'), async (ctx) => {
    const { currentProgramSceneName, scenes } = await obs.call('GetSceneList', undefined, 'list scenes');
    // obs-websocket lists scenes bottom-up; pickers show them as OBS does, top first.
    const body: ObsSceneList = { currentProgramScene: currentProgramSceneName, scenes: [...scenes].reverse().map((s) => ({ name: String(s['sceneName']) })) };
    ctx.body = body;
  });
  router.get('/scenes/:scene/items', requireRole('operator'), async (ctx) => {
    const scene = ctx.params['scene']!;
    const { sceneItems } = await obs.call('GetSceneItemList', { sceneName: scene }, `list the items of scene ${JSON.stringify(scene)}`);
    const body: ObsSceneItemList = {
      scene,
      items: sceneItems.map((item) => ({
        id: Number(item['sceneItemId']),
        source: String(item['sourceName']),
        inputKind: typeof item['inputKind'] === 'string' ? item['inputKind'] : null,
        visible: item['sceneItemEnabled'] === true,
        isGroup: item['isGroup'] === true,
      })),
    };
    ctx.body = body;
  });
  router.get('/inputs', requireRole('operator'), async (ctx) => {
    const { kind } = parseOrThrow(InputsQuery, ctx.query, 'query');
    const { inputs } = await obs.call('GetInputList', kind ? { inputKind: kind } : {}, 'list inputs');
    const body: ObsInputList = { inputs: inputs.map((input) => ({ name: String(input['inputName']), kind: String(input['inputKind']) })) };
    ctx.body = body;
  });
  router.get('/sources/:source/filters', requireRole('operator'), async (ctx) => {
    const source = ctx.params['source']!;
    const { filters } = await obs.call('GetSourceFilterList', { sourceName: source }, `list the filters of ${JSON.stringify(source)}`);
    const body: ObsFilterList = {
      source,
      filters: filters.map((f) => ({ name: String(f['filterName']), kind: String(f['filterKind']), enabled: f['filterEnabled'] === true })),
    };
    ctx.body = body;
  });
  return router;
}

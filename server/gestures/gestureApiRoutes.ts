import { Router } from '@koa/router';
import { z } from 'zod';
import type { AppServices } from '../AppServices.ts';
import { requireRole } from '../http/authMiddleware.ts';
import { NotFoundError } from '../errors.ts';
import { GESTURE_LABELS } from '../protocol/gestureEvents.ts';
import { parseOrThrow } from '../validation/formatIssues.ts';
import type { GestureMonitor } from '../../pipelines/stages/gesture/GestureMonitor.ts';
import type { GestureRuleEngine } from './GestureRuleEngine.ts';
import type { GestureRules } from './GestureRules.ts';

const ReplaceRulesSchema = z.strictObject({ rules: z.array(z.unknown()) });
const TestRuleSchema = z.strictObject({ room: z.string().min(1).optional() });

/**
 * `/api/gestures`: labels, live sources and the rules (GET, any role); replace the rules, go back to
 * roomcast.yaml's, or run one rule's actions now (operator).
 */
export function gestureApiRoutes(deps: { rules: GestureRules; engine: GestureRuleEngine; monitor: GestureMonitor; defaultRoom: string; onRulesChanged: () => void }) {
  return (services: AppServices): Router => {
    const router = new Router({ prefix: '/gestures' });
    router.get('/', (ctx) => {
      ctx.body = { labels: GESTURE_LABELS, sources: deps.monitor.sources(), ...deps.rules.state() };
    });
    router.get('/rules', (ctx) => {
      ctx.body = deps.rules.state();
    });
    router.put('/rules', requireRole('operator'), (ctx) => {
      const body = parseOrThrow(ReplaceRulesSchema, ctx.request.body, 'gesture rules');
      ctx.body = deps.rules.replace(body.rules);
      deps.onRulesChanged();
    });
    router.delete('/rules/edits', requireRole('operator'), (ctx) => {
      ctx.body = deps.rules.reset();
      deps.onRulesChanged();
    });
    router.post('/rules/:index/test', requireRole('operator'), async (ctx) => {
      const index = Number(ctx.params['index']);
      const rule = deps.engine.current.find((r) => r.index === index);
      if (!rule) throw new NotFoundError('gesture rule', String(ctx.params['index']), deps.engine.current.map((r) => String(r.index)));
      const { room: asked } = parseOrThrow(TestRuleSchema, ctx.request.body ?? {}, 'test request');
      const room = asked ?? rule.rule.room ?? deps.defaultRoom;
      services.overlay.assertRoom(room);
      await deps.engine.test(index, room);
      ctx.status = 202;
      ctx.body = { ran: rule.actions.map((a) => a.type), room };
    });
    return router;
  };
}

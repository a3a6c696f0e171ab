import type { Namespace, Server } from 'socket.io';
import type { AppServices } from '../../../server/AppServices.ts';
import { RequestError } from '../../../server/errors.ts';
import type { AuthenticatedSocketData } from '../../../server/protocol/controlEvents.ts';
import { roleAtLeast } from '../../../server/protocol/roles.ts';
import {
  LIGHTS_NAMESPACE,
  type LightsAck,
  type LightsClientToServerEvents,
  type LightsFiringView,
  type LightsFixtureLevels,
  type LightsServerToClientEvents,
} from '../../../server/protocol/lightsEvents.ts';
import { socketAuth } from '../../../server/sockets/socketAuth.ts';
import { ValidationError, formatZodError } from '../../../server/validation/formatIssues.ts';
import { StopRequestSchema } from '../engine/LightsEngine.ts';
import { FireCommandSchema, runFire } from '../FireCommand.ts';
import { levelsView, lightsSnapshot, type LightsViewSource } from '../views.ts';

type LightsNamespace = Namespace<LightsClientToServerEvents, LightsServerToClientEvents, Record<string, never>, AuthenticatedSocketData>;

function failure(err: unknown): { ok: false; error: string; issues?: Array<{ path: string; message: string }> } {
  if (err instanceof ValidationError) return { ok: false, error: err.message, issues: err.issues.map(({ path, message }) => ({ path, message })) };
  if (err instanceof RequestError) return { ok: false, error: err.message };
  return { ok: false, error: 'internal error; see the server log' };
}

/**
 * `/lights`: live fixture levels for the control UI's virtual fixtures (only what changed, at
 * `uiRefreshHz`, and only while someone watches), running effects, and fire/stop for operators.
 */
export function registerLightsNamespace(io: Server, services: AppServices, source: LightsViewSource, uiRefreshHz: number): () => void {
  const { engine, patch } = source;
  const nsp = io.of(LIGHTS_NAMESPACE) as LightsNamespace;
  nsp.use(socketAuth(services.auth, 'overlay', services.config.server.trustProxy));

  const sent = new Map<string, LightsFixtureLevels>();
  const sameLevels = (a: LightsFixtureLevels | undefined, b: LightsFixtureLevels) =>
    a !== undefined && a.limited === b.limited && a.levels.length === b.levels.length && a.levels.every((v, i) => v === b.levels[i]);

  const snapshot = () => {
    const snap = lightsSnapshot(source);
    for (const [id, levels] of Object.entries(snap.levels)) sent.set(id, levels);
    return snap;
  };

  const canOperate = (role: AuthenticatedSocketData['role']) => roleAtLeast(role, 'operator');

  nsp.on('connection', (socket) => {
    socket.emit('lights:snapshot', snapshot());
    socket.on('lights:snapshot', (ack) => {
      if (typeof ack === 'function') ack(snapshot());
    });
    socket.on('lights:fire', (request, ack) => {
      if (typeof ack !== 'function') return;
      if (!canOperate(socket.data.role)) {
        ack({ ok: false, error: `forbidden: firing effects needs the operator role; this token has the ${socket.data.role} role` });
        return;
      }
      const parsed = FireCommandSchema.safeParse(request);
      if (!parsed.success) {
        ack({ ok: false, error: `invalid lights:fire request: ${formatZodError(parsed.error, FireCommandSchema)}` });
        return;
      }
      try {
        const { data, ...rest } = parsed.data;
        const firing = runFire(engine, services.overlay, rest, { source: 'socket', room: rest.room ?? '', description: `fired by token ${socket.data.tokenId}`, ...(data ? { data } : {}) });
        ack({ ok: true, result: firing });
      } catch (err) {
        if (!(err instanceof RequestError) && !(err instanceof ValidationError)) services.logger.error({ err }, 'lights:fire failed');
        ack(failure(err));
      }
    });
    socket.on('lights:stop', (request, ack) => {
      if (typeof ack !== 'function') return;
      if (!canOperate(socket.data.role)) {
        ack({ ok: false, error: `forbidden: stopping effects needs the operator role; this token has the ${socket.data.role} role` });
        return;
      }
      const parsed = StopRequestSchema.safeParse(request);
      if (!parsed.success) {
        ack({ ok: false, error: `invalid lights:stop request: ${formatZodError(parsed.error, StopRequestSchema)}` });
        return;
      }
      try {
        const result: LightsAck<LightsFiringView[]> = { ok: true, result: engine.stop(parsed.data) };
        ack(result);
      } catch (err) {
        ack(failure(err));
      }
    });
  });

  // Live levels: only what changed since the last broadcast, and only while someone watches.
  const periodMs = 1_000 / uiRefreshHz;
  const timer = setInterval(() => {
    if (nsp.sockets.size === 0) return;
    const changed: Record<string, LightsFixtureLevels> = {};
    let any = false;
    for (const fixture of engine.fixtures) {
      const levels = levelsView(fixture);
      if (sameLevels(sent.get(fixture.id), levels)) continue;
      sent.set(fixture.id, levels);
      changed[fixture.id] = levels;
      any = true;
    }
    if (any) nsp.local.emit('lights:frame', { at: Date.now(), levels: changed });
  }, periodMs);

  const onFirings = () => nsp.local.emit('lights:firings', engine.firings());
  const onPatch = () => nsp.local.emit('lights:snapshot', snapshot());
  engine.on('firings', onFirings);
  patch.on('change', onPatch);

  return () => {
    clearInterval(timer);
    engine.off('firings', onFirings);
    patch.off('change', onPatch);
  };
}

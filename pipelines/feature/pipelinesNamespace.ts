import type { Namespace } from 'socket.io';
import type { NamespaceFactory } from '../../server/sockets/createSocketServer.ts';
import { socketAuth } from '../../server/sockets/socketAuth.ts';
import type { AuthenticatedSocketData } from '../../server/protocol/controlEvents.ts';
import {
  PIPELINES_NAMESPACE,
  PIPELINES_STATS_INTERVAL_MS,
  type PipelinesClientToServerEvents,
  type PipelinesServerToClientEvents,
} from '../protocol.ts';
import type { PipelineManager } from './PipelineManager.ts';

type PipelinesNamespace = Namespace<PipelinesClientToServerEvents, PipelinesServerToClientEvents, Record<string, never>, AuthenticatedSocketData>;

/** A change is pushed at most this often (a flapping stage must not flood the UI). */
const CHANGE_THROTTLE_MS = 200;

/**
 * `/pipelines` (operator): a snapshot on connect, then live figures every second and right after a
 * change. Pipelines run per process, so snapshots go to this process's sockets only (`local`).
 */
export function pipelinesNamespace(manager: PipelineManager, signal: AbortSignal): NamespaceFactory {
  return (io, services) => {
    const ns = io.of(PIPELINES_NAMESPACE) as PipelinesNamespace;
    ns.use(socketAuth(services.auth, 'operator', services.config.server.trustProxy));
    ns.on('connection', (socket) => {
      socket.emit('pipelines:snapshot', manager.snapshot());
      socket.on('pipelines:get', (ack) => {
        if (typeof ack === 'function') ack(manager.snapshot());
      });
    });
    const push = () => {
      if (ns.sockets.size) ns.local.emit('pipelines:snapshot', manager.snapshot());
    };
    const interval = setInterval(push, PIPELINES_STATS_INTERVAL_MS);
    interval.unref();
    let pending: NodeJS.Timeout | undefined;
    const onChange = () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        push();
      }, CHANGE_THROTTLE_MS);
    };
    manager.on('change', onChange);
    signal.addEventListener('abort', () => {
      clearInterval(interval);
      clearTimeout(pending);
      manager.off('change', onChange);
    });
  };
}

import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server as SocketServer } from 'socket.io';
import type { Logger } from 'pino';
import type { LoadedConfig } from './config/loadConfig.ts';
import type { AppServices } from './AppServices.ts';
import { HealthRegistry } from './health/HealthRegistry.ts';
import { RoomcastMetrics } from './metrics/RoomcastMetrics.ts';
import { EmbeddedRedis } from './redis/EmbeddedRedis.ts';
import { closeRedisClient, connectRedisClient, createRedisClient, describeRedisEndpoint, type RedisClient, type RedisEndpoint } from './redis/RedisConnection.ts';
import { EventBus } from './bus/EventBus.ts';
import { PubSub } from './bus/PubSub.ts';
import { TokenStore } from './auth/TokenStore.ts';
import { Authenticator } from './auth/Authenticator.ts';
import { OverlayStateStore } from './overlay-state/OverlayStateStore.ts';
import { OverlayService } from './overlay-state/OverlayService.ts';
import { createHttpApp } from './http/createHttpApp.ts';
import { createSocketServer } from './sockets/createSocketServer.ts';
import { DataDirLock } from './DataDirLock.ts';
import { ActionRegistry } from './actions/ActionRegistry.ts';
import { overlayActions } from './actions/overlayActions.ts';
import type { Feature } from './features/Feature.ts';
import { BUILTIN_FEATURES } from './features/builtinFeatures.ts';
import { startFeatures } from './features/startFeatures.ts';

export interface RoomcastOptions {
  loaded: LoadedConfig;
  logger: Logger;
  /** Called once, the first time the server starts on a data directory, with the admin login URL. */
  onFirstAdminToken?: (loginUrl: string) => void;
  /** Features to start (default: the built-ins); their config sections must be in `loaded.config`. */
  features?: readonly Feature[];
}

/** A listening address as a URL people can open (0.0.0.0 and :: are shown as loopback). */
function displayUrl(address: AddressInfo, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/$/, '');
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/**
 * The composition root: starts every subsystem in dependency order and stops them in reverse.
 * Each piece reports to the HealthRegistry, which the dashboard and /readyz read.
 */
export class Roomcast {
  readonly services: AppServices;
  readonly url: string;
  private readonly closers: Array<{ name: string; close: () => Promise<void> | void }>;
  private stopping: Promise<void> | undefined;

  private constructor(
    services: AppServices,
    url: string,
    closers: Array<{ name: string; close: () => Promise<void> | void }>,
    private readonly stoppingFlag: { value: boolean },
  ) {
    this.services = services;
    this.url = url;
    this.closers = closers;
  }

  static async start(options: RoomcastOptions): Promise<Roomcast> {
    const { config, dataDir } = options.loaded;
    const logger = options.logger;
    const closers: Array<{ name: string; close: () => Promise<void> | void }> = [];
    // Subsystems going down during an intended stop are news, not errors.
    const stopping = { value: false };
    const runClosers = async () => {
      for (const closer of [...closers].reverse()) {
        try {
          await closer.close();
        } catch (err) {
          logger.warn({ err: (err as Error).message, component: closer.name }, 'error while stopping');
        }
      }
    };

    try {
      const lock = new DataDirLock(dataDir);
      lock.acquire();
      closers.push({ name: 'data-dir-lock', close: () => lock.release() });

      const health = new HealthRegistry();
      const metrics = new RoomcastMetrics();
      health.on('change', (e) => {
        metrics.healthState.set({ name: e.name, kind: e.kind }, e.state === 'ok' ? 1 : e.state === 'degraded' ? 0.5 : 0);
        const level = e.state === 'ok' || stopping.value ? 'info' : e.state === 'degraded' ? 'warn' : 'error';
        logger[level]({ health: e.name, state: e.state, reason: e.reason }, `${e.name} is ${e.state}`);
      });
      health.on('remove', (e) => {
        metrics.healthState.remove({ name: e.name, kind: e.kind });
        logger.debug({ health: e.name }, `${e.name} is no longer reported`);
      });
      const redisHealth = health.register('redis', { kind: 'subsystem', critical: true });
      const busHealth = health.register('event-bus', { kind: 'subsystem', critical: true });
      const httpHealth = health.register('http', { kind: 'subsystem', critical: true });

      // 1. Redis: ours (supervised, on a unix socket in the data dir) unless a URL is configured.
      let endpoint: RedisEndpoint;
      if (config.redis.url) {
        endpoint = { url: config.redis.url };
      } else {
        const embedded = new EmbeddedRedis({ dataDir, binary: config.redis.serverBinary, logger });
        embedded.on('down', (reason) => redisHealth.down(reason));
        await embedded.start();
        closers.push({ name: 'embedded-redis', close: () => embedded.stop() });
        endpoint = { socketPath: embedded.socketPath };
      }
      logger.info({ redis: describeRedisEndpoint(endpoint), embedded: !config.redis.url }, 'redis endpoint');

      const connect = async (name: string): Promise<RedisClient> => {
        const client = await connectRedisClient(createRedisClient(endpoint, { name, logger }), endpoint);
        closers.push({ name, close: () => closeRedisClient(client) });
        return client;
      };
      const redis = await connect('roomcast');
      redisHealth.ok();
      busHealth.ok();
      redis.on('error', (err: Error) => {
        redisHealth.down(`connection lost: ${err.message}`);
        busHealth.down('redis unavailable: events are queued in memory until it returns');
      });
      redis.on('ready', () => {
        redisHealth.ok();
        busHealth.ok();
      });

      // 2. Messaging and state on Redis.
      const keyPrefix = config.redis.keyPrefix;
      const bus = new EventBus({ client: redis, keyPrefix, ...config.bus, logger, metrics });
      closers.push({ name: 'event-bus', close: () => bus.close() });
      const pubsub = new PubSub({ client: redis, keyPrefix, logger });
      closers.push({ name: 'pubsub', close: () => pubsub.close() });
      const tokens = new TokenStore(redis, keyPrefix);
      const auth = new Authenticator({ tokens, client: redis, keyPrefix, ...config.auth, logger, metrics });
      const overlay = new OverlayService(
        new OverlayStateStore(redis, keyPrefix),
        config.rooms.map((r) => r.id),
      );
      const actions = new ActionRegistry(logger.child({ component: 'actions' }));
      for (const action of overlayActions(overlay)) actions.register(action);
      const services: AppServices = { config, logger, health, metrics, redis, tokens, auth, bus, pubsub, overlay, actions };

      // 3. Features (lights, ingest, pipelines...): they register routes and namespaces while starting.
      const mounted = await startFeatures(options.features ?? BUILTIN_FEATURES, { services, dataDir, onStop: (name, close) => closers.push({ name, close }) });

      // 4. HTTP + sockets on one port.
      const app = createHttpApp(services, mounted.api);
      const httpServer: HttpServer = createServer(app.callback());
      const ioSub = await connect('roomcast-io-sub');
      const io: SocketServer = createSocketServer(httpServer, services, { pub: redis, sub: ioSub }, mounted.namespaces);
      closers.push({
        name: 'http',
        close: async () => {
          httpHealth.down('stopping');
          // io.close() disconnects every socket and closes the HTTP server; keep-alive sockets go too.
          const closed = io.close();
          httpServer.closeAllConnections();
          await closed;
        },
      });
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', (err: NodeJS.ErrnoException) => {
          reject(
            err.code === 'EADDRINUSE'
              ? new Error(`port ${config.server.port} on ${config.server.host} is already in use (another Roomcast?); choose another with ROOMCAST_PORT or server.port`)
              : err,
          );
        });
        httpServer.listen(config.server.port, config.server.host, () => resolve());
      });
      const url = displayUrl(httpServer.address() as AddressInfo, config.server.publicUrl);

      // 5. First start on this data dir: an admin token, shown once.
      if ((await tokens.count('admin')) === 0) {
        const { token, record } = await tokens.create('admin', 'first admin (created at first start)');
        await bus.publish('auth.token_created', { tokenId: record.id, role: record.role, label: record.label });
        options.onFirstAdminToken?.(`${url}/#token=${token}`);
      }
      // Ready only now: probes (and tests) must not see a server whose first-start link isn't out yet.
      httpHealth.ok();
      logger.info({ url, host: config.server.host, port: (httpServer.address() as AddressInfo).port, dataDir }, 'Roomcast is ready');
      return new Roomcast(services, url, closers, stopping);
    } catch (err) {
      await runClosers();
      throw err;
    }
  }

  /** Stop everything in reverse start order. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stoppingFlag.value = true;
      for (const closer of [...this.closers].reverse()) {
        try {
          await closer.close();
        } catch (err) {
          this.services.logger.warn({ err: (err as Error).message, component: closer.name }, 'error while stopping');
        }
      }
    })();
    return this.stopping;
  }
}

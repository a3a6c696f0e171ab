import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Router } from '@koa/router';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Roomcast } from '../../server/Roomcast.ts';
import { configSchemaFor } from '../../server/config/schema.ts';
import { ConfigError, loadConfig } from '../../server/config/loadConfig.ts';
import { createLogger } from '../../server/log/logger.ts';
import { defineFeature, type Feature } from '../../server/features/Feature.ts';
import { requireRole } from '../../server/http/authMiddleware.ts';
import { socketAuth } from '../../server/sockets/socketAuth.ts';
import { freePort } from '../helpers/ports.ts';
import { connectSocket } from '../helpers/sockets.ts';

declare module '../../server/features/FeatureServices.ts' {
  interface FeatureServices {
    'test.greeter': { greet(name: string): string };
  }
}

const events: string[] = [];

const greeter = defineFeature({
  name: 'greeter',
  configSchema: z.strictObject({ greeting: z.string().default('Hello') }),
  start(ctx) {
    ctx.provide('test.greeter', { greet: (name) => `${ctx.config.greeting}, ${name}` });
    ctx.onStop(() => void events.push('greeter stopped'));
  },
});

const consumer = defineFeature({
  name: 'consumer',
  configSchema: z.strictObject({ enabled: z.boolean().default(true) }),
  start(ctx) {
    const service = ctx.use('test.greeter');
    ctx.addApi(() => {
      const router = new Router();
      router.get('/greet/:name', (c) => void (c.body = { text: service.greet(c.params['name']!) }));
      router.post('/greet', requireRole('operator'), (c) => void (c.status = 204));
      return router;
    });
    ctx.addNamespace((io, services) => {
      const ns = io.of('/greetings');
      ns.use(socketAuth(services.auth, 'overlay', false));
      ns.on('connection', (socket) => socket.on('greet', (name: string, ack: (t: string) => void) => ack(service.greet(name))));
    });
    ctx.onStop(() => void events.push('consumer stopped'));
  },
});

const features: Feature[] = [greeter, consumer];
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-features-'));
let roomcast: Roomcast | undefined;

afterAll(async () => {
  await roomcast?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('features: the contract built-ins and plugins share', () => {
  it('each adds its own validated config section (unknown keys rejected, defaults applied)', () => {
    const schema = configSchemaFor(features);
    expect(() => loadConfig({ env: { ROOMCAST_GREETER__GREETNG: 'Hi' }, schema })).toThrow(ConfigError);
    const { config } = loadConfig({ env: { ROOMCAST_GREETER__GREETING: 'Hi' }, schema });
    expect(config['greeter']).toEqual({ greeting: 'Hi' });
    expect(config['consumer']).toEqual({ enabled: true });
    expect(() => configSchemaFor([{ name: 'server', configSchema: z.strictObject({}) }])).toThrow(/config section already exists/);
  });

  it('start in order, share services, mount API routes and socket namespaces behind auth, stop in reverse', async () => {
    const port = await freePort();
    const loaded = loadConfig({ env: { ROOMCAST_PORT: String(port), ROOMCAST_DATA_DIR: dataDir, ROOMCAST_GREETER__GREETING: 'Hi' }, schema: configSchemaFor(features) });
    let loginUrl = '';
    roomcast = await Roomcast.start({ loaded, logger: createLogger({ level: 'silent' }), features, onFirstAdminToken: (url) => (loginUrl = url) });
    const token = /#token=(.+)$/.exec(loginUrl)![1]!;

    const res = await fetch(`${roomcast.url}/api/greet/Ada`, { headers: { authorization: `Bearer ${token}` } });
    expect(await res.json()).toEqual({ text: 'Hi, Ada' });
    expect((await fetch(`${roomcast.url}/api/greet/Ada`)).status).toBe(401);

    const socket = await connectSocket(`${roomcast.url}/greetings`, token);
    expect(await socket.emitWithAck('greet', 'Grace')).toBe('Hi, Grace');
    socket.close();

    await roomcast.stop();
    roomcast = undefined;
    expect(events).toEqual(['consumer stopped', 'greeter stopped']);
  });

  it('refuses to start when a feature needs a service nobody provided, naming both', async () => {
    const loaded = loadConfig({ env: { ROOMCAST_PORT: String(await freePort()), ROOMCAST_DATA_DIR: dataDir }, schema: configSchemaFor([consumer]) });
    await expect(Roomcast.start({ loaded, logger: createLogger({ level: 'silent' }), features: [consumer] })).rejects.toThrow(
      /feature "consumer" failed to start: feature "consumer" needs the "test.greeter" service, which no earlier feature provides/,
    );
  });
});

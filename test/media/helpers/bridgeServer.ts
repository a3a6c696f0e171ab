import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { Roomcast } from '../../../server/Roomcast.ts';
import { configSchemaFor } from '../../../server/config/schema.ts';
import { loadConfig } from '../../../server/config/loadConfig.ts';
import { createLogger } from '../../../server/log/logger.ts';
import { defineFeature } from '../../../server/features/Feature.ts';
import type { MediaBridge, MediaIngress } from '../../../server/media/MediaContracts.ts';
import { ingestFeature } from '../../../server/media/ingress/ingestFeature.ts';
import { mediaBridgeFeature } from '../../../server/media/bridge/mediaBridgeFeature.ts';
import type { Role } from '../../../server/protocol/roles.ts';
import { freePort } from '../../helpers/ports.ts';

/**
 * A real Roomcast in this process with the media features (mediasoup ingest + the media bridge),
 * and a probe feature that hands the test `media.ingress` and `media.bridge` exactly as pipelines get
 * them. `env` is what a CLI child needs to reach this server (its config file, port and data dir).
 */
export interface BridgeServer {
  url: string;
  roomcast: Roomcast;
  ingress: MediaIngress;
  bridge: MediaBridge;
  env: Record<string, string>;
  createToken(role: Role): Promise<string>;
  stop(): Promise<void>;
}

export async function startBridgeServer(options: { yaml?: string } = {}): Promise<BridgeServer> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'roomcast-bridge-'));
  const file = path.join(root, 'roomcast.yaml');
  writeFileSync(file, options.yaml ?? 'rooms: [{ id: demo }]\ningest: { workers: 1 }\n');
  let ingress: MediaIngress | undefined;
  let bridge: MediaBridge | undefined;
  const probe = defineFeature({
    name: 'bridgeProbe',
    configSchema: z.strictObject({}),
    start(ctx) {
      ingress = ctx.use('media.ingress');
      bridge = ctx.use('media.bridge');
    },
  });
  const features = [ingestFeature, mediaBridgeFeature, probe];
  const env = { ROOMCAST_CONFIG: file, ROOMCAST_HOST: '127.0.0.1', ROOMCAST_PORT: String(await freePort()), ROOMCAST_DATA_DIR: path.join(root, 'data') };
  const loaded = loadConfig({ file, env, schema: configSchemaFor(features) });
  let roomcast: Roomcast;
  try {
    roomcast = await Roomcast.start({ loaded, logger: createLogger({ level: (process.env.ROOMCAST_TEST_LOG as 'debug' | undefined) ?? 'silent', pretty: false }), features });
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  return {
    url: roomcast.url,
    roomcast,
    ingress: ingress!,
    bridge: bridge!,
    env,
    createToken: async (role) => (await roomcast.services.tokens.create(role, `bridge test ${role}`)).token,
    async stop() {
      await roomcast.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

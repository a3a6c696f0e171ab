import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { Roomcast } from '../../../server/Roomcast.ts';
import { configSchemaFor } from '../../../server/config/schema.ts';
import { loadConfig } from '../../../server/config/loadConfig.ts';
import { createLogger } from '../../../server/log/logger.ts';
import { defineFeature } from '../../../server/features/Feature.ts';
import type { Role } from '../../../server/protocol/roles.ts';
import type { MediaIngress } from '../../../server/media/MediaContracts.ts';
import { ingestFeature } from '../../../server/media/ingress/ingestFeature.ts';
import { freePort } from '../../helpers/ports.ts';

/**
 * A real Roomcast server in this process with only the ingest feature (the media bridge and other
 * features are not involved), plus a probe feature that hands the test the `media.ingress` service
 * exactly as the media bridge receives it. Its mediasoup workers are real child processes.
 */
export interface IngestServer {
  url: string;
  roomcast: Roomcast;
  ingress: MediaIngress;
  adminToken: string;
  createToken(role: Role): Promise<string>;
  api(pathname: string, init?: { method?: string; token?: string; body?: unknown }): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  dataDir: string;
  /** Stop and start again on the same config and data dir (a new port; url and ingress follow). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startIngestServer(options: { yaml?: string } = {}): Promise<IngestServer> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'roomcast-ingest-'));
  const file = path.join(root, 'roomcast.yaml');
  writeFileSync(file, options.yaml ?? '');
  let ingress: MediaIngress | undefined;
  const probe = defineFeature({
    name: 'ingestProbe',
    configSchema: z.strictObject({}),
    start(ctx) {
      ingress = ctx.use('media.ingress');
    },
  });
  const features = [ingestFeature, probe];
  let loginUrl = '';
  const boot = async () => {
    const loaded = loadConfig({
      file,
      env: { ROOMCAST_HOST: '127.0.0.1', ROOMCAST_PORT: String(await freePort()), ROOMCAST_DATA_DIR: path.join(root, 'data') },
      schema: configSchemaFor(features),
    });
    return Roomcast.start({
      loaded,
      logger: createLogger({ level: (process.env.ROOMCAST_TEST_LOG as 'debug' | undefined) ?? 'silent', pretty: false }),
      features,
      onFirstAdminToken: (url) => (loginUrl = url),
    });
  };
  let roomcast: Roomcast;
  try {
    roomcast = await boot();
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  const adminToken = decodeURIComponent(/#token=(.+)$/.exec(loginUrl)![1]!);
  const api: IngestServer['api'] = async (pathname, init = {}) => {
    const res = await fetch(`${roomcast.url}${pathname}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.token ?? adminToken}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get url() {
      return roomcast.url;
    },
    get roomcast() {
      return roomcast;
    },
    get ingress() {
      return ingress!;
    },
    adminToken,
    dataDir: path.join(root, 'data'),
    createToken: async (role) => (await roomcast.services.tokens.create(role, `ingest test ${role}`)).token,
    api,
    async restart() {
      await roomcast.stop();
      roomcast = await boot();
    },
    async stop() {
      await roomcast.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface WorkerStatus {
  index: number;
  pid: number | null;
  running: boolean;
  generation: number;
  restarts: number;
}

/** `/api/media/workers` and the worker carrying a room's router. */
export async function mediaWorkers(server: IngestServer): Promise<{ workers: WorkerStatus[]; rooms: Array<{ room: string; worker: number; routers: Array<{ worker: number; primary: boolean; consumers: number }> }> }> {
  const res = await server.api('/api/media/workers');
  if (res.status !== 200) throw new Error(`GET /api/media/workers: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function roomWorker(server: IngestServer, room: string): Promise<WorkerStatus> {
  const { workers, rooms } = await mediaWorkers(server);
  const index = rooms.find((r) => r.room === room)?.worker;
  const worker = workers.find((w) => w.index === index);
  if (!worker) throw new Error(`no worker for room ${room}`);
  return worker;
}

export interface ProducerWithStats {
  producerId: string;
  room: string;
  kind: 'audio' | 'video';
  origin: string;
  label: string;
  measurement?: boolean;
  interrupted?: boolean;
  codec: { mimeType: string; payloadType: number };
  stats: { byteCount: number; packetCount: number; bitrate: number; score: number } | null;
}

export async function producersWithStats(server: IngestServer, room: string): Promise<ProducerWithStats[]> {
  const res = await server.api(`/api/media/producers?room=${encodeURIComponent(room)}&stats=1`);
  if (res.status !== 200) throw new Error(`GET /api/media/producers: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.producers;
}

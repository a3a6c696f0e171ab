import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineStatus } from '../../pipelines/protocol.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { waitFor } from '../helpers/wait.ts';
import { sendVp8, type GstSender } from '../ingest/helpers/mediaFixtures.ts';
import { freeUdpPort } from '../ingest/helpers/udp.ts';

const EXAMPLE_PLUGIN = fileURLToPath(new URL('../plugins/roomcast-plugin-example', import.meta.url));

/**
 * A pipeline on a published track, end to end in a real server: a device sends VP8 over plain RTP to
 * an ingest input, the media bridge decodes it, and the pipeline's producer source feeds the frames
 * (found by room + label) to a stage.
 */
describe('the producer source', () => {
  let roomcast: RoomcastProcess;
  let sender: GstSender | undefined;
  let port: number;

  beforeAll(async () => {
    port = await freeUdpPort();
    roomcast = await startRoomcast({
      configYaml: `plugins:
  - ${EXAMPLE_PLUGIN}
ingest:
  workers: 1
  rtpInputs:
    - { room: demo, label: door-cam, kind: video, codec: vp8, port: ${port} }
pipelines:
  - id: door
    source: { type: producer, room: demo, label: door-cam }
    stages:
      # The test ball is small and moves a few pixels a frame: a sensitive detector.
      - { id: motion, type: example.motion, options: { minArea: 0.002, minFrames: 1 } }
    sinks:
      - { type: log }
  - id: nobody
    source: { type: producer, room: demo, label: not-published }
    stages:
      - { id: motion, type: example.motion }
`,
    });
  });

  afterAll(async () => {
    await sender?.stop();
    await roomcast?.dispose();
  });

  const pipeline = async (id: string) => (await roomcast.api(`/api/pipelines/${id}`)).body.pipeline as PipelineStatus;

  it('waits, saying for what, while nothing with that label is published', async () => {
    await waitFor('the waiting problem', async () => (await pipeline('nobody')).source.problem?.includes('waiting'), 10_000);
    const nobody = await pipeline('nobody');
    expect(nobody.source.problem).toBe('waiting for a video producer labelled "not-published" in room "demo"');
    expect(nobody.health).toBe('degraded');
    expect(nobody.stages[0]!.framesIn).toBe(0);
  });

  it('decodes the published track into the stages: a moving ball is motion', async () => {
    const input = ((await roomcast.api('/api/media/rtp-inputs')).body.inputs as Array<{ label: string; payloadType: number; ssrc: number }>).find((i) => i.label === 'door-cam')!;
    sender = sendVp8(port, { payloadType: input.payloadType, ssrc: input.ssrc });
    await waitFor('decoded frames in the motion stage', async () => (await pipeline('door')).stages[0]!.processed >= 20, 30_000, 200);
    await waitFor('motion', async () => (await pipeline('door')).recentEvents.some((e) => e.type === 'motion_start'), 15_000, 200);
    const door = await pipeline('door');
    expect(door.source.problem).toBeNull();
    expect(door.source.frames).toBeGreaterThanOrEqual(20);
    expect(door.recentEvents.find((e) => e.type === 'motion_start')!.sourceId).toBeTruthy();
    expect(door.stages[0]!.errors).toBe(0);
  });

  it('a config reload leaves the published track and the unchanged pipeline alone', async () => {
    const producers = async () => (await roomcast.api('/api/media/producers?room=demo')).body.producers as Array<{ producerId: string; label: string }>;
    const before = (await producers()).find((p) => p.label === 'door-cam')!;
    const door = await pipeline('door');
    const file = path.join(path.dirname(roomcast.dataDir), 'roomcast.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/  - id: nobody[\s\S]*$/, ''));
    const reload = await roomcast.api('/api/pipelines/reload', { method: 'POST' });
    expect(reload.body.report).toMatchObject({ ok: true, removed: ['nobody'], unchanged: ['door'], restartRequired: [] });
    expect((await producers()).find((p) => p.label === 'door-cam')!.producerId).toBe(before.producerId);
    const after = await pipeline('door');
    expect(after.startedAt).toBe(door.startedAt);
    await waitFor('frames to keep coming', async () => (await pipeline('door')).source.frames > after.source.frames + 10, 10_000, 200);
  });
});

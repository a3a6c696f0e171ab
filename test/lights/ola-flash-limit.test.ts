import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOla, type OlaPeer } from '../peers/ola.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { sleep } from '../helpers/wait.ts';
import { maxInWindow, transitionTimes } from './flashCount.ts';

/**
 * End to end, as a viewer's eyes would get it: a real Roomcast (lights engine + DMX adapter over
 * Art-Net) and a real OLA receiving; the frames OLA records are what a fixture would show.
 */
describe('flash limit at the far end (OLA)', () => {
  let ola: OlaPeer;
  let rc: RoomcastProcess;

  beforeAll(async () => {
    ola = await startOla({ artnet: [0] });
    rc = await startRoomcast({
      configYaml: `
dmx:
  outputs:
    - id: stage
      protocol: artnet
      artnet: { host: "${ola.artnet.host}", port: ${ola.artnet.port} }
      universes: [ { universe: 1 } ]
lights:
  fixtures:
    - { id: limited, profile: rgb-par-7ch, universe: 1, address: 1 }
    - { id: optedout, profile: dimmer, universe: 1, address: 8, flashLimitOptOut: "reference: shows what was asked for" }
  baseLook: { all: { intensity: 0 } }
`,
    });
  });

  afterAll(async () => {
    await rc?.dispose();
    await ola?.stop();
  });

  it('a 10 Hz strobe request produces <= 3 flashes/s in the DMX frames OLA receives', { timeout: 60_000 }, async () => {
    // The engine reaches OLA: the base look (dark) is there before anything fires.
    await ola.waitForArtnet(0, (slots) => slots.length === 512 && slots[0] === 0 && slots[1] === 255, 'the base look (dimmer 0, red 255)');
    const recording = await ola.record('artnet', 0);
    const fired = await rc.api('/api/lights/fire', { method: 'POST', body: { effect: 'strobe', params: { rateHz: 10 }, durationMs: 6_000 } });
    expect(fired.status, JSON.stringify(fired.body)).toBe(202);
    await sleep(6_500);
    const frames = await recording.stop();
    expect(frames.length).toBeGreaterThan(100);

    // Slot 1: the limited par's dimmer; slot 8: the opted-out dimmer (the reference).
    const limited = transitionTimes(frames.map((f) => ({ t: f.atMs, v: (f.slots[0] ?? 0) / 255 })), 0.1, 0.8);
    const reference = transitionTimes(frames.map((f) => ({ t: f.atMs, v: (f.slots[7] ?? 0) / 255 })), 0.1, 0.8);
    // What was asked really was ~10 Hz (20 transitions a second) and it reached OLA...
    expect(maxInWindow(reference)).toBeGreaterThanOrEqual(16);
    // ...while the limited fixture never exceeds 3 flashes (6 transitions) in any one-second window,
    expect(maxInWindow(limited)).toBeLessThanOrEqual(6);
    // and still flashes (damped, not switched off): at least 1.5 flashes/s over the 6 s.
    expect(limited.length).toBeGreaterThanOrEqual(18);
  });
});

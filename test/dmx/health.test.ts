import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { openTestOutput, slotPattern, type TestOutput } from './dmxTestKit.ts';

// Send errors become health, never crashes: dmxnet throws from its send callback and the sACN library's
// send promise goes unhandled in dmx-ts; either would take the whole server down. The test namespace has
// only loopback, so a LAN address (TEST-NET-1) or sACN multicast has no route: every send fails.

const opened: TestOutput[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

async function open(entry: Record<string, unknown>): Promise<TestOutput> {
  const output = await openTestOutput(entry);
  opened.push(output);
  return output;
}

describe('DMX output health when sends fail', () => {
  it('Art-Net to an unreachable node: degraded naming the node and the error, down once nothing got through for 2.5 s', async () => {
    const { output, health } = await open({ id: 'far-node', protocol: 'artnet', artnet: { host: '192.0.2.1' }, keepAliveMs: 200, universes: [{ universe: 1, portAddress: '0:0:4' }] });
    const errors: string[] = [];
    output.on('failed', (_universe, err) => errors.push(err.message));
    expect(health().state).toBe('ok'); // nothing tried yet

    output.setFrame(1, slotPattern(1));
    await waitFor('degraded', () => health().state === 'degraded');
    expect(health().reason).toMatch(/^send failing: Art-Net 0:0:4 to 192\.0\.2\.1:6454: .*(ENETUNREACH|EHOSTUNREACH)/);
    await waitFor('down', () => health().state === 'down', 5000);
    expect(health().reason).toMatch(/^nothing delivered for over 2\.5 s: Art-Net 0:0:4 to 192\.0\.2\.1:6454/);
    expect(errors.length).toBeGreaterThanOrEqual(3); // the change, its repeats, keep-alives: all reported
  });

  it('sACN multicast without a route: degraded then down, and no unhandled rejection from the library', async () => {
    const { output, health } = await open({ id: 'no-route', protocol: 'sacn', keepAliveMs: 200, universes: [{ universe: 2, sacnUniverse: 2 }] });
    output.setFrame(2, slotPattern(2));
    await waitFor('degraded', () => health().state === 'degraded');
    expect(health().reason).toMatch(/^send failing: sACN universe 2 \(multicast\): /);
    await waitFor('down', () => health().state === 'down', 5000);
  });
});

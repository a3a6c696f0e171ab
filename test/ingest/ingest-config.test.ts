import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { IngestConfigSchema } from '../../server/media/ingress/ingestConfig.ts';
import { formatZodError } from '../../server/validation/formatIssues.ts';
import { startIngestServer } from './helpers/ingestHarness.ts';

const problems = (input: unknown) => {
  const result = IngestConfigSchema.safeParse(input);
  return result.success ? '' : formatZodError(result.error, IngestConfigSchema);
};

describe('ingest configuration', () => {
  it('defaults to one worker per core, loopback only, no plain-RTP inputs', () => {
    expect(IngestConfigSchema.parse({})).toMatchObject({
      workers: os.availableParallelism(),
      listenIps: [{ ip: '127.0.0.1' }],
      rtcMinPort: 40000,
      rtcMaxPort: 49999,
      rtpInputs: [],
    });
  });

  it('names every mistake by its path', () => {
    const text = problems({
      workers: 0,
      listenIps: [{ ip: '0.0.0.0' }, { ip: 'localhost' }],
      rtcMinPort: 50000,
      rtcMaxPort: 40000,
      rtpInputs: [
        { room: 'demo', label: 'cam', kind: 'video', codec: 'opus' },
        { room: 'demo', label: 'mic', kind: 'audio', codec: 'opus' },
        { room: 'demo', label: 'mic', kind: 'audio', codec: 'opus', ssrc: -1 },
      ],
    });
    expect(text).toContain('workers:');
    expect(text).toContain('listenIps[0].announcedAddress: required when ip is 0.0.0.0');
    expect(text).toContain('listenIps[1].ip: must be an IPv4 or IPv6 address');
    expect(text).toContain('rtcMaxPort: must be >= rtcMinPort (50000)');
    expect(text).toContain('rtpInputs[0].codec: codec "opus" does not carry video');
    expect(text).toContain('rtpInputs[2].ssrc');
  });

  it('refuses to start with a plain-RTP input in a room that does not exist, naming it', async () => {
    await expect(startIngestServer({ yaml: 'rooms: [{ id: demo }]\ningest: { workers: 1, rtpInputs: [{ room: attic, label: door-mic, kind: audio, codec: opus }] }\n' })).rejects.toThrow(
      'feature "ingest" failed to start: ingest.rtpInputs[0].room: unknown room "attic" (known: demo)',
    );
  });

  it('reports duplicate labels of configured inputs', () => {
    expect(problems({ rtpInputs: [{ room: 'demo', label: 'a', kind: 'audio', codec: 'opus' }, { room: 'demo', label: 'a', kind: 'video', codec: 'vp8' }] })).toContain(
      'rtpInputs[1].label: duplicate label "a" in room "demo"',
    );
  });
});

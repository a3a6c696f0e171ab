import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchemaFor } from '../../server/config/schema.ts';
import { ConfigError, loadConfig } from '../../server/config/loadConfig.ts';
import { createPipelinesFeature } from '../../pipelines/feature/pipelinesFeature.ts';
import type { PipelineSpec } from '../../pipelines/config/pipelineConfigSchema.ts';
import { catalog } from './engineHarness.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-pipeline-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The pipelines section with the built-in stages (gesture included) and the faulty test stages.
const schema = configSchemaFor([createPipelinesFeature({ catalog })]);

function load(name: string, yaml: string) {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return loadConfig({ file, env: {}, cwd: dir, schema });
}
function problemsOf(name: string, yaml: string): string[] {
  try {
    load(name, yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('pipelines in roomcast.yaml', () => {
  it('is optional, and a minimal pipeline gets every default', () => {
    expect(load('none.yaml', 'rooms: [{ id: demo }]\n').config['pipelines']).toEqual([]);
    const [spec] = load('minimal.yaml', 'pipelines:\n  - id: p\n    source: { type: synthetic, kind: event }\n    stages: [{ id: f, type: event-filter }]\n    sinks: [{ type: log }, { type: log, level: debug }, { type: bus, id: out }]\n')
      .config['pipelines'] as PipelineSpec[];
    expect(spec).toMatchObject({
      id: 'p',
      enabled: true,
      source: { type: 'synthetic', kind: 'event', rate: 15, eventType: 'tick' },
      stages: [{ id: 'f', type: 'event-filter', options: { types: [], match: {} }, stallTimeoutMs: 10_000, startTimeoutMs: 60_000 }],
      restart: { initialDelayMs: 200, maxDelayMs: 30_000, stableAfterMs: 10_000 },
    });
    expect(spec!.sinks.map((s) => s.id)).toEqual(['log', 'log-2', 'out']);
  });

  it('checks each stage\'s options against its own schema, naming the full path, line and column', () => {
    const problems = problemsOf(
      'options.yaml',
      `pipelines:
  - id: lobby
    source: { type: synthetic }
    stages:
      - id: hands
        type: gesture
        options: { mode: browser }
      - id: slow
        type: faulty.slow
        options:
          ms: fast
      - id: gate
        type: event-filter
        options: { typs: [gesture_start] }
  - id: door
    source: { type: synthetic }
    stages:
      - { id: a, type: event-filter }
      - id: hands
        type: gesture
        options:
          minHoldMs: 2 seconds
`,
    );
    expect(problems).toEqual([
      'options.yaml:11:11: pipelines[0].stages[1].options.ms: expected number, got string',
      'options.yaml:14:20: pipelines[0].stages[2].options.typs: unknown key (did you mean "types"?)',
      'options.yaml:22:11: pipelines[1].stages[1].options.minHoldMs: expected number, got string',
    ]);
  });

  it('rejects unknown stage types with a suggestion, duplicate ids, and chains that cannot work, all at once', () => {
    const problems = problemsOf(
      'chain.yaml',
      `pipelines:
  - id: a
    source: { type: synthetic, kind: event }
    stages:
      - { id: s, type: gestur }
      - { id: d, type: faulty.detect }
      - { id: d, type: event-filter }
    sinks: [{ type: log }]
  - id: a
    source: { type: synthetic, kind: video }
    stages:
      - { id: r, type: faulty.record, queue: { audio: { mode: drop-oldest, capacity: 5 } } }
    sinks: [{ type: log, id: x }, { type: bus, id: x }, { type: nowhere }]
  - id: c
    source: { type: file }
`,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^chain\.yaml:5:\d+: pipelines\[0\]\.stages\[0\]\.type: unknown stage type "gestur" \(did you mean "gesture"\?\) \(known: event-filter, .*gesture/),
        expect.stringMatching(/pipelines\[1\]\.sinks\[2\]\.type: must be one of "actions", "overlay", "bus", "log"$/),
        expect.stringMatching(/pipelines\[2\]\.source\.path: required key is missing \(expected string\)$/),
      ]),
    );
    // Cross-checks (ids, how kinds flow) run once the structure is valid, then all at once:
    const second = problemsOf(
      'chain2.yaml',
      `pipelines:
  - id: a
    source: { type: synthetic, kind: event }
    stages:
      - { id: d, type: faulty.detect }
      - { id: d, type: event-filter }
    sinks: [{ type: log, id: x }, { type: bus, id: x }]
  - id: b
    source: { type: synthetic, kind: video }
    stages:
      - { id: r, type: faulty.detect, queue: { audio: { mode: drop-oldest, capacity: 5 } } }
  - id: c
    source: { type: synthetic, kind: audio }
    sinks: [{ type: log }]
`,
    );
    expect(second).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/pipelines\[0\]\.stages\[0\]\.type: "faulty\.detect" consumes video, but nothing before it produces that \(available: event\)$/),
        expect.stringMatching(/pipelines\[0\]\.stages\[1\]\.id: duplicate stage id "d"$/),
        expect.stringMatching(/pipelines\[0\]\.sinks\[1\]\.id: duplicate sink id "x"$/),
        expect.stringMatching(/pipelines\[1\]\.stages\[0\]\.queue\.audio: "faulty\.detect" has no audio input \(inputs: video\)$/),
        expect.stringMatching(/pipelines\[2\]\.sinks: sinks take events, but nothing in this pipeline produces events \(available: audio\)$/),
      ]),
    );
    expect(second.length).toBe(5);
    expect(problemsOf('twice.yaml', 'pipelines:\n  - { id: a, source: { type: synthetic } }\n  - { id: a, source: { type: file, path: x.webm } }\n')).toEqual([
      'twice.yaml:3:7: pipelines[1].id: duplicate pipeline id "a"',
    ]);
    expect(problems).toHaveLength(3);
  });
});

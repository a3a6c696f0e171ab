import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineStatus } from '../../pipelines/protocol.ts';
import { ROOMCAST_BIN, startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { waitFor } from '../helpers/wait.ts';
import { makeVideo } from '../pipelines/videoFiles.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLE_PLUGIN = path.join(HERE, 'roomcast-plugin-example');
const fixture = (name: string) => path.join(HERE, 'fixtures', name);

interface Hook {
  method: string;
  headers: IncomingHttpHeaders;
  body: { trigger: { source: string; room: string; description: string; data?: Record<string, unknown> }; sentAt: number };
}

/** `roomcast <args>` with a config file; resolves with its exit code and output. */
function roomcastCli(args: string[], configFile: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ROOMCAST_BIN, ...args], { env: { ...process.env, ROOMCAST_CONFIG: configFile, ROOMCAST_PORT: '0' }, cwd: path.dirname(configFile) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-plugins-'));
function configWithPlugins(name: string, plugins: string[], rest = ''): string {
  const file = path.join(dir, name);
  writeFileSync(file, `plugins:\n${plugins.map((p) => `  - ${JSON.stringify(p)}`).join('\n')}\n${rest}`);
  return file;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a plugin listed in roomcast.yaml', () => {
  let roomcast: RoomcastProcess;
  let hookServer: Server;
  let hookUrl: string;
  const hooks: Hook[] = [];

  beforeAll(async () => {
    hookServer = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        hooks.push({ method: req.method!, headers: req.headers, body: JSON.parse(body) as Hook['body'] });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hookServer.address() as { port: number }).port}/hook`;
    const ball = makeVideo(path.join(dir, 'ball.webm'), { frames: 30, pattern: 'ball', width: 160, height: 120, fps: 15 });
    const still = makeVideo(path.join(dir, 'still.webm'), { frames: 30, argb: '0xff3070a0', width: 160, height: 120, fps: 15 });
    // startRoomcast writes roomcast.yaml into a fresh folder directly under the temp dir: the plugin
    // is listed by its path relative to that file, as a user would.
    const relativePlugin = path.relative(path.join(os.tmpdir(), 'any-test-folder'), EXAMPLE_PLUGIN);
    roomcast = await startRoomcast({
      configYaml: `plugins:
  - ${relativePlugin.startsWith('.') ? relativePlugin : `./${relativePlugin}`}
  - ${fixture('feature-plugin.ts')}
doorbell:
  greeting: Come in
pipelines:
  - id: entrance
    source: { type: file, path: ${ball}, loop: true, width: 160, height: 120 }
    stages:
      - { id: motion, type: example.motion, options: { minArea: 0.01 } }
    sinks:
      - type: actions
        event: motion_start
        cooldownMs: 60000
        actions:
          - { type: example.webhook, url: "${hookUrl}", headers: { authorization: Bearer s3cret-hook-token } }
          - { type: effect.fire, effect: example.glow, params: { colour: "#00ff00" }, durationMs: 20000 }
      - { type: log }
  - id: hallway
    source: { type: file, path: ${still}, loop: true, width: 160, height: 120 }
    stages:
      - { id: motion, type: example.motion }
    sinks:
      - { type: log }
`,
    });
  });

  afterAll(async () => {
    await roomcast?.dispose();
    await new Promise((resolve) => hookServer?.close(resolve));
  });

  const pipeline = async (id: string) => (await roomcast.api(`/api/pipelines/${id}`)).body.pipeline as PipelineStatus;

  it('is loaded: its stage type, action type and itself are listed', async () => {
    const plugins = await roomcast.api('/api/plugins');
    expect(plugins.body.plugins).toEqual([
      expect.objectContaining({ name: 'example', version: '1.0.0', stages: ['example.motion'], actions: ['example.webhook'], features: [], effects: ['example.glow'] }),
      expect.objectContaining({ name: 'doorbell', stages: [], features: ['doorbell'] }),
    ]);
    const types = (await roomcast.api('/api/pipelines')).body.stageTypes as Array<{ type: string; origin: string; inputs: string[]; outputs: string[] }>;
    expect(types.find((t) => t.type === 'example.motion')).toEqual(expect.objectContaining({ origin: 'plugin example', inputs: ['video'], outputs: ['event'] }));
    const actions = (await roomcast.api('/api/actions')).body.types as Array<{ type: string }>;
    expect(actions.map((a) => a.type)).toContain('example.webhook');
    const effects = (await roomcast.api('/api/lights/effects')).body.effects as Array<{ id: string; description: string }>;
    expect(effects).toContainEqual(expect.objectContaining({ id: 'example.glow', description: 'A glow in one colour that fades out' }));
  });

  it('its motion stage runs on a decoded video and its action fires from a pipeline sink', async () => {
    await waitFor('the webhook to be called', () => hooks.some((h) => h.body.trigger.source === 'pipeline:entrance'), 20_000);
    const hook = hooks.find((h) => h.body.trigger.source === 'pipeline:entrance')!;
    expect(hook.method).toBe('POST');
    expect(hook.headers['authorization']).toBe('Bearer s3cret-hook-token');
    expect(hook.body.trigger).toMatchObject({ room: 'demo', description: 'motion_start from pipeline entrance', data: { event: 'motion_start', sourceId: expect.stringContaining('ball.webm') } });
    expect(hook.body.trigger.data!['area']).toBeGreaterThanOrEqual(0.01);

    // The same rule fired the plugin's light effect through the built-in effect.fire action.
    const firings = (await roomcast.api('/api/lights/firings')).body.firings as Array<{ effect: string }>;
    expect(firings.map((f) => f.effect)).toContain('example.glow');

    const entrance = await pipeline('entrance');
    expect(entrance.recentEvents.map((e) => e.type)).toContain('motion_start');
    expect(entrance.stages[0]).toMatchObject({ type: 'example.motion', errors: 0, restarts: 0 });
    expect(entrance.sinks.map((s) => s.id)).toEqual(['actions', 'log']);
    expect(roomcast.output()).toMatch(/"msg":"pipeline entrance: motion_start"/);
    // Secrets in action params never reach the log.
    expect(roomcast.output()).not.toContain('s3cret-hook-token');
  });

  it('a video where nothing moves gives no motion events', async () => {
    await waitFor('30 still frames through the motion stage', async () => (await pipeline('hallway')).stages[0]!.processed >= 30, 15_000);
    const hallway = await pipeline('hallway');
    expect(hallway.stages[0]!.framesOut).toBe(0);
    expect(hallway.recentEvents).toEqual([]);
  });

  it('a plugin feature gets its own validated config section and serves its routes behind auth', async () => {
    expect((await roomcast.api('/api/doorbell')).body).toEqual({ greeting: 'Come in', room: 'demo' });
    expect((await roomcast.api('/api/doorbell', { token: null })).status).toBe(401);
    expect((await roomcast.api('/api/doorbell/ring', { method: 'POST' })).status).toBe(202);
  });

  it('its light effect fires like a built-in one and drives the fixtures', async () => {
    await roomcast.api('/api/lights/stop', { method: 'POST', body: { all: true, fadeOutMs: 0 } });
    const fired = await roomcast.api('/api/lights/fire', { method: 'POST', body: { effect: 'example.glow', params: { colour: '#ff0000' }, durationMs: 10_000 } });
    expect(fired.status, JSON.stringify(fired.body)).toBe(202);
    await waitFor('a fixture to glow red', async () => {
      const { attributes, fixtures } = (await roomcast.api('/api/lights/state')).body as { attributes: string[]; fixtures: Array<{ levels: number[] }> };
      const [red, green, intensity] = ['red', 'green', 'intensity'].map((a) => attributes.indexOf(a)) as [number, number, number];
      return fixtures.some((f) => f.levels[red]! > 0.9 && f.levels[green]! < 0.1 && f.levels[intensity]! > 0.5);
    }, 5_000);
    const bad = await roomcast.api('/api/lights/fire', { method: 'POST', body: { effect: 'example.glow', params: { colour: 'red' } } });
    expect(bad.status).toBe(400);
  });

  it('its action type is usable from the API like a built-in one, with validated params', async () => {
    const before = hooks.length;
    const ran = await roomcast.api('/api/actions/run', { method: 'POST', body: { room: 'demo', action: { type: 'example.webhook', url: hookUrl, method: 'PUT' } } });
    expect(ran.status).toBe(202);
    await waitFor('the API-triggered webhook', () => hooks.length > before, 5_000);
    expect(hooks.at(-1)).toMatchObject({ method: 'PUT', body: { trigger: { source: 'api', room: 'demo' } } });

    const bad = await roomcast.api('/api/actions/run', { method: 'POST', body: { room: 'demo', action: { type: 'example.webhook', url: 'not a url' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([expect.objectContaining({ path: 'action.url' })]);
  });
});

describe('a plugin that cannot be used', () => {
  it('is reported by `roomcast config check` with its entry, the plugin name and the exact problem, every plugin at once', async () => {
    const entries = [fixture('missing-export.ts'), fixture('throws-on-load.ts'), fixture('wrong-contract.ts'), './plugins/not-there', 'roomcast-plugin-nobody-published', EXAMPLE_PLUGIN];
    const [broken, clash, section] = await Promise.all([
      roomcastCli(['config', 'check'], configWithPlugins('bad.yaml', entries)),
      roomcastCli(['config', 'check'], configWithPlugins('clash.yaml', [fixture('clashing-stage.ts')])),
      roomcastCli(['config', 'check'], configWithPlugins('section.yaml', [fixture('feature-plugin.ts')], 'doorbell:\n  greetng: Hi\n')),
    ]);
    // A plugin feature's section is validated like a built-in one.
    expect(section.code).toBe(1);
    expect(section.stderr).toMatch(/section\.yaml:4:3: doorbell\.greetng: unknown key \(did you mean "greeting"\?\)/);
    expect(broken.code, broken.stderr).toBe(1);
    const lines = broken.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines).toEqual([
      expect.stringMatching(/^ {2}- plugins\[0\] ".*missing-export\.ts": .*missing-export\.ts has no default export \(expected `export default definePlugin\(\{ name, stages, \.\.\. \}\)` from roomcast\/sdk\); it exports: lonelyStage$/),
      expect.stringMatching(/^ {2}- plugins\[1\] ".*throws-on-load\.ts": failed to load .*throws-on-load\.ts: licence key missing: set EXAMPLE_LICENCE$/),
      expect.stringMatching(/^ {2}- plugins\[2\] ".*wrong-contract\.ts" \(plugin "wrong"\): stages\[0\]\.create: expected a function$/),
      expect.stringMatching(/^ {2}- plugins\[2\] ".*wrong-contract\.ts" \(plugin "wrong"\): actions\[0\]\.paramsSchema: expected a zod schema \(use `z` from roomcast\/sdk\)$/),
      expect.stringMatching(/^ {2}- plugins\[2\] ".*wrong-contract\.ts" \(plugin "wrong"\): effect: unknown key \(did you mean "effects"\?\)$/),
      expect.stringMatching(/^ {2}- plugins\[3\] "\.\/plugins\/not-there": not found: .*\/plugins\/not-there$/),
      expect.stringMatching(/^ {2}- plugins\[4\] "roomcast-plugin-nobody-published": npm package is not installed \(run `npm install roomcast-plugin-nobody-published` in /),
    ]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/stage type "throttle" from plugin "clash" clashes with a built-in stage/);
  }, 120_000);

  it('stops `roomcast start` before anything starts, naming the plugin', async () => {
    const result = await roomcastCli(['start'], configWithPlugins('bad-start.yaml', [fixture('throws-on-load.ts')], `dataDir: ${path.join(dir, 'data')}\n`));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/failed to load .*throws-on-load\.ts: licence key missing/);
    expect(result.stdout).not.toMatch(/Roomcast is ready/);
  }, 60_000);

  it('a valid plugin passes config check, and its stage options are validated with full paths', async () => {
    const [ok, bad] = await Promise.all([
      roomcastCli(['config', 'check'], configWithPlugins('good.yaml', [EXAMPLE_PLUGIN], 'pipelines:\n  - id: door\n    source: { type: synthetic }\n    stages:\n      - { id: motion, type: example.motion }\n')),
      roomcastCli(
        ['config', 'check'],
        configWithPlugins('bad-options.yaml', [EXAMPLE_PLUGIN], 'pipelines:\n  - id: door\n    source: { type: synthetic }\n    stages:\n      - id: motion\n        type: example.motion\n        options:\n          minArea: lots\n          quietMS: 5\n'),
      ),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/is valid .*plugins: example\)/);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad-options\.yaml:10:11: pipelines\[0\]\.stages\[0\]\.options\.minArea: expected number, got string/);
    expect(bad.stderr).toMatch(/bad-options\.yaml:11:11: pipelines\[0\]\.stages\[0\]\.options\.quietMS: unknown key \(did you mean "quietMs"\?\)/);
  }, 60_000);
});


import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hueErrors, type HueErrorBody, type HueResponseEntry } from './hueErrors.ts';
import { SlidingWindow } from './slidingWindow.ts';
import {
  createLight,
  groupState,
  lightResource,
  writeGroupAction,
  writeLightState,
  type EmulatedLight,
  type EmulatedLightKind,
  type EmulatedLightState,
} from './emulatedLights.ts';

/**
 * A Philips Hue bridge (v1 REST API, plain HTTP) on a loopback port, for tests and for trying Roomcast
 * without hardware. It answers like a real bridge — error arrays with the real types and addresses,
 * per-parameter success entries, link-button pairing — and it enforces a real bridge's limits: over
 * ~10 light commands/s or ~1 group command/s it silently drops commands (what users of real bridges
 * see: the HTTP answer says success, the light does not change), or answers HTTP 503 like older
 * firmware. Every command it receives is logged with a timestamp so tests can check rates.
 */

export interface EmulatedGroupSpec {
  name: string;
  type?: 'Room' | 'Zone' | 'LightGroup';
  class?: string;
  lights: readonly string[];
}

export interface HueBridgeEmulatorOptions {
  host?: string;
  /** 0 (default): a free port, kept across stop()/start(). */
  port?: number;
  /** How many lights (a realistic mix of kinds) or exactly which kinds, for ids "1", "2", ... Default 20. */
  lights?: number | readonly EmulatedLightKind[];
  /** Groups "1", "2", ...; default: two rooms splitting the lights in half. Group "0" (all lights) always exists. */
  groups?: readonly EmulatedGroupSpec[];
  /** The bridge's limits, per sliding 1 s window. */
  limits?: { lightCommandsPerSecond?: number; groupCommandsPerSecond?: number };
  /** What happens to a command over the limit: silently dropped (default), or HTTP 503 like older firmware. */
  overload?: 'drop' | 'http-503';
  /** Usernames already whitelisted (paired before the test started). */
  usernames?: readonly string[];
  /** Added before every answer (a real bridge takes ~20-50 ms). */
  responseDelayMs?: number;
  name?: string;
  bridgeid?: string;
}

export type CommandOutcome = 'applied' | 'dropped' | 'rejected' | 'partial';

/** One light-state or group-action write, as the bridge received it. */
export interface EmulatorCommand {
  /** Epoch milliseconds (sub-millisecond precision) when the bridge handled it. */
  at: number;
  kind: 'light' | 'group';
  id: string;
  body: Record<string, unknown>;
  /** applied: every parameter taken; partial: some rejected; rejected: none taken; dropped: over the limit. */
  outcome: CommandOutcome;
  errors: HueErrorBody[];
}

export interface PairingAttempt {
  at: number;
  devicetype: unknown;
  outcome: 'created' | 'link button not pressed' | 'invalid';
}

export interface HueBridgeEmulatorEvents {
  command: [command: EmulatorCommand];
  pairing: [attempt: PairingAttempt];
}

interface EmulatedGroup extends EmulatedGroupSpec {
  id: string;
  action: Record<string, unknown>;
}

interface WhitelistEntry {
  name: string;
  created: string;
  lastUse: string;
}

const DEFAULT_MIX: readonly EmulatedLightKind[] = ['color', 'color', 'ambiance', 'color', 'dimmable', 'color', 'ambiance', 'color', 'color-only', 'color'];

const epochNow = () => performance.timeOrigin + performance.now();
const isoSeconds = (ms = Date.now()) => new Date(ms).toISOString().slice(0, 19);

export class HueBridgeEmulator extends EventEmitter<HueBridgeEmulatorEvents> {
  readonly host: string;
  private requestedPort: number;
  private server: Server | undefined;
  private readonly lights = new Map<string, EmulatedLight>();
  private readonly groups = new Map<string, EmulatedGroup>();
  private readonly whitelist = new Map<string, WhitelistEntry>();
  private linkButtonUntil = 0;
  private lightWindow: SlidingWindow;
  private groupWindow: SlidingWindow;
  private readonly overload: 'drop' | 'http-503';
  private readonly responseDelayMs: number;
  private readonly name: string;
  private readonly bridgeid: string;
  /** Every light-state and group-action write received, in order. */
  readonly commands: EmulatorCommand[] = [];
  readonly pairingAttempts: PairingAttempt[] = [];
  /** Requests answered (any path), for tests that check what a client polls. */
  requestCount = 0;

  constructor(options: HueBridgeEmulatorOptions = {}) {
    super();
    this.host = options.host ?? '127.0.0.1';
    this.requestedPort = options.port ?? 0;
    this.overload = options.overload ?? 'drop';
    this.responseDelayMs = options.responseDelayMs ?? 0;
    this.name = options.name ?? 'Roomcast emulated bridge';
    this.bridgeid = options.bridgeid ?? '001788FFFE0A1B2C';
    this.lightWindow = new SlidingWindow(options.limits?.lightCommandsPerSecond ?? 10);
    this.groupWindow = new SlidingWindow(options.limits?.groupCommandsPerSecond ?? 1);

    const spec = options.lights ?? 20;
    const kinds = typeof spec === 'number' ? Array.from({ length: spec }, (_, i) => DEFAULT_MIX[i % DEFAULT_MIX.length]!) : spec;
    kinds.forEach((kind, i) => this.lights.set(String(i + 1), createLight(String(i + 1), kind)));
    const ids = [...this.lights.keys()];
    const half = Math.ceil(ids.length / 2);
    const groups = options.groups ?? [
      { name: 'Living room', type: 'Room', class: 'Living room', lights: ids.slice(0, half) },
      { name: 'Stage', type: 'Zone', lights: ids.slice(half) },
    ];
    groups.forEach((g, i) => {
      for (const light of g.lights) if (!this.lights.has(light)) throw new Error(`emulated group "${g.name}" names light "${light}", which does not exist`);
      this.groups.set(String(i + 1), { ...g, id: String(i + 1), action: { on: false, bri: 254, alert: 'none' } });
    });
    for (const username of options.usernames ?? []) this.whitelist.set(username, { name: 'preset#test', created: isoSeconds(), lastUse: isoSeconds() });
  }

  /** The bound port (after the first start). */
  get port(): number {
    return this.requestedPort;
  }

  get url(): string {
    return `http://${this.host}:${this.requestedPort}`;
  }

  get running(): boolean {
    return this.server?.listening === true;
  }

  /** Listen (again) on the same port: a bridge coming back keeps its users and its lights' states. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.requestedPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.requestedPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Go away like an unplugged bridge: open connections are cut, new ones refused. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Press the link button: for `ms` (30 s like a real bridge), `POST /api` creates users. */
  pressLinkButton(ms = 30_000): void {
    this.linkButtonUntil = Date.now() + ms;
  }

  get linkButtonPressed(): boolean {
    return Date.now() < this.linkButtonUntil;
  }

  /** Usernames on the whitelist, in creation order. */
  get usernames(): string[] {
    return [...this.whitelist.keys()];
  }

  /** Remove a user, as deleting the app in the Hue app does: its requests now get "unauthorized user". */
  revokeUser(username: string): boolean {
    return this.whitelist.delete(username);
  }

  /** A copy of one light's current state. */
  lightState(id: string): EmulatedLightState {
    const light = this.lights.get(id);
    if (!light) throw new Error(`emulated bridge has no light "${id}" (it has ${[...this.lights.keys()].join(', ')})`);
    return structuredClone(light.state);
  }

  lightIds(): string[] {
    return [...this.lights.keys()];
  }

  groupMembers(id: string): string[] {
    if (id === '0') return this.lightIds();
    const group = this.groups.get(id);
    if (!group) throw new Error(`emulated bridge has no group "${id}"`);
    return [...group.lights];
  }

  /** Change a light behind the client's back (a wall switch, the Hue app): no command is logged. */
  changeLightDirectly(id: string, change: Partial<EmulatedLightState>): void {
    const light = this.lights.get(id);
    if (!light) throw new Error(`emulated bridge has no light "${id}"`);
    Object.assign(light.state, change);
  }

  /** Change the limits (e.g. another app is now using part of the bridge's budget). */
  setLimits(limits: { lightCommandsPerSecond?: number; groupCommandsPerSecond?: number }): void {
    if (limits.lightCommandsPerSecond !== undefined) this.lightWindow = new SlidingWindow(limits.lightCommandsPerSecond);
    if (limits.groupCommandsPerSecond !== undefined) this.groupWindow = new SlidingWindow(limits.groupCommandsPerSecond);
  }

  clearLog(): void {
    this.commands.length = 0;
    this.pairingAttempts.length = 0;
    this.requestCount = 0;
  }

  // --- HTTP -------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (this.responseDelayMs > 0) await new Promise((r) => setTimeout(r, this.responseDelayMs));
    if (!this.server) {
      res.destroy();
      return;
    }
    this.requestCount++;
    const { pathname } = new URL(req.url ?? '/', 'http://bridge');
    const method = req.method ?? 'GET';
    try {
      if (pathname.startsWith('/__emulator/')) return this.control(method, pathname, res);
      const segments = pathname.split('/').filter(Boolean);
      if (segments[0] !== 'api') return this.send(res, 404, '<html><body>404 Not Found</body></html>', 'text/html');
      const reply = this.route(method, segments.slice(1), text);
      if (reply === 'service-unavailable') {
        return this.send(res, 503, '<html><head><title>503 Service Unavailable</title></head><body>Service Temporarily Unavailable</body></html>', 'text/html');
      }
      this.send(res, 200, JSON.stringify(reply));
    } catch (err) {
      this.send(res, 200, JSON.stringify([{ error: hueErrors.internalError(500, pathname) }]));
      process.emitWarning(`hue emulator: ${(err as Error).stack}`);
    }
  }

  private send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
    res.writeHead(status, { 'Content-Type': type, 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' });
    res.end(body);
  }

  /** Test controls for a standalone emulator (not part of the Hue API). */
  private control(method: string, pathname: string, res: ServerResponse): void {
    if (method === 'POST' && pathname === '/__emulator/linkbutton') {
      this.pressLinkButton();
      return this.send(res, 200, JSON.stringify({ pressedUntil: new Date(this.linkButtonUntil).toISOString() }));
    }
    if (method === 'GET' && pathname === '/__emulator/commands') return this.send(res, 200, JSON.stringify(this.commands));
    this.send(res, 404, JSON.stringify({ error: `no emulator control ${method} ${pathname}` }));
  }

  private parseBody(text: string, address: string): { ok: true; body: Record<string, unknown> } | { ok: false; error: HueErrorBody } {
    try {
      const body: unknown = JSON.parse(text);
      if (body && typeof body === 'object' && !Array.isArray(body)) return { ok: true, body: body as Record<string, unknown> };
    } catch {
      /* answered below */
    }
    return { ok: false, error: hueErrors.invalidJson(address) };
  }

  /** `segments` is the path after `/api`. Returns the JSON to answer, or 'service-unavailable'. */
  private route(method: string, segments: string[], text: string): unknown {
    // POST /api: create a user (pairing).
    if (segments.length === 0) {
      if (method !== 'POST') return [{ error: hueErrors.methodNotAvailable(method, '/') }];
      return this.createUser(text);
    }
    const [username, resource, id, sub, ...rest] = segments as [string, string | undefined, string | undefined, string | undefined, ...string[]];
    const address = `/${segments.slice(1).join('/')}`;

    // The unauthenticated config: GET /api/config, or /api/<anything>/config without a valid user.
    if (username === 'config' && resource === undefined && method === 'GET') return this.shortConfig();
    const user = this.whitelist.get(username);
    if (!user) {
      if (resource === 'config' && id === undefined && method === 'GET') return this.shortConfig();
      return [{ error: hueErrors.unauthorizedUser(address === '/' ? '/' : address) }];
    }
    user.lastUse = isoSeconds();

    if (resource === undefined) {
      if (method !== 'GET') return [{ error: hueErrors.methodNotAvailable(method, '/') }];
      return this.fullState();
    }
    const unavailable = () => [{ error: hueErrors.resourceNotAvailable(address) }];
    const wrongMethod = () => [{ error: hueErrors.methodNotAvailable(method, address) }];

    switch (resource) {
      case 'config':
        if (id === undefined) return method === 'GET' ? this.fullConfig() : wrongMethod();
        if (id === 'whitelist' && sub && rest.length === 0 && method === 'DELETE') {
          return this.whitelist.delete(sub) ? [{ success: `/config/whitelist/${sub} deleted` }] : unavailable();
        }
        return unavailable();
      case 'lights': {
        if (id === undefined) {
          if (method === 'GET') return this.allLights();
          if (method === 'POST') return [{ success: { '/lights': 'Searching for new devices' } }];
          return wrongMethod();
        }
        if (id === 'new' && sub === undefined) return method === 'GET' ? { lastscan: 'none' } : wrongMethod();
        const light = this.lights.get(id);
        if (!light || rest.length) return unavailable();
        if (sub === undefined) {
          if (method === 'GET') return lightResource(light);
          if (method === 'PUT') return this.renameLight(light, text);
          return wrongMethod();
        }
        if (sub !== 'state') return unavailable();
        if (method !== 'PUT') return wrongMethod();
        return this.lightCommand(light, text);
      }
      case 'groups': {
        if (id === undefined) return method === 'GET' ? this.allGroups() : wrongMethod();
        const group = this.groupView(id);
        if (!group || rest.length) return unavailable();
        if (sub === undefined) return method === 'GET' ? group : wrongMethod();
        if (sub !== 'action') return unavailable();
        if (method !== 'PUT') return wrongMethod();
        return this.groupCommand(id, text);
      }
      case 'scenes':
      case 'schedules':
      case 'rules':
      case 'sensors':
      case 'resourcelinks':
      case 'capabilities':
        return id === undefined && method === 'GET' ? {} : unavailable();
      default:
        return unavailable();
    }
  }

  private createUser(text: string): unknown {
    const parsed = this.parseBody(text, '');
    const devicetype = parsed.ok ? parsed.body['devicetype'] : undefined;
    const record = (outcome: PairingAttempt['outcome']) => {
      const attempt = { at: epochNow(), devicetype, outcome };
      this.pairingAttempts.push(attempt);
      this.emit('pairing', attempt);
    };
    if (!parsed.ok) {
      record('invalid');
      return [{ error: parsed.error }];
    }
    // devicetype is "<application name, <= 20>#<device name, <= 19>".
    if (typeof devicetype !== 'string' || !devicetype) {
      record('invalid');
      return [{ error: hueErrors.missingParameters('/') }];
    }
    const [app, device] = devicetype.split('#');
    if (devicetype.length > 40 || (app ?? '').length > 20 || (device ?? '').length > 19) {
      record('invalid');
      return [{ error: hueErrors.invalidValue(devicetype, 'devicetype', '/devicetype') }];
    }
    if (!this.linkButtonPressed) {
      record('link button not pressed');
      return [{ error: hueErrors.linkButtonNotPressed() }];
    }
    const username = randomBytes(30).toString('base64url').slice(0, 40);
    this.whitelist.set(username, { name: devicetype, created: isoSeconds(), lastUse: isoSeconds() });
    record('created');
    const success: Record<string, unknown> = { username };
    if (parsed.body['generateclientkey'] === true) success['clientkey'] = randomBytes(16).toString('hex').toUpperCase();
    return [{ success }];
  }

  private lightCommand(light: EmulatedLight, text: string): unknown {
    const address = `/lights/${light.id}/state`;
    const parsed = this.parseBody(text, address);
    if (!parsed.ok) return [{ error: parsed.error }];
    const at = epochNow();
    if (!this.lightWindow.tryAdmit(performance.now())) return this.overloaded('light', light.id, parsed.body, at, () => writeLightState(light, parsed.body, { apply: false }).entries);
    const result = writeLightState(light, parsed.body, { apply: true });
    this.log({ at, kind: 'light', id: light.id, body: parsed.body, outcome: outcomeOf(result.entries), errors: result.errors });
    return result.entries;
  }

  private groupCommand(id: string, text: string): unknown {
    const address = `/groups/${id}/action`;
    const parsed = this.parseBody(text, address);
    if (!parsed.ok) return [{ error: parsed.error }];
    const members = this.groupMembers(id).map((l) => this.lights.get(l)!);
    const at = epochNow();
    if (!this.groupWindow.tryAdmit(performance.now())) return this.overloaded('group', id, parsed.body, at, () => writeGroupAction(id, members, parsed.body, { apply: false }).entries);
    const result = writeGroupAction(id, members, parsed.body, { apply: true });
    const group = this.groups.get(id);
    if (group) Object.assign(group.action, result.applied);
    this.log({ at, kind: 'group', id, body: parsed.body, outcome: outcomeOf(result.entries), errors: result.errors });
    return result.entries;
  }

  /** Over the limit: a real bridge answers as if all went well and the command never reaches the light. */
  private overloaded(kind: 'light' | 'group', id: string, body: Record<string, unknown>, at: number, wouldAnswer: () => HueResponseEntry[]): unknown {
    this.log({ at, kind, id, body, outcome: 'dropped', errors: [] });
    return this.overload === 'http-503' ? 'service-unavailable' : wouldAnswer();
  }

  private log(command: EmulatorCommand): void {
    this.commands.push(command);
    this.emit('command', command);
  }

  private renameLight(light: EmulatedLight, text: string): unknown {
    const address = `/lights/${light.id}`;
    const parsed = this.parseBody(text, address);
    if (!parsed.ok) return [{ error: parsed.error }];
    const name = parsed.body['name'];
    if (typeof name !== 'string' || name.length < 1 || name.length > 32) return [{ error: hueErrors.invalidValue(name, 'name', `${address}/name`) }];
    light.name = name;
    return [{ success: { [`${address}/name`]: name } }];
  }

  // --- resources --------------------------------------------------------------------------------------

  private allLights(): Record<string, unknown> {
    return Object.fromEntries([...this.lights.values()].map((l) => [l.id, lightResource(l)]));
  }

  private groupView(id: string): Record<string, unknown> | undefined {
    if (id === '0') {
      const members = [...this.lights.values()];
      return { name: 'Group 0', lights: this.lightIds(), sensors: [], type: 'LightGroup', state: groupState(members), recycle: false, action: { on: false, bri: 254, alert: 'none' } };
    }
    const group = this.groups.get(id);
    if (!group) return undefined;
    const members = group.lights.map((l) => this.lights.get(l)!);
    const view: Record<string, unknown> = {
      name: group.name,
      lights: [...group.lights],
      sensors: [],
      type: group.type ?? 'LightGroup',
      state: groupState(members),
      recycle: false,
    };
    if (group.class) view['class'] = group.class;
    view['action'] = { ...group.action };
    return view;
  }

  private allGroups(): Record<string, unknown> {
    return Object.fromEntries([...this.groups.keys()].map((id) => [id, this.groupView(id)]));
  }

  private shortConfig(): Record<string, unknown> {
    return {
      name: this.name,
      datastoreversion: '163',
      swversion: '1967054020',
      apiversion: '1.67.0',
      mac: '00:17:88:0a:1b:2c',
      bridgeid: this.bridgeid,
      factorynew: false,
      replacesbridgeid: null,
      modelid: 'BSB002',
      starterkitid: '',
    };
  }

  private fullConfig(): Record<string, unknown> {
    const now = new Date();
    return {
      ...this.shortConfig(),
      zigbeechannel: 15,
      ipaddress: this.host,
      dhcp: true,
      netmask: '255.0.0.0',
      gateway: this.host,
      proxyaddress: 'none',
      proxyport: 0,
      UTC: now.toISOString().slice(0, 19),
      localtime: now.toISOString().slice(0, 19),
      timezone: 'Etc/UTC',
      swupdate2: { checkforupdate: false, lastchange: '2024-03-01T10:00:00', bridge: { state: 'noupdates', lastinstall: '2024-03-01T10:00:00' }, state: 'noupdates', autoinstall: { updatetime: 'T14:00:00', on: false } },
      linkbutton: this.linkButtonPressed,
      portalservices: false,
      portalconnection: 'disconnected',
      portalstate: { signedon: false, incoming: false, outgoing: false, communication: 'disconnected' },
      internetservices: { internet: 'disconnected', remoteaccess: 'disconnected', time: 'disconnected', swupdate: 'disconnected' },
      backup: { status: 'idle', errorcode: 0 },
      whitelist: Object.fromEntries([...this.whitelist].map(([u, e]) => [u, { 'last use date': e.lastUse, 'create date': e.created, name: e.name }])),
    };
  }

  private fullState(): Record<string, unknown> {
    return { lights: this.allLights(), groups: this.allGroups(), config: this.fullConfig(), schedules: {}, scenes: {}, rules: {}, sensors: {}, resourcelinks: {} };
  }
}

function outcomeOf(entries: readonly HueResponseEntry[]): CommandOutcome {
  const failed = entries.filter((e) => 'error' in e).length;
  return failed === 0 ? 'applied' : failed === entries.length ? 'rejected' : 'partial';
}

import { createRequire } from 'node:module';
import { z } from 'zod';
import { classifyBridgeError, HueBridgeError } from './HueBridgeError.ts';
import type { DiscoveredGroup, DiscoveredLight, HueLightCapabilities } from './hueApiTypes.ts';
import type { HueLightCommand } from './hueLightCommand.ts';

// node-hue-api prints a warning on stdout at every plain-HTTP connect unless this is set when it loads.
// Plain HTTP is deliberate: the v1 API on a bridge's port 80 (and the test emulator on any port).
// `createLocal` (HTTPS) only reaches port 443 and needs the bridge's certificate chain.
process.env['NODE_HUE_API_USE_INSECURE_CONNECTION'] ??= '1';
const require = createRequire(import.meta.url);
const { v3 } = require('node-hue-api') as typeof import('node-hue-api');

/** The slice of node-hue-api's `Api` we use (its own typings are mostly `any`). */
interface NodeHueApi {
  lights: {
    getAll(): Promise<unknown[]>;
    setLightState(id: string, state: object): PromiseLike<unknown>;
  };
  groups: {
    getAll(): Promise<unknown[]>;
    setGroupState(id: string, state: object): Promise<unknown>;
  };
  users: { createUser(appName: string, deviceName: string): Promise<unknown> };
  configuration: { getUnauthenticatedConfig(): Promise<unknown> };
  syncWithBridge(): void;
  getCachedState(): Promise<unknown>;
  getLightDefinition(id: string): Promise<unknown>;
}

export interface HueBridgeTarget {
  host: string;
  port: number;
  /** A request without an answer after this long means the bridge is unreachable. */
  timeoutMs: number;
}

/** What a bridge says about itself without a username. */
export interface HueBridgeIdentity {
  name: string;
  bridgeid: string;
  modelid: string;
  apiversion: string;
  swversion: string;
}

const IdentitySchema = z.looseObject({
  name: z.string(),
  bridgeid: z.string(),
  modelid: z.string(),
  apiversion: z.string(),
  swversion: z.string(),
});

const LightSchema = z.object({
  id: z.coerce.string(),
  name: z.string(),
  type: z.string(),
  modelid: z.string().optional(),
  productname: z.string().optional(),
  state: z.record(z.string(), z.unknown()),
  capabilities: z
    .looseObject({ control: z.looseObject({ ct: z.object({ min: z.number(), max: z.number() }).optional() }).optional() })
    .optional(),
});

const GroupSchema = z.object({
  id: z.coerce.string(),
  name: z.string(),
  type: z.string(),
  class: z.string().optional(),
  lights: z.array(z.coerce.string()).default([]),
});

const CreatedUserSchema = z.looseObject({ username: z.string().min(1) });

/** Read a node-hue-api model instance through its getters into a plain object for zod. */
function pick(model: unknown, keys: readonly string[]): Record<string, unknown> {
  const source = model as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, source[k]]));
}

function capabilitiesOf(light: z.output<typeof LightSchema>): HueLightCapabilities {
  const ct = 'ct' in light.state ? (light.capabilities?.control?.ct ?? { min: 153, max: 500 }) : undefined;
  return { dimmable: 'bri' in light.state, colour: 'xy' in light.state, ct };
}

/**
 * One connection to one bridge through node-hue-api (v3 API, plain HTTP). Every call has a deadline
 * and every failure comes out as a HueBridgeError with the username scrubbed. After an `unreachable`
 * error, throw the client away and connect again: node-hue-api queues calls per instance, and a call
 * that never returns would hold the queue.
 */
export class HueBridgeClient {
  private constructor(
    private readonly api: NodeHueApi,
    private readonly target: HueBridgeTarget,
    private readonly username: string,
  ) {}

  /** Connect with a username and prove it works (an authenticated read); node-hue-api's cache is primed. */
  static async connect(target: HueBridgeTarget, username: string): Promise<HueBridgeClient> {
    const api = await withDeadline(target, 'connect', () => openApi(target, username), [username]);
    const client = new HueBridgeClient(api, target, username);
    await client.lights(); // unauthorized users fail here, not on the first command
    await client.ensureCache();
    return client;
  }

  /** The unauthenticated config: is a bridge there at all, and which one. */
  static async identify(target: HueBridgeTarget): Promise<HueBridgeIdentity> {
    return withDeadline(target, 'GET /api/config', async () => {
      const api = await openApi(target);
      const reply = (await api.configuration.getUnauthenticatedConfig()) as { config?: unknown };
      const parsed = IdentitySchema.safeParse(reply?.config ?? reply);
      if (!parsed.success) throw new HueBridgeError('unexpected', `the device at ${target.host}:${target.port} does not answer like a Hue bridge (GET /api/config)`);
      return parsed.data;
    });
  }

  /**
   * One pairing attempt (`POST /api` with a devicetype). Throws a HueBridgeError of kind `link-button`
   * until someone presses the bridge's button.
   */
  static async createUser(target: HueBridgeTarget, appName: string, deviceName: string): Promise<{ username: string }> {
    return withDeadline(target, 'POST /api', async () => {
      const api = await openApi(target);
      const created = CreatedUserSchema.safeParse(await api.users.createUser(appName, deviceName));
      if (!created.success) throw new HueBridgeError('unexpected', 'the bridge accepted the pairing but sent no username');
      return { username: created.data.username };
    });
  }

  get endpoint(): string {
    return `${this.target.host}:${this.target.port}`;
  }

  async lights(): Promise<DiscoveredLight[]> {
    const models = await this.call('GET lights', () => this.api.lights.getAll());
    return models.map((model) => {
      const light = LightSchema.parse(pick(model, ['id', 'name', 'type', 'modelid', 'productname', 'state', 'capabilities']));
      return {
        id: light.id,
        name: light.name,
        type: light.type,
        modelid: light.modelid,
        productname: light.productname,
        reachable: light.state['reachable'] !== false,
        on: light.state['on'] === true,
        capabilities: capabilitiesOf(light),
      };
    });
  }

  /** Every group, group 0 (all lights) first. */
  async groups(): Promise<DiscoveredGroup[]> {
    const models = await this.call('GET groups', () => this.api.groups.getAll());
    return models.map((model) => {
      const group = GroupSchema.parse(pick(model, ['id', 'name', 'type', 'class', 'lights']));
      return { id: group.id, name: group.name, type: group.type, class: group.class, lights: group.lights };
    });
  }

  async setLight(lightId: string, command: HueLightCommand): Promise<void> {
    await this.call(`PUT lights/${lightId}/state`, async () => {
      // node-hue-api shapes the body from its cached copy of the light: refresh it for lights added since.
      if (!(await this.api.getLightDefinition(lightId))) {
        await this.refreshCache();
        if (!(await this.api.getLightDefinition(lightId))) throw new HueBridgeError('rejected', `resource, /lights/${lightId}, not available (the bridge has no light ${lightId})`, { hueType: 3, address: `/lights/${lightId}` });
      }
      await this.api.lights.setLightState(lightId, command);
    });
  }

  async setGroup(groupId: string, command: HueLightCommand): Promise<void> {
    await this.call(`PUT groups/${groupId}/action`, () => this.api.groups.setGroupState(groupId, command));
  }

  /** Re-read the bridge's full state into node-hue-api's cache (after lights were added or renamed). */
  async refreshCache(): Promise<void> {
    this.api.syncWithBridge();
    await this.ensureCache();
  }

  private async ensureCache(): Promise<void> {
    if (await this.api.getCachedState()) return;
    this.api.syncWithBridge(); // the first sync failed (it swallows its errors): once more, then give up
    if (!(await this.api.getCachedState())) throw new HueBridgeError('unreachable', 'could not read the bridge state (GET /api/<username>)');
  }

  private call<T>(what: string, fn: () => PromiseLike<T>): Promise<T> {
    return withDeadline(this.target, what, fn, [this.username]);
  }
}

/** node-hue-api's plain-HTTP bootstrap: GET /api/config, then an Api (without a username: pairing only). */
function openApi(target: HueBridgeTarget, username?: string): Promise<NodeHueApi> {
  const bootstrap = v3.api.createInsecureLocal(target.host, target.port) as unknown as { connect(username?: string): Promise<NodeHueApi> };
  return bootstrap.connect(username);
}

async function withDeadline<T>(target: HueBridgeTarget, what: string, fn: () => PromiseLike<T>, secrets: readonly string[] = []): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HueBridgeError('unreachable', `no answer to ${what} within ${target.timeoutMs} ms`)), target.timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(fn), deadline]);
  } catch (err) {
    throw classifyBridgeError(err, secrets);
  } finally {
    clearTimeout(timer);
  }
}

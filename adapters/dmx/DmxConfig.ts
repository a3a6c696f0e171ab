import { z } from 'zod';

/**
 * The `dmx:` section of roomcast.yaml: which DMX transmitters exist and which Roomcast universes each one
 * carries. One flat, strict object per output (rather than a union per protocol) so a misplaced or
 * misspelt key gets a "did you mean" hint and a protocol-specific block on the wrong output is named.
 *
 * ```yaml
 * dmx:
 *   outputs:
 *     - id: stage
 *       protocol: artnet
 *       artnet: { host: 2.0.0.10 }            # unicast to the node; 2.255.255.255 to broadcast
 *       universes:
 *         - { universe: 1, portAddress: "0:0:0" }
 *     - id: house
 *       protocol: sacn                         # multicast unless sacn.ip is set
 *       universes: [ { universe: 2, sacnUniverse: 2 } ]
 *     - id: desk
 *       protocol: enttec
 *       enttec: { port: /dev/ttyUSB0 }
 *       universes: [ { universe: 3 } ]
 * ```
 */

export const DMX_PROTOCOLS = ['artnet', 'sacn', 'enttec'] as const;
export type DmxProtocol = (typeof DMX_PROTOCOLS)[number];

export const DMX_SLOT_COUNT = 512;

export interface ProtocolTiming {
  /** Highest packet rate per universe. DMX512 carries a full frame in 22.7 ms, hence 44 Hz. */
  maxRefreshHz: number;
  keepAliveMs: { min: number; max: number; default: number };
}

/**
 * Wire timing per protocol. Art-Net: resend unchanged data at least every 4 s. sACN (E1.31 6.6): no faster
 * than 40 Hz here, unchanged data keeps flowing at least every 1 s (receivers drop a source after 2.5 s).
 * Enttec: the widget repeats its last frame on the cable by itself; the keep-alive only re-primes a widget
 * that was reset. A keep-alive shorter than the refresh interval gives a steady stream at `refreshHz`.
 */
export const PROTOCOL_TIMING: Record<DmxProtocol, ProtocolTiming> = {
  artnet: { maxRefreshHz: 44, keepAliveMs: { min: 20, max: 4000, default: 1000 } },
  sacn: { maxRefreshHz: 40, keepAliveMs: { min: 20, max: 1000, default: 1000 } },
  enttec: { maxRefreshHz: 44, keepAliveMs: { min: 20, max: 4000, default: 1000 } },
};

/** Frames sent again after a change before falling back to keep-alives (E1.31 6.6.2 asks for three in all). */
export const REPEATS_AFTER_CHANGE = 2;

const ARTNET_PORT_ADDRESS_MAX = 0x7fff;

export interface ArtnetPortAddress {
  /** 15-bit Art-Net 4 Port-Address: net << 8 | subnet << 4 | universe. */
  portAddress: number;
  net: number;
  subnet: number;
  universe: number;
}

export function splitPortAddress(portAddress: number): ArtnetPortAddress {
  return { portAddress, net: (portAddress >> 8) & 0x7f, subnet: (portAddress >> 4) & 0xf, universe: portAddress & 0xf };
}

/** `0:0:1` (net:subnet:universe, as consoles and nodes show it) for logs and errors. */
export function formatPortAddress(portAddress: number): string {
  const { net, subnet, universe } = splitPortAddress(portAddress);
  return `${net}:${subnet}:${universe}`;
}

/** A Port-Address as a number (0..32767) or as "net:subnet:universe" (0-127:0-15:0-15). */
const PortAddressSchema = z.union([z.number(), z.string()], { error: 'must be a number 0..32767 or "net:subnet:universe"' }).transform((value, ctx) => {
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value <= ARTNET_PORT_ADDRESS_MAX ? value : fail(`${value}: a Port-Address number must be an integer 0..32767`);
  }
  const match = /^(\d{1,3}):(\d{1,2}):(\d{1,2})$/.exec(value);
  if (!match) return fail(`"${value}": must be "net:subnet:universe" (e.g. "0:0:1") or a number 0..32767`);
  const [net, subnet, universe] = match.slice(1).map(Number) as [number, number, number];
  if (net > 127 || subnet > 15 || universe > 15) return fail(`"${value}": net must be 0..127, subnet and universe 0..15`);
  return (net << 8) | (subnet << 4) | universe;
});

const UniverseMappingSchema = z.strictObject({
  /** Roomcast universe (1-based), as the fixture patch names it. */
  universe: z.number().int().min(1).max(65535),
  /** Art-Net only. Default: the Roomcast universe minus one (universe 1 -> 0:0:0). */
  portAddress: PortAddressSchema.optional(),
  /** sACN only, 1..63999. Default: the Roomcast universe. */
  sacnUniverse: z.number().int().min(1).max(63999).optional(),
});

const ipv4 = z.ipv4({ message: 'must be an IPv4 address like 192.168.1.20' });

const OutputSchema = z.strictObject({
  /** Names the output in logs and health (`adapter:dmx:<id>`). */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit'),
  protocol: z.enum(DMX_PROTOCOLS),
  universes: z.array(UniverseMappingSchema).min(1, 'list at least one universe'),
  /** Highest packet rate per universe while frames change (default and maximum per protocol: 44, sACN 40). */
  refreshHz: z.number().min(1).optional(),
  /** Resend an unchanged frame this often (default 1000; Art-Net <= 4000, sACN <= 1000). */
  keepAliveMs: z.number().int().optional(),
  artnet: z
    .strictObject({
      /**
       * Where ArtDmx goes. Loopback by default, so a fresh install never floods a LAN: set the node's
       * address (unicast), or a directed broadcast such as 2.255.255.255 when several nodes listen.
       */
      host: ipv4.default('127.0.0.1'),
      port: z.number().int().min(1).max(65535).default(6454),
    })
    .optional(),
  sacn: z
    .strictObject({
      /** Unicast destination. Omitted: the standard multicast group of each universe (239.255.x.y). */
      ip: ipv4.optional(),
      /** Local address whose interface multicast leaves from (default: the system's choice). */
      interface: ipv4.optional(),
      port: z.number().int().min(1).max(65535).default(5568),
      /** 1..200 (the sACN library cannot send 0). Receivers take the highest-priority source. */
      priority: z.number().int().min(1).max(200).default(100),
      /** Shown by receivers; default `Roomcast <id>`. */
      sourceName: z.string().min(1).max(63).optional(),
      /** Component identifier (UUID). Default: derived from the host name and output id, stable across restarts. */
      cid: z.uuid().optional(),
    })
    .optional(),
  enttec: z
    .strictObject({
      /** Serial device of the Enttec USB DMX Pro. A missing port is retried, not fatal. */
      port: z.string().min(1).default('/dev/ttyUSB0'),
      /** How often a missing or unplugged port is tried again. */
      retryMs: z.number().int().min(100).max(60_000).default(1000),
    })
    .optional(),
});

type OutputInput = z.output<typeof OutputSchema>;

interface ResolvedCommon {
  id: string;
  refreshHz: number;
  keepAliveMs: number;
}

export interface ArtnetOutputConfig extends ResolvedCommon {
  protocol: 'artnet';
  artnet: { host: string; port: number };
  universes: Array<{ universe: number; portAddress: number }>;
}

export interface SacnOutputConfig extends ResolvedCommon {
  protocol: 'sacn';
  sacn: { ip: string | undefined; interface: string | undefined; port: number; priority: number; sourceName: string; cid: string | undefined };
  universes: Array<{ universe: number; sacnUniverse: number }>;
}

export interface EnttecOutputConfig extends ResolvedCommon {
  protocol: 'enttec';
  enttec: { port: string; retryMs: number };
  universes: Array<{ universe: number }>;
}

export type DmxOutputConfig = ArtnetOutputConfig | SacnOutputConfig | EnttecOutputConfig;

/**
 * Checks that need the protocol: blocks and mapping keys of other protocols, per-protocol limits. Issues
 * stop the pipeline (`continue: false`): resolving and cross-output checks assume a coherent output.
 */
function checkOutput(output: OutputInput, ctx: z.RefinementCtx): void {
  const { protocol } = output;
  for (const block of DMX_PROTOCOLS) {
    if (block !== protocol && output[block] !== undefined) {
      ctx.addIssue({ code: 'custom', continue: false, path: [block], message: `only allowed when protocol is "${block}" (this output's protocol is "${protocol}")` });
    }
  }
  const timing = PROTOCOL_TIMING[protocol];
  if (output.refreshHz !== undefined && output.refreshHz > timing.maxRefreshHz) {
    ctx.addIssue({ code: 'custom', continue: false, path: ['refreshHz'], message: `must be at most ${timing.maxRefreshHz} for ${protocol}` });
  }
  const ka = output.keepAliveMs;
  if (ka !== undefined && (ka < timing.keepAliveMs.min || ka > timing.keepAliveMs.max)) {
    ctx.addIssue({ code: 'custom', continue: false, path: ['keepAliveMs'], message: `must be ${timing.keepAliveMs.min}..${timing.keepAliveMs.max} ms for ${protocol}` });
  }
  output.universes.forEach((mapping, index) => {
    if (mapping.portAddress !== undefined && protocol !== 'artnet') {
      ctx.addIssue({ code: 'custom', continue: false, path: ['universes', index, 'portAddress'], message: `only for Art-Net outputs (this output's protocol is "${protocol}")` });
    }
    if (mapping.sacnUniverse !== undefined && protocol !== 'sacn') {
      ctx.addIssue({ code: 'custom', continue: false, path: ['universes', index, 'sacnUniverse'], message: `only for sACN outputs (this output's protocol is "${protocol}")` });
    }
    if (protocol === 'artnet' && mapping.portAddress === undefined && mapping.universe - 1 > ARTNET_PORT_ADDRESS_MAX) {
      ctx.addIssue({ code: 'custom', continue: false, path: ['universes', index, 'portAddress'], message: `required: universe ${mapping.universe} is beyond the Art-Net range` });
    }
    if (protocol === 'sacn' && mapping.sacnUniverse === undefined && mapping.universe > 63999) {
      ctx.addIssue({ code: 'custom', continue: false, path: ['universes', index, 'sacnUniverse'], message: `required: universe ${mapping.universe} is beyond the sACN range 1..63999` });
    }
  });
  if (protocol === 'enttec' && output.universes.length > 1) {
    ctx.addIssue({ code: 'custom', continue: false, path: ['universes'], message: `an Enttec USB DMX Pro carries one universe (got ${output.universes.length})` });
  }
}

function resolveOutput(output: OutputInput): DmxOutputConfig {
  const timing = PROTOCOL_TIMING[output.protocol];
  const common: ResolvedCommon = {
    id: output.id,
    refreshHz: output.refreshHz ?? timing.maxRefreshHz,
    keepAliveMs: output.keepAliveMs ?? timing.keepAliveMs.default,
  };
  switch (output.protocol) {
    case 'artnet':
      return {
        ...common,
        protocol: 'artnet',
        artnet: output.artnet ?? { host: '127.0.0.1', port: 6454 },
        universes: output.universes.map((m) => ({ universe: m.universe, portAddress: m.portAddress ?? m.universe - 1 })),
      };
    case 'sacn': {
      const sacn = output.sacn;
      return {
        ...common,
        protocol: 'sacn',
        sacn: {
          ip: sacn?.ip,
          interface: sacn?.interface,
          port: sacn?.port ?? 5568,
          priority: sacn?.priority ?? 100,
          sourceName: sacn?.sourceName ?? `Roomcast ${output.id}`.slice(0, 63),
          cid: sacn?.cid,
        },
        universes: output.universes.map((m) => ({ universe: m.universe, sacnUniverse: m.sacnUniverse ?? m.universe })),
      };
    }
    case 'enttec':
      return {
        ...common,
        protocol: 'enttec',
        enttec: output.enttec ?? { port: '/dev/ttyUSB0', retryMs: 1000 },
        universes: output.universes.map((m) => ({ universe: m.universe })),
      };
  }
}

/** Where a universe's packets end up; two mappings with the same key would fight on the wire. */
function wireKey(output: DmxOutputConfig, index: number): string {
  switch (output.protocol) {
    case 'artnet': {
      const { host, port } = output.artnet;
      return `Art-Net ${formatPortAddress(output.universes[index]!.portAddress)} to ${host}:${port}`;
    }
    case 'sacn':
      return `sACN universe ${output.universes[index]!.sacnUniverse}${output.sacn.ip ? ` to ${output.sacn.ip}:${output.sacn.port}` : ' (multicast)'}`;
    case 'enttec':
      return `serial port ${output.enttec.port}`;
  }
}

export const DmxConfigSchema = z.strictObject({
  outputs: z
    .array(OutputSchema.superRefine(checkOutput).transform(resolveOutput))
    .default([])
    .superRefine((outputs, ctx) => {
      const ids = new Map<string, number>();
      const universes = new Map<number, string>();
      const wires = new Map<string, string>();
      outputs.forEach((output, o) => {
        const previous = ids.get(output.id);
        if (previous !== undefined) ctx.addIssue({ code: 'custom', path: [o, 'id'], message: `duplicate output id "${output.id}" (also outputs[${previous}])` });
        ids.set(output.id, o);
        output.universes.forEach((mapping, u) => {
          const owner = universes.get(mapping.universe);
          if (owner !== undefined) {
            ctx.addIssue({ code: 'custom', path: [o, 'universes', u, 'universe'], message: `universe ${mapping.universe} is already mapped by ${owner}` });
          } else universes.set(mapping.universe, `output "${output.id}"`);
          const wire = wireKey(output, u);
          const wireOwner = wires.get(wire);
          if (wireOwner !== undefined) {
            ctx.addIssue({ code: 'custom', path: [o, 'universes', u], message: `${wire} is already used by ${wireOwner}` });
          } else wires.set(wire, `output "${output.id}"`);
        });
      });
    }),
});

export type DmxConfig = z.output<typeof DmxConfigSchema>;

import { ArtnetLink } from './ArtnetLink.ts';
import { formatPortAddress, type DmxOutputConfig } from './DmxConfig.ts';
import { EnttecLink } from './EnttecLink.ts';
import { SacnLink, sacnCid } from './SacnLink.ts';
import type { UniverseLink } from './UniverseLink.ts';

export interface OpenedLink {
  universe: number;
  /** How the universe appears on the wire, for logs: `Art-Net 0:0:1 to 2.0.0.10:6454`. */
  wire: string;
  link: UniverseLink;
}

/** Open the dmx-ts driver carrying universe number `index` of `output`. */
export async function openUniverseLink(output: DmxOutputConfig, index: number): Promise<OpenedLink> {
  switch (output.protocol) {
    case 'artnet': {
      const { universe, portAddress } = output.universes[index]!;
      const { host, port } = output.artnet;
      return { universe, wire: `Art-Net ${formatPortAddress(portAddress)} to ${host}:${port}`, link: await ArtnetLink.open({ host, port, portAddress }) };
    }
    case 'sacn': {
      const { universe, sacnUniverse } = output.universes[index]!;
      const { ip, interface: iface, port, priority, sourceName, cid } = output.sacn;
      const link = await SacnLink.open({ sacnUniverse, ip, interface: iface, port, priority, sourceName, cid: sacnCid(output.id, cid) });
      return { universe, wire: link.toString(), link };
    }
    case 'enttec': {
      const { universe } = output.universes[index]!;
      const link = EnttecLink.open({ port: output.enttec.port, retryMs: output.enttec.retryMs });
      return { universe, wire: link.toString(), link };
    }
  }
}

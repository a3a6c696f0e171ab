import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { formatZodError } from '../../server/validation/formatIssues.ts';
import { writeJsonFile } from '../../server/storage/writeJsonFile.ts';

/** What pairing with one bridge left us. `token` is the bridge username: the logger redacts that key. */
export interface HuePairing {
  token: string;
  /** The bridge's own id (from its config), to tell which bridge a pairing belongs to. */
  bridgeid: string | undefined;
  pairedAt: string;
}

const PairingFileSchema = z.strictObject({
  version: z.literal(1),
  bridges: z.record(
    z.string(),
    z.strictObject({ token: z.string().min(1), bridgeid: z.string().optional(), pairedAt: z.string() }),
  ),
});

/**
 * Bridge usernames obtained by pairing, in `<dataDir>/hue/pairings.json` (mode 0600, written atomically
 * so a crash mid-write never loses a pairing). An unreadable file is reported and left untouched: the
 * bridges show "not paired" until someone pairs again, which rewrites it.
 */
export class HuePairingStore {
  private readonly file: string;
  private readonly pairings = new Map<string, HuePairing>();
  /** Why the file could not be read, if it could not. */
  readonly loadProblem: string | undefined;

  constructor(dir: string, logger: Logger) {
    this.file = path.join(dir, 'pairings.json');
    let problem: string | undefined;
    if (existsSync(this.file)) {
      try {
        const parsed = PairingFileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
        if (parsed.success) {
          for (const [id, p] of Object.entries(parsed.data.bridges)) this.pairings.set(id, { token: p.token, bridgeid: p.bridgeid, pairedAt: p.pairedAt });
        } else problem = formatZodError(parsed.error, PairingFileSchema).replace(/\n/g, '; ');
      } catch (err) {
        problem = (err as Error).message;
      }
      if (problem) logger.error({ file: this.file, problem }, 'stored Hue pairings are unreadable; pair the bridges again');
    }
    this.loadProblem = problem;
  }

  get(bridgeId: string): HuePairing | undefined {
    return this.pairings.get(bridgeId);
  }

  save(bridgeId: string, pairing: HuePairing): void {
    this.pairings.set(bridgeId, pairing);
    const body = { version: 1, bridges: Object.fromEntries(this.pairings) } satisfies z.input<typeof PairingFileSchema>;
    writeJsonFile(this.file, body, { private: true });
  }
}

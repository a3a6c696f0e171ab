import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatZodError } from '../../validation/formatIssues.ts';
import { RtpInputSchema } from './ingestConfig.ts';
import { writeJsonFile } from '../../storage/writeJsonFile.ts';

/** An input an operator created over the API, as saved: its id and the port and SSRC it was given. */
export const SavedRtpInputSchema = RtpInputSchema.safeExtend({ id: z.uuid(), port: z.number().int().min(1024).max(65535) });
export type SavedRtpInput = z.output<typeof SavedRtpInputSchema>;

/**
 * Operator-created plain-RTP inputs, kept in `<dataDir>/ingest/rtp-inputs.json` so a device configured
 * to send to one keeps working across restarts (same id, port, payload type and SSRC). Inputs from
 * roomcast.yaml are not saved here: the yaml is their home. Written atomically (temp file + rename).
 */
export class RtpInputStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'ingest', 'rtp-inputs.json');
  }

  /**
   * The saved inputs that still read as valid, and a message per entry that does not (naming its
   * index and the problem). A missing file is no inputs; an unreadable one is one problem.
   */
  load(): { inputs: SavedRtpInput[]; problems: string[] } {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { inputs: [], problems: [] };
      return { inputs: [], problems: [`${this.file} cannot be read: ${(err as Error).message}`] };
    }
    const entries = (raw as { inputs?: unknown } | null)?.inputs;
    if (!Array.isArray(entries)) return { inputs: [], problems: [`${this.file}: "inputs" must be a list`] };
    const inputs: SavedRtpInput[] = [];
    const problems: string[] = [];
    entries.forEach((entry, index) => {
      const parsed = SavedRtpInputSchema.safeParse(entry);
      if (parsed.success) inputs.push(parsed.data);
      else problems.push(`${this.file} inputs[${index}]: ${formatZodError(parsed.error, SavedRtpInputSchema).replaceAll('\n', '; ')}`);
    });
    return { inputs, problems };
  }

  save(inputs: readonly SavedRtpInput[]): void {
    writeJsonFile(this.file, { inputs });
  }
}

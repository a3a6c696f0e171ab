import type { AudioOutputTarget } from '../../MediaContracts.ts';

/**
 * One place a playback's PCM goes (listeners, speakers, an Icecast mount). Outputs never block the
 * playback: a block an output can't take right now (restarting, reconnecting, its child behind) is
 * dropped and counted, so one broken output never stalls the others.
 */
export interface AudioOutput {
  readonly type: AudioOutputTarget['type'];
  /** Its health entry (`media:output:<playback>:<target>`). */
  readonly healthName: string;
  /** The output's child process, while one runs. */
  readonly pid: number | undefined;
  /** Start whatever the output needs; rejects only when the target can't exist at all (e.g. zone taken). */
  start(): Promise<void>;
  /** One block of 48 kHz float32 interleaved PCM, at the moment it is due by the wall clock. */
  write(block: Buffer): void;
  close(): Promise<void>;
}

/** A block is at most this far behind in an output's pipe before blocks are dropped instead. */
export const MAX_OUTPUT_BACKLOG_MS = 200;

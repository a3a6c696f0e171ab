import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface MediaFileInfo {
  video: boolean;
  audio: boolean;
  /** Seconds, when the container says. */
  durationSeconds: number | undefined;
}

/** The file can't be published: missing, unreadable, or not media GStreamer knows. */
export class MediaFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaFileError';
  }
}

/**
 * Which streams a media file has, asked of GStreamer itself (`gst-discoverer-1.0`, the same plugins
 * that will decode it), so a file is judged by what the sender can actually play.
 */
export async function probeMediaFile(file: string, discoverer = 'gst-discoverer-1.0'): Promise<MediaFileInfo> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(discoverer, [file], { timeout: 30_000, maxBuffer: 4 * 1024 * 1024 }));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new MediaFileError(code === 'ENOENT' ? `${discoverer} is missing: install gstreamer1.0-plugins-base-apps (npm run setup)` : `cannot probe ${file}: ${(err as Error).message}`);
  }
  const problem = /An error was encountered while discovering the file\s*\n\s*(.+)/.exec(stdout);
  if (problem) throw new MediaFileError(`${file}: ${problem[1]!.trim()}`);
  const duration = /Duration: (\d+):(\d{2}):(\d{2}\.\d+)/.exec(stdout);
  return {
    video: /^\s+video #\d+:/m.test(stdout),
    audio: /^\s+audio #\d+:/m.test(stdout),
    durationSeconds: duration ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]) : undefined,
  };
}

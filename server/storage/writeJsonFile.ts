import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes `value` as indented JSON, creating the folder: to a temporary file first, then renamed over the
 * target, so a crash mid-write never leaves half a file behind. `private: true` for secrets (folder
 * 0700, file 0600 from the first byte).
 */
export function writeJsonFile(file: string, value: unknown, options: { private?: boolean } = {}): void {
  mkdirSync(path.dirname(file), { recursive: true, ...(options.private ? { mode: 0o700 } : {}) });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, options.private ? { mode: 0o600 } : {});
  // The mode given to writeFileSync applies only when it creates the file (a stale temp file keeps its own).
  if (options.private) chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

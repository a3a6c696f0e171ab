import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { processAlive } from './supervisor/processAlive.ts';

/**
 * One Roomcast per data directory: two would fight over the private Redis and its AOF. The lock is a
 * pid file; a stale one (its process is gone) is taken over.
 */
export class DataDirLock {
  readonly file: string;
  private held = false;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'roomcast.pid');
  }

  acquire(): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        this.held = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = Number(readFileSync(this.file, 'utf8').trim());
        if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
          throw new Error(
            `another Roomcast (pid ${holder}) is already using the data directory ${path.dirname(this.file)}; stop it first, or give this one its own ROOMCAST_DATA_DIR`,
          );
        }
        rmSync(this.file, { force: true });
      }
    }
    throw new Error(`could not lock ${this.file}`);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    rmSync(this.file, { force: true });
  }
}

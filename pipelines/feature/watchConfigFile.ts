import { watch } from 'chokidar';
import type { Logger } from 'pino';

export interface ConfigWatcher {
  close(): Promise<void>;
}

/** Editors save in bursts (truncate + write, or write a temp file and rename): wait for quiet first. */
const SETTLE_MS = 150;

/**
 * Calls `onChange` once per save of `file` (also when an editor replaces it atomically). A save while a
 * reload runs is applied after it: the newest content always wins.
 */
export function watchConfigFile(file: string, onChange: () => Promise<unknown>, logger: Logger): ConfigWatcher {
  const watcher = watch(file, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: SETTLE_MS, pollInterval: 50 } });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  const fire = () => {
    if (running) {
      again = true;
      return;
    }
    running = onChange()
      .catch((err: unknown) => logger.error({ err: (err as Error).message, file }, 'config reload failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          fire();
        }
      });
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(fire, SETTLE_MS);
  };
  watcher.on('change', schedule);
  watcher.on('add', schedule);
  watcher.on('error', (err) => logger.warn({ err: (err as Error).message, file }, 'watching the config file failed'));
  logger.info({ file }, 'watching the config file: pipelines reload when it changes');
  return {
    async close() {
      clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';

export interface ChildSupervisorOptions {
  /** Short name for logs and health (`redis`, `gst-decoder:abc`). */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logger: Logger;
  /** First restart delay; doubles per consecutive crash up to maxRestartDelayMs. */
  initialRestartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A child that ran this long is considered healthy again: the backoff resets. */
  stableAfterMs?: number;
  /** Grace period after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
  /** Called with each line the child prints (stdout and stderr; stdout only without onStdoutData). */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** `pipe`: the owner writes to the running child's stdin (`supervisor.stdin`), e.g. PCM into an encoder. */
  stdin?: 'ignore' | 'pipe';
  /**
   * Binary stdout (raw media): every chunk as it arrives, with the pid of the child that wrote it, so a
   * reader can reset its framing when a restarted child starts writing. Stdout is then not split into lines.
   */
  onStdoutData?: (chunk: Buffer, pid: number) => void;
}

export interface ChildSupervisorEvents {
  /** A child process started. */
  spawn: [pid: number];
  /** The child exited; `expected` is true when we asked it to stop. */
  exit: [info: { code: number | null; signal: NodeJS.Signals | null; expected: boolean }];
  /** A restart is scheduled after an unexpected exit. */
  restarting: [info: { attempt: number; delayMs: number }];
}

// setpriv (util-linux) makes the kernel signal the child when we die, even by SIGKILL, so a crashed
// control plane never leaves native children running with our sockets and files.
const SETPRIV = '/usr/bin/setpriv';

/**
 * Runs one native child process and keeps it running: restarts it with exponential backoff when it
 * exits unexpectedly, stops it with SIGTERM then SIGKILL. Anything native that can crash (redis,
 * GStreamer, workers) runs under one of these, outside the control plane's process.
 */
export class ChildSupervisor extends EventEmitter<ChildSupervisorEvents> {
  readonly name: string;
  private readonly options: Required<Omit<ChildSupervisorOptions, 'env' | 'cwd' | 'onOutput' | 'stdin' | 'onStdoutData'>> &
    Pick<ChildSupervisorOptions, 'env' | 'cwd' | 'onOutput' | 'stdin' | 'onStdoutData'>;
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private consecutiveCrashes = 0;
  private startedAt = 0;
  private exitPromise: Promise<void> | undefined;

  constructor(options: ChildSupervisorOptions) {
    super();
    this.name = options.name;
    this.options = {
      initialRestartDelayMs: 100,
      maxRestartDelayMs: 5_000,
      stableAfterMs: 30_000,
      stopTimeoutMs: 3_000,
      ...options,
    };
  }

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  get running(): boolean {
    return this.pid !== undefined;
  }

  /** The running child's stdin (with `stdin: 'pipe'`); undefined while no child runs. */
  get stdin(): Writable | undefined {
    return this.running ? (this.child?.stdin ?? undefined) : undefined;
  }

  start(): void {
    this.stopping = false;
    // A restart scheduled before a stop() must not spawn a second child next to this one.
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (!this.child) this.spawnChild();
  }

  private spawnChild(): void {
    const { command, args, env, cwd, logger } = this.options;
    const usePdeathsig = existsSync(SETPRIV);
    const file = usePdeathsig ? SETPRIV : command;
    const argv = usePdeathsig ? ['--pdeathsig', 'SIGKILL', '--', command, ...args] : [...args];
    const child = spawn(file, argv, { env: env ?? process.env, cwd, stdio: [this.options.stdin ?? 'ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.startedAt = Date.now();
    let resolveExit!: () => void;
    this.exitPromise = new Promise((resolve) => (resolveExit = resolve));

    // A child that dies while we write to it must not become an uncaught EPIPE in the server.
    child.stdin?.on('error', () => undefined);
    const onStdoutData = this.options.onStdoutData;
    if (onStdoutData) child.stdout?.on('data', (chunk: Buffer) => onStdoutData(chunk, child.pid!));
    for (const stream of onStdoutData ? (['stderr'] as const) : (['stdout', 'stderr'] as const)) {
      let pending = '';
      child[stream]?.setEncoding('utf8');
      child[stream]?.on('data', (chunk: string) => {
        pending += chunk;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (line.trim()) this.options.onOutput?.(line, stream);
        }
      });
    }
    child.once('spawn', () => {
      logger.debug({ child: this.name, pid: child.pid }, 'child started');
      this.emit('spawn', child.pid!);
    });
    child.once('error', (err) => {
      // ENOENT and friends: exit never comes, so treat it as one.
      logger.error({ child: this.name, err: err.message }, `cannot start ${command}`);
      if (child.exitCode === null && child.pid === undefined) this.onExit(child, null, null, resolveExit);
    });
    child.once('exit', (code, signal) => this.onExit(child, code, signal, resolveExit));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, resolveExit: () => void): void {
    if (this.child !== child) return;
    this.child = undefined;
    const expected = this.stopping;
    resolveExit();
    this.emit('exit', { code, signal, expected });
    if (expected) return;
    if (Date.now() - this.startedAt > this.options.stableAfterMs) this.consecutiveCrashes = 0;
    this.consecutiveCrashes++;
    const delayMs = Math.min(this.options.initialRestartDelayMs * 2 ** (this.consecutiveCrashes - 1), this.options.maxRestartDelayMs);
    this.options.logger.warn({ child: this.name, code, signal, restartInMs: delayMs }, `${this.name} exited unexpectedly; restarting`);
    this.emit('restarting', { attempt: this.consecutiveCrashes, delayMs });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping && !this.child) this.spawnChild();
    }, delayMs);
  }

  /** Stop the child (SIGTERM, then SIGKILL after stopTimeoutMs) and cancel any pending restart. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (!child) return;
    const exited = this.exitPromise!;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.options.logger.warn({ child: this.name }, `${this.name} ignored ${signal}; killing`);
        child.kill('SIGKILL');
        resolve();
      }, this.options.stopTimeoutMs);
    });
    await Promise.race([exited, killed]);
    await exited;
    clearTimeout(timer);
  }
}

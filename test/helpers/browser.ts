import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

/** The system Chromium; override with ROOMCAST_CHROMIUM for a local run elsewhere. */
export const CHROMIUM_PATH = process.env.ROOMCAST_CHROMIUM ?? '/usr/bin/chromium';

/** Quiet, deterministic, offline: no GPU, no QUIC, no background downloads or sync. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  /** One persistent context per launch, on a fresh profile: storage is never shared between launches. */
  context: BrowserContext;
  userDataDir: string;
  newPage(): Promise<Page>;
  /** Closes Chromium and deletes its profile. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Headless Chromium on a throwaway `--user-data-dir` (Playwright passes it for a persistent context;
 * it refuses the flag in `args`). Use one launch per test when tests must not share localStorage.
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<TestBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'roomcast-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...extraArgs],
      viewport: { width: 1280, height: 800 },
      timeout: 30_000,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    context,
    userDataDir,
    newPage: () => context.newPage(),
    close: () => {
      closing ??= (async () => {
        try {
          await context.close();
        } finally {
          await rm(userDataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
        }
      })();
      return closing;
    },
  };
}

export interface ConsoleErrorCollector {
  /** `console.error` messages and uncaught page errors, in order, as `[kind] text (url)`. */
  readonly errors: string[];
  /** The errors minus expected network noise (failed requests while a test has the server down). */
  unexpected(): string[];
  stop(): void;
}

/** Chromium logs a console error for every refused request; expected while the server is stopped. */
export function isNetworkNoise(message: string): boolean {
  return /Failed to load resource|net::ERR_|WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE/i.test(
    message,
  );
}

/** Collects console errors and uncaught exceptions of one page from now on. */
export function collectConsoleErrors(page: Page): ConsoleErrorCollector {
  const errors: string[] = [];
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const { url } = message.location();
    errors.push(`[console] ${message.text()}${url ? ` (${url})` : ''}`);
  };
  const onPageError = (error: Error) => errors.push(`[pageerror] ${error.stack ?? error.message}`);
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  return {
    errors,
    unexpected: () => errors.filter((text) => !isNetworkNoise(text)),
    stop: () => {
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
    },
  };
}

/** Text of every error so far, for an assertion message. */
export function formatErrors(errors: readonly string[]): string {
  return errors.length === 0 ? '(none)' : errors.map((text) => `  - ${text}`).join('\n');
}

/** `[data-testid="x"][data-a="b"]`: the stable hooks the pages expose for tests. */
export function byTestId(id: string, attributes: Record<string, string> = {}): string {
  const extra = Object.entries(attributes)
    .map(([name, value]) => `[data-${name}="${value.replaceAll('"', '\\"')}"]`)
    .join('');
  return `[data-testid="${id}"]${extra}`;
}

/** Waits until the first element matching `selector` has exactly this text content. */
export async function waitForText(page: Page, selector: string, text: string, timeout?: number): Promise<void> {
  await page.waitForFunction(
    ([sel, expected]) => document.querySelector(sel)?.textContent === expected,
    [selector, text] as const,
    timeout === undefined ? {} : { timeout },
  );
}

const WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/**
 * The server serves the Vite output; browser tests need it built (`npm run build:web`). Fails with the
 * fix instead of a confusing 404 in Chromium.
 */
export function assertWebBuilt(): void {
  for (const page of ['control-ui/index.html', 'overlay/index.html']) {
    if (!existsSync(join(WEB_DIR, page))) {
      throw new Error(`dist/web/${page} is missing: run \`npm run build:web\` (vite build) before the browser tests`);
    }
  }
}

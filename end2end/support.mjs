// Shared helpers for the browser tests: start the real release binary on a free loopback port
// with a fresh data directory, and launch Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ADMIN_PASSWORD = 'browser-admin-password';
const ROOT = resolve(import.meta.dirname, '..');
const BINARY = process.env.TRUST_CONSOLE_BIN ?? join(ROOT, 'target/release/trust-console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts a console; resolves to { base, stop() } once it listens. */
export async function startConsole() {
  const dataDir = mkdtempSync(join(tmpdir(), 'trust-console-e2e-'));
  const child = spawn(BINARY, ['serve', '--address', '127.0.0.1:0', '--data-dir', dataDir], {
    cwd: dataDir,
    env: { ...process.env, TRUST_CONSOLE_ADMIN_PASSWORD: ADMIN_PASSWORD, RUST_LOG: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const base = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 60_000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = log.match(/listening on (http:\/\/[0-9.:]+)/);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  return {
    base,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium with the flags this offline machine needs. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Waits until the WASM client has hydrated the page (a click before that would be lost). */
export async function hydrated(page) {
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30_000 });
}

/**
 * Clicks `locator`, which loads a new page (a save reloads the saved resource's page), and
 * waits until that new page has hydrated. Waiting for the address is not enough: after a first
 * save it already carries `saved=1`, and the new page's server-rendered text shows before its
 * client is live, so the next input could land on a page that does not react yet.
 */
export async function clickAndReload(page, locator) {
  await page.evaluate(() => document.documentElement.removeAttribute('data-hydrated'));
  await locator.click();
  await hydrated(page);
}

/** Logs in through the form on the current login page. */
export async function logIn(page, password = ADMIN_PASSWORD) {
  await hydrated(page);
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * A new page on `base` that records console errors and every text/JSON response body (to scan
 * for secrets at the end of a suite): `{ page, consoleErrors, responses }`.
 */
export async function watchedPage(browser, base) {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  const consoleErrors = [];
  const responses = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('response', async (response) => {
    try {
      const type = response.headers()['content-type'] ?? '';
      if (/json|html|text/.test(type)) responses.push({ url: response.url(), body: await response.text() });
    } catch { /* bodies of redirects and aborted requests are not readable */ }
  });
  return { page, consoleErrors, responses };
}

/**
 * A fresh console, a browser and a watched page logged in as admin at `path` (waiting for the
 * page itself, not for a login URL that merely names it in `?next=`):
 * `{ server, browser, page, consoleErrors, responses, close() }`.
 */
export async function openConsoleAt(path) {
  const server = await startConsole();
  const browser = await launchBrowser();
  const watched = await watchedPage(browser, server.base);
  const { page } = watched;
  await page.goto(`/login?next=${path}`);
  await logIn(page);
  await page.waitForURL((url) => url.pathname === path);
  await hydrated(page);
  return {
    server,
    browser,
    ...watched,
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}

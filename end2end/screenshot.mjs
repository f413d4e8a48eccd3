// Takes docs/screenshot.png for the README: `node end2end/screenshot.mjs` after scripts/build.
import { resolve } from 'node:path';

import { hydrated, launchBrowser, logIn, startConsole } from './support.mjs';

const server = await startConsole();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ baseURL: server.base, viewport: { width: 1280, height: 760 } });
  await page.goto('/login?next=/');
  await logIn(page);
  await page.waitForURL((url) => url.pathname === '/');
  await hydrated(page);
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await page.screenshot({ path: resolve(import.meta.dirname, '../docs/screenshot.png') });
} finally {
  await browser.close();
  await server.stop();
}

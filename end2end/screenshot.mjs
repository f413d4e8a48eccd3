// Takes the README's screenshots: `node end2end/screenshot.mjs` after scripts/build.
// docs/screenshot.png — the overview; docs/realm-chain-dark.png — the realm chain picture in
// the dark theme, over a small chain with a realm Elasticsearch would refuse.
import { resolve } from 'node:path';

import { hydrated, launchBrowser, logIn, startConsole } from './support.mjs';

const DOCS = resolve(import.meta.dirname, '../docs');
const server = await startConsole();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ baseURL: server.base, viewport: { width: 1280, height: 760 } });
  await page.goto('/login?next=/');
  await logIn(page);
  await page.waitForURL((url) => url.pathname === '/');
  await hydrated(page);
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await page.screenshot({ path: resolve(DOCS, 'screenshot.png') });

  const csrf = await page.locator('meta[name=csrf-token]').getAttribute('content');
  const put = async (path, data) => {
    const response = await page.request.put(path, { data, headers: { 'x-csrf-token': csrf } });
    if (!response.ok()) throw new Error(`${path}: ${response.status()} ${await response.text()}`);
  };
  await put('/api/v1/realms/native1', { type: 'native', settings: { order: 0 } });
  await put('/api/v1/realms/okta', {
    type: 'jwt',
    settings: { order: 1, allowed_issuer: 'https://example.okta.com', allowed_audiences: ['es'],
      allowed_signature_algorithms: ['HS256'], 'claims.principal': 'sub' },
    secure_settings: { hmac_key: 'hmac-oidc-key-string-for-hs256-algorithm', 'client_authentication.shared_secret': 'a-shared-secret' },
  });
  await put('/api/v1/realms/entra', {
    type: 'jwt',
    settings: { order: 2, allowed_audiences: ['es'], allowed_signature_algorithms: ['RS256'], 'claims.principal': 'sub' },
  });
  await page.goto('/realms');
  await hydrated(page);
  await page.getByTestId('theme-toggle').click();
  await page.waitForFunction(() => document.documentElement.classList.contains('dark'));
  await page.getByTestId('realm-chain-picture').screenshot({ path: resolve(DOCS, 'realm-chain-dark.png') });
} finally {
  await browser.close();
  await server.stop();
}

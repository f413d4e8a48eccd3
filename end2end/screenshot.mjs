// Takes the README's screenshots: `node end2end/screenshot.mjs` after scripts/build.
// docs/screenshot.png — the overview of a new deployment; docs/dashboard.png — the overview
// dashboard over a small chain with a realm Elasticsearch would refuse and a transport CA that
// ends in 20 days; docs/realm-chain-dark.png — that realm chain in the dark theme.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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
  const dir = mkdtempSync(join(tmpdir(), 'trust-console-shot-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-days', '20', '-subj', '/O=Example Corp/CN=Example Transport CA',
    '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem')], { stdio: 'ignore' });
  const pem = readFileSync(join(dir, 'ca.pem'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  const current = await (await page.request.get('/api/v1/deployments/default')).json();
  await put(`/api/v1/deployments/default?version=${current.version}`, {
    kind: 'self_managed', stack_version: '9.3', transport_ca_pem: pem,
    transport_ssl: { enabled: true, verification_mode: 'certificate', key: 'certs/node.key',
      certificate: 'certs/node.crt', certificate_authorities: ['certs/ca.crt'] },
  });
  await page.goto('/');
  await hydrated(page);
  await page.getByTestId('dashboard-summary').waitFor();
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.screenshot({ path: resolve(DOCS, 'dashboard.png') });
  await page.setViewportSize({ width: 1280, height: 760 });

  await page.goto('/realms');
  await hydrated(page);
  await page.getByTestId('theme-toggle').click();
  await page.waitForFunction(() => document.documentElement.classList.contains('dark'));
  await page.getByTestId('realm-chain-picture').screenshot({ path: resolve(DOCS, 'realm-chain-dark.png') });
} finally {
  await browser.close();
  await server.stop();
}

// Browser tests of the overview dashboard against the real server: a new deployment says where
// to start; a realm Elasticsearch would refuse and a certificate that ends in ten days (made
// here with openssl) appear with links to the places that fix them; recent changes are listed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { hydrated, openConsoleAt } from '../support.mjs';

/** A self-signed CA certificate valid for `days` days from now, PEM. */
function certificateValidFor(days, subject) {
  const dir = mkdtempSync(join(tmpdir(), 'trust-console-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-days', String(days), '-subj', subject,
      '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'),
    ], { stdio: 'ignore' });
    return readFileSync(join(dir, 'ca.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('overview dashboard', () => {
  let opened;
  let page;
  let consoleErrors;

  before(async () => {
    opened = await openConsoleAt('/');
    ({ page, consoleErrors } = opened);
  });

  after(async () => {
    await opened?.close();
  });

  const area = (key) => page.locator(`[data-testid=area-health][data-area=${key}]`);

  test('a new deployment says where to start', async () => {
    await page.getByTestId('dashboard-start').waitFor();
    const start = page.getByTestId('dashboard-start');
    assert.equal(await start.getByRole('link', { name: 'Create a realm' }).getAttribute('href'), '/realms/new');
    assert.equal(
      await start.getByRole('link', { name: 'Import an elasticsearch.yml' }).getAttribute('href'),
      '/export#import-heading',
    );
    assert.equal(await area('realms').getByTestId('area-count').innerText(), '0 realms');
    await area('realms').getByText('None configured.').waitFor();
    await page.getByTestId('certificates-due').getByText('No stored certificate ends within 30 days.').waitFor();
    // The default deployment comes with the database: nothing has changed yet.
    await page.getByTestId('recent-changes').getByText('No changes yet.').waitFor();
    // Its missing transport TLS is Elasticsearch's startup error, linked to its editor.
    const tls = area('deployment').locator('[data-testid=finding][data-severity=error]').first();
    assert.equal(await tls.getByRole('link').getAttribute('href'), '/deployments?edit=default');
  });

  test('a broken realm and an expiring certificate appear and link to their pages', async () => {
    const csrf = await page.locator('meta[name=csrf-token]').getAttribute('content');
    const headers = { 'x-csrf-token': csrf };
    // A JWT realm without allowed_issuer: Elasticsearch refuses to start with it.
    const realm = await page.request.put('/api/v1/realms/entra', {
      headers,
      data: {
        type: 'jwt',
        settings: { order: 1, allowed_audiences: ['es'], allowed_signature_algorithms: ['HS256'], 'claims.principal': 'sub' },
        secure_settings: { hmac_key: 'hmac-oidc-key-string-for-hs256-algorithm', 'client_authentication.shared_secret': 'a-shared-secret' },
      },
    });
    assert.equal(realm.status(), 201, await realm.text());
    // The deployment's transport CA ends in ten days.
    const pem = certificateValidFor(10, '/O=Dashboard Tests/CN=Expiring Transport CA');
    const current = await (await page.request.get('/api/v1/deployments/default')).json();
    const deployment = await page.request.put(`/api/v1/deployments/default?version=${current.version}`, {
      headers,
      data: {
        kind: 'self_managed', stack_version: '9.3', transport_ca_pem: pem,
        transport_ssl: {
          enabled: true, verification_mode: 'certificate', key: 'certs/node.key',
          certificate: 'certs/node.crt', certificate_authorities: ['certs/ca.crt'],
        },
      },
    });
    assert.equal(deployment.status(), 200, await deployment.text());

    await page.reload();
    await hydrated(page);
    assert.equal(await page.getByTestId('dashboard-start').count(), 0, 'no longer new');
    const realms = area('realms');
    assert.equal(await realms.getByTestId('area-count').innerText(), '1 realm');
    assert.equal(await realms.getByTestId('lint-badge').innerText(), '1 error');
    const finding = realms.locator('[data-testid=finding][data-severity=error]')
      .filter({ hasText: 'Invalid empty value for [xpack.security.authc.realms.jwt.entra.allowed_issuer].' });
    const fix = finding.getByRole('link', { name: 'error: entra · allowed_issuer' });
    assert.equal(await fix.getAttribute('href'), '/realms/entra#setting-allowed_issuer');
    assert.match(await page.getByTestId('dashboard-summary').innerText(), /^1 error to fix/);

    const due = page.getByTestId('certificate-due').filter({ hasText: 'CN=Expiring Transport CA,O=Dashboard Tests' });
    await due.getByText('deployment default: transport CA').waitFor();
    // Ten days from a moment ago: ten whole days when it is still the same second, else nine
    // and a bit (whole days are truncated).
    await due.getByText(/^ends in (9|10) days$/).waitFor();
    const replace = due.getByRole('link', { name: 'CN=Expiring Transport CA,O=Dashboard Tests' });
    assert.equal(await replace.getAttribute('href'), '/deployments?edit=default');

    const changes = page.getByTestId('recent-changes');
    const first = changes.getByTestId('recent-change').first();
    assert.match(await first.innerText(), /update\s+deployment default/);
    assert.equal(
      await changes.getByRole('link', { name: 'realm entra' }).getAttribute('href'),
      '/realms/entra',
    );

    // The finding's link opens the realm editor at the field to fix.
    await fix.click();
    await page.waitForURL('**/realms/entra#setting-allowed_issuer');
    await hydrated(page);
    await page.locator('#setting-allowed_issuer').waitFor();
    // And the certificate's, the deployment's editor with the CA in it.
    await page.goto('/');
    await hydrated(page);
    await replace.click();
    await page.waitForURL('**/deployments?edit=default');
    await hydrated(page);
    await page.getByLabel('Name').waitFor();
    assert.equal(await page.getByLabel('Name').inputValue(), 'default');
  });

  test('no errors in the browser console', () => {
    assert.deepEqual(consoleErrors, []);
  });
});

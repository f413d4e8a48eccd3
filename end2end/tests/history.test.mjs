// Browser tests of resource history against the real server: the realm page lists every
// version with what it changed (settings, not JSON lines), an earlier version is restored as a
// new one and the audit log shows it as a restore linked to that version, and a restore or a
// save after someone else's edit is refused (409) with their change shown; a role's editor
// shows its history too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { hydrated, openConsoleAt } from '../support.mjs';

const realm = (issuer, audiences) => ({
  type: 'jwt',
  settings: {
    order: 2, allowed_issuer: issuer, allowed_audiences: audiences,
    allowed_signature_algorithms: ['HS256'], 'claims.principal': 'sub',
  },
});

describe('history and restore', () => {
  let opened;
  let page;
  let consoleErrors;
  let put;

  before(async () => {
    opened = await openConsoleAt('/realms');
    ({ page, consoleErrors } = opened);
    const csrf = await page.locator('meta[name=csrf-token]').getAttribute('content');
    put = async (path, data, status) => {
      const response = await page.request.put(path, { data, headers: { 'x-csrf-token': csrf } });
      assert.equal(response.status(), status, `${path}: ${await response.text()}`);
    };
    await put('/api/v1/realms/jwt8', realm('iss8', ['aud8']), 201);
    await put('/api/v1/realms/jwt8?version=1', realm('https://issuer.example', ['aud8']), 200);
    await put('/api/v1/realms/jwt8?version=2', realm('https://issuer.example', ['aud8', 'aud9']), 200);
  });

  after(async () => {
    await opened?.close();
  });

  const entries = () => page.getByTestId('history-entry');
  const entry = (version) => page.locator(`[data-testid=history-entry][data-version="${version}"]`);

  test('the realm page lists each version with what it changed', async () => {
    await page.goto('/realms/jwt8');
    await hydrated(page);
    await entry(1).waitFor();
    assert.deepEqual(await entries().evaluateAll((li) => li.map((e) => e.dataset.version)), ['3', '2', '1']);
    await entry(3).getByText('current', { exact: true }).waitFor();
    assert.equal(await entry(3).getByRole('button').count(), 0, 'the current version has nothing to restore');
    const changed = entry(2).locator('[data-testid=history-change][data-change=changed]');
    assert.equal(await changed.count(), 1);
    await changed.getByText('setting allowed_issuer changed from "iss8" to "https://issuer.example"', { exact: true }).waitFor();
    await entry(3).locator('[data-change=added]').getByText('setting allowed_audiences added: "aud9"').waitFor();
    await entry(1).getByText('create', { exact: true }).waitFor();
  });

  test('restoring an earlier version writes it as the newest, audited as a restore', async () => {
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await page.waitForURL('**/realms/jwt8?saved=1');
    await hydrated(page);
    await entry(4).waitFor();
    await entry(4).getByText('restore', { exact: true }).waitFor();
    await entry(4).getByText('setting allowed_issuer changed from "https://issuer.example" to "iss8"').waitFor();
    assert.equal(await page.locator('#setting-allowed_issuer').inputValue(), 'iss8');

    await page.goto('/audit');
    await hydrated(page);
    const row = page.getByTestId('audit-row').first();
    assert.match(await row.innerText(), /restore/);
    await row.getByTestId('audit-changes').getByText('setting allowed_audiences removed: "aud9"').waitFor();
    const link = row.getByTestId('audit-history-link');
    assert.equal(await link.getAttribute('href'), '/realms/jwt8#version-4');
    await link.click();
    await page.waitForURL('**/realms/jwt8#version-4');
    await hydrated(page);
    await entry(4).waitFor();
  });

  test('a restore after someone else edited is refused, and their change appears', async () => {
    await page.goto('/realms/jwt8');
    await hydrated(page);
    await entry(4).waitFor();
    // Another admin saves while this page shows version 4.
    await put('/api/v1/realms/jwt8?version=4', realm('https://someone-else.example', ['aud8']), 200);
    await page.getByRole('button', { name: 'Restore version 2' }).click();
    await page.getByTestId('history').getByRole('alert')
      .getByText('realm [jwt8] was changed by someone else: your edit is based on version 4, it is now at version 5.')
      .waitFor();
    await entry(5).getByText('setting allowed_issuer changed from "iss8" to "https://someone-else.example"').waitFor();
    const stored = await (await page.request.get('/api/v1/realms/jwt8')).json();
    assert.equal(stored.version, 5, 'the refused restore wrote nothing');
    assert.equal(stored.body.settings.allowed_issuer, 'https://someone-else.example');
  });

  test('saving an edit after someone else saved shows what they changed, and keeps the edit', async () => {
    await page.goto('/realms/jwt8');
    await hydrated(page);
    await entry(5).waitFor();
    assert.equal(await page.getByTestId('unsaved').count(), 0, 'nothing edited yet');
    await page.locator('#setting-allowed_audiences').fill('aud7');
    await page.getByTestId('unsaved').getByText('Unsaved changes').waitFor();
    // Another admin saves while this form holds version 5.
    await put('/api/v1/realms/jwt8?version=5', realm('https://third.example', ['aud8']), 200);
    await page.getByRole('button', { name: 'Save realm' }).click();
    const notice = page.getByTestId('conflict-notice');
    await notice
      .getByText('realm [jwt8] was changed by someone else: your edit is based on version 5, it is now at version 6.')
      .waitFor();
    await notice.locator('[data-testid=conflict-version][data-version="6"]')
      .getByText('setting allowed_issuer changed from "https://someone-else.example" to "https://third.example"')
      .waitFor();
    assert.equal(await page.locator('#setting-allowed_audiences').inputValue(), 'aud7', 'the edit stays until reload');
    const reload = notice.getByRole('link', { name: 'Reload the current version' });
    assert.equal(await reload.getAttribute('href'), '/realms/jwt8');
    await reload.click();
    await hydrated(page);
    await page.waitForFunction(() => document.querySelector('#setting-allowed_issuer')?.value === 'https://third.example');
    assert.equal(await page.getByTestId('unsaved').count(), 0, 'a reload starts from the stored version');
  });

  test("a role's editor shows its history, and a restore reopens it at the restored version", async () => {
    await put('/api/v1/roles/hist_role', { cluster: ['monitor'], run_as: ['svc_a'] }, 201);
    await put('/api/v1/roles/hist_role?version=1', { cluster: ['monitor'], run_as: ['svc_b'] }, 200);
    await page.goto('/roles-users?role=hist_role');
    await hydrated(page);
    await entry(2).waitFor();
    assert.deepEqual(await entries().evaluateAll((li) => li.map((e) => e.dataset.version)), ['2', '1']);
    assert.ok(await entry(2).getByTestId('history-change').count() > 0, 'version 2 says what it changed');
    assert.equal(await page.locator('#role-run-as').inputValue(), 'svc_b');
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await page.waitForURL('**/roles-users?role=hist_role&saved=1');
    await hydrated(page);
    await entry(3).getByText('restore', { exact: true }).waitFor();
    assert.equal(await page.locator('#role-run-as').inputValue(), 'svc_a');
    const stored = await (await page.request.get('/api/v1/roles/hist_role')).json();
    assert.equal(stored.version, 3);
    assert.deepEqual(stored.body.run_as, ['svc_a']);
  });

  test('no errors in the browser console', () => {
    // The refused restore answers 409 by design; the browser logs that resource error.
    const unexpected = consoleErrors.filter((e) => !/status of 409/.test(e));
    assert.deepEqual(unexpected, []);
  });
});

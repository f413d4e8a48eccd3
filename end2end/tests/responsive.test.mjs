// The console at phone width (390×844): the navigation collapses behind a menu button, no page
// scrolls sideways (wide tables scroll inside their card), and a screenshot of each page is
// kept in target/e2e-screenshots for review.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { hydrated, launchBrowser, logIn, startConsole } from '../support.mjs';

const PAGES = ['/', '/realms', '/realms/new', '/role-mappings', '/role-mappings/new', '/roles-users',
  '/deployments', '/deployments?new=1', '/environments', '/environments?new=1', '/remote-clusters',
  '/remote-clusters?new=1', '/playground', '/export', '/audit', '/certificates', '/account'];
const SHOTS = resolve(import.meta.dirname, '../../target/e2e-screenshots');
const LONG = 'a-realm-name-long-enough-to-widen-the-tables-it-appears-in-01234';

describe('phone width', () => {
  let server;
  let browser;
  let page;
  const consoleErrors = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startConsole();
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: server.base, viewport: { width: 390, height: 844 } });
    page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto('/login?next=/');
    await logIn(page);
    await page.waitForURL((url) => url.pathname === '/');
    await hydrated(page);
    // Rows that are wider than a phone: a realm with a long name and a mapping naming it.
    const csrf = await page.locator('meta[name=csrf-token]').getAttribute('content');
    const put = async (path, data) => {
      const response = await page.request.put(path, { data, headers: { 'x-csrf-token': csrf } });
      assert.ok(response.ok(), `${path}: ${response.status()} ${await response.text()}`);
    };
    await put(`/api/v1/realms/${LONG}`, {
      type: 'jwt',
      settings: { order: 1, allowed_issuer: 'https://issuer.example.com/with/a/long/path', allowed_audiences: ['es'],
        allowed_signature_algorithms: ['HS256'], 'claims.principal': 'sub' },
      secure_settings: { hmac_key: 'hmac-oidc-key-string-for-hs256-algorithm' },
    });
    await put(`/api/v1/role-mappings/${LONG}-admins`, {
      roles: ['superuser'], enabled: true, rules: { field: { 'realm.name': LONG } },
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('no page scrolls sideways, and each is kept as a screenshot', async () => {
    const sideways = [];
    for (const path of PAGES) {
      await page.goto(path);
      await hydrated(page);
      await page.locator('main h1').first().waitFor();
      const { scroll, width } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        width: document.documentElement.clientWidth,
      }));
      if (scroll > width) sideways.push(`${path}: ${scroll}px of content in ${width}px`);
      assert.equal(await page.locator('#side-nav').isVisible(), false, `${path}: the navigation is collapsed`);
      const name = path === '/' ? 'overview' : path.slice(1).replace(/[/?=]/g, '-');
      await page.screenshot({ path: resolve(SHOTS, `phone-${name}.png`), fullPage: true });
    }
    assert.deepEqual(sideways, [], 'pages that scroll sideways at phone width');
  });

  test('wide tables scroll inside their card', async () => {
    await page.goto('/realms');
    await hydrated(page);
    const table = page.getByRole('table', { name: 'Realm chain' });
    await table.waitFor();
    const box = await table.evaluate((t) => {
      const card = t.parentElement;
      return { table: t.scrollWidth, card: card.clientWidth, overflow: getComputedStyle(card).overflowX };
    });
    assert.ok(box.table > box.card, `the long realm name widens the table: ${JSON.stringify(box)}`);
    assert.equal(box.overflow, 'auto');
    // Words stay whole inside the table (the card scrolls instead of breaking names).
    const cell = page.getByRole('link', { name: LONG });
    const lines = await cell.evaluate((a) => a.getClientRects().length);
    assert.equal(lines, 1, 'the realm name is on one line');
  });

  test('the menu button opens the navigation, and choosing a page or Escape closes it', async () => {
    await page.goto('/');
    await hydrated(page);
    const menu = page.getByRole('button', { name: 'Menu' });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor({ state: 'visible' });
    await nav.getByRole('link', { name: 'Role mappings' }).click();
    await page.waitForURL('**/role-mappings');
    await nav.waitFor({ state: 'hidden' });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');

    // By keyboard: Enter opens, Escape closes.
    await menu.focus();
    await page.keyboard.press('Enter');
    await nav.waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await nav.waitFor({ state: 'hidden' });
  });

  test('from tablet width up the navigation is always shown and the button is gone', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto('/');
    await hydrated(page);
    assert.equal(await page.locator('#side-nav').isVisible(), true);
    assert.equal(await page.getByRole('button', { name: 'Menu' }).isVisible(), false);
    await page.setViewportSize({ width: 390, height: 844 });
  });

  test('no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});

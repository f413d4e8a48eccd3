// The client split by route (`cargo leptos build --split`): each page opened cold loads the
// main module plus its own chunks and comes alive; moving between all pages stays in one
// document; a chunk that cannot be downloaded is reported on the page instead of leaving it dead.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ADMIN_PASSWORD, hydrated, launchBrowser, startConsole } from '../support.mjs';

/** Every page, with the heading it shows. */
const PAGES = [
  ['/', 'Overview'],
  ['/realms', 'Realms'],
  ['/realms/new', 'New realm'],
  ['/role-mappings', 'Role mappings'],
  ['/role-mappings/new', 'New role mapping'],
  ['/roles-users', 'Roles & users'],
  ['/deployments', 'Deployments'],
  ['/environments', 'Trusted environments'],
  ['/remote-clusters', 'Remote clusters'],
  ['/certificates', 'Certificate workbench'],
  ['/playground', 'Token playground'],
  ['/export', 'Export and import'],
  ['/audit', 'Audit log'],
  ['/account', 'Change password'],
];
const MAIN_MODULE = /\/trust_console\.wasm$/;

describe('client split by route', () => {
  let server;
  let browser;

  before(async () => {
    server = await startConsole();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A new, logged-in browser context (empty cache) and a page recording WASM loads and errors. */
  async function freshPage({ loggedIn = true } = {}) {
    const context = await browser.newContext({ baseURL: server.base });
    if (loggedIn) {
      const response = await context.request.post('/api/v1/session', {
        data: { username: 'admin', password: ADMIN_PASSWORD },
      });
      assert.equal(response.status(), 200, 'API login');
    }
    const page = await context.newPage();
    const wasm = [];
    const errors = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.endsWith('.wasm')) wasm.push(path);
    });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    return { context, page, wasm, errors };
  }

  test('the login page needs only the main module', async () => {
    const { context, page, wasm, errors } = await freshPage({ loggedIn: false });
    await page.goto('/login');
    await hydrated(page);
    await page.waitForLoadState('networkidle');
    assert.equal(wasm.length, 1, `WASM loaded: ${wasm.join(', ')}`);
    assert.match(wasm[0], MAIN_MODULE);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('every page opened cold loads its own chunks and comes alive', async () => {
    const chunksOf = new Map();
    for (const [path, heading] of PAGES) {
      const { context, page, wasm, errors } = await freshPage();
      const response = await page.goto(path);
      assert.equal(response.status(), 200, path);
      await hydrated(page);
      await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
      // Live: the theme toggle (in the frame) and the page's own effect both ran.
      await page.getByTestId('theme-toggle').click();
      await page.waitForFunction(() => document.documentElement.classList.contains('dark'));
      assert.ok(wasm.some((p) => MAIN_MODULE.test(p)), `${path}: main module`);
      const chunks = wasm.filter((p) => !MAIN_MODULE.test(p));
      assert.ok(chunks.length > 0, `${path} loads a chunk of its own`);
      chunksOf.set(path, new Set(chunks));
      assert.deepEqual(errors, [], path);
      await context.close();
    }
    // Pages of different weight download different things: the certificate workbench's
    // chunks are not part of the overview's first visit.
    const overview = chunksOf.get('/');
    const only = [...chunksOf.get('/certificates')].filter((c) => !overview.has(c));
    assert.ok(only.length > 0, 'the certificate workbench has chunks the overview does not load');
  });

  test('moving between all pages stays in one document', async () => {
    const { context, page, errors } = await freshPage();
    await page.goto('/');
    await hydrated(page);
    await page.evaluate(() => { window.__sameDocument = true; });
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const [path, heading] of PAGES) {
      if (path.endsWith('/new')) {
        // Reached from its list page (the one before it) by the "New …" button.
        await page.locator(`main a[href="${path}"]`).click();
      } else if (path === '/account') {
        await page.getByTestId('user-menu').locator('summary').click();
        await page.getByRole('link', { name: 'Change password' }).click();
      } else {
        await nav.locator(`a[href="${path}"]`).click();
      }
      await page.waitForURL((url) => url.pathname === path);
      await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
      assert.equal(await page.evaluate(() => window.__sameDocument), true, `${path}: no page load`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a page whose chunk cannot be downloaded says so', async () => {
    const { context, page, errors } = await freshPage();
    await page.goto('/');
    await hydrated(page);
    // The network drops from here on: every WASM chunk not yet loaded fails.
    await page.route('**/*.wasm', (route) => route.abort('internetdisconnected'));
    await page.getByRole('navigation', { name: 'Main' }).locator('a[href="/certificates"]').click();
    const alert = page.locator('#client-stopped');
    await alert.waitFor();
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.match(await alert.innerText(), /could not be loaded/);
    assert.ok(errors.length > 0, 'the failure is also logged to the console');
    await context.close();
  });
});

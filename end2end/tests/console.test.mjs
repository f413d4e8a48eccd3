// Browser tests: the real UI in headless Chromium against the real server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { hydrated, launchBrowser, logIn, startConsole } from '../support.mjs';

const SECTIONS = [
  ['Realms', '/realms'],
  ['Role mappings', '/role-mappings'],
  ['Roles & users', '/roles-users'],
  ['Deployments', '/deployments'],
  ['Environments', '/environments'],
  ['Remote clusters', '/remote-clusters'],
  ['Token playground', '/playground'],
  ['Export', '/export'],
  ['Audit log', '/audit'],
];

describe('console shell', () => {
  let server;
  let browser;
  let context;
  let page;
  const consoleErrors = [];

  before(async () => {
    server = await startConsole();
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.base });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('an unauthenticated visit to a page redirects to the login page', async () => {
    await page.goto('/realms');
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/realms');
    await assert.doesNotReject(page.getByRole('heading', { name: 'Sign in to trust-console' }).waitFor());
  });

  test('a wrong password shows an error', async () => {
    await logIn(page, 'definitely not it');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /invalid user name or password/);
    assert.equal(new URL(page.url()).pathname, '/login');
  });

  test('logging in goes to the page asked for', async () => {
    await page.getByLabel('Password').fill('');
    await logIn(page);
    await page.waitForURL('**/realms');
    await hydrated(page);
    await page.getByRole('heading', { level: 1, name: 'Realms' }).waitFor();
    assert.equal(await page.getByTestId('current-user').innerText(), 'admin');
  });

  test('every navigation item opens its page', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const [label, path] of SECTIONS) {
      await nav.getByRole('link', { name: label, exact: true }).click();
      await page.waitForURL(`**${path}`);
      await page.getByRole('heading', { level: 1, name: label }).waitFor();
      const current = nav.getByRole('link', { name: label, exact: true });
      assert.equal(await current.getAttribute('aria-current'), 'page', label);
    }
    // The audit log lists the login that just happened.
    await nav.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByTestId('audit-row').first().waitFor();
    assert.match(await page.getByTestId('audit-row').first().innerText(), /login/);
  });

  test('the theme toggle works (hydration is live) and is remembered', async () => {
    await hydrated(page);
    const isDark = () => page.evaluate(() => document.documentElement.classList.contains('dark'));
    assert.equal(await isDark(), false);
    const toggle = page.getByTestId('theme-toggle');
    assert.equal(await toggle.getAttribute('aria-label'), 'Switch to dark theme');
    await toggle.click();
    assert.equal(await isDark(), true);
    assert.equal(await toggle.getAttribute('aria-label'), 'Switch to light theme');
    await page.reload();
    assert.equal(await isDark(), true, 'the server renders the remembered theme');
    await hydrated(page);
    await page.getByTestId('theme-toggle').click();
    assert.equal(await isDark(), false);
  });

  test('the user menu works from the keyboard', async () => {
    await hydrated(page);
    await page.getByTestId('user-menu').locator('summary').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Change password' }).waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
  });

  test('every page, opened cold, hydrates under its nonce CSP', async () => {
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    for (const path of ['/', '/account', '/certificates', ...SECTIONS.map(([, p]) => p)]) {
      const response = await page.goto(path);
      const csp = response.headers()['content-security-policy'] ?? '';
      assert.match(csp, /script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/, path);
      assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, path);
      assert.equal(response.headers()['x-frame-options'], 'DENY', path);
      await hydrated(page);
    }
    assert.deepEqual(violations, []);
  });

  test('log out everywhere ends this session and the others', async () => {
    const other = await browser.newContext({ baseURL: server.base });
    const otherPage = await other.newPage();
    await otherPage.goto('/login?next=/realms');
    await logIn(otherPage);
    await otherPage.waitForURL('**/realms');
    await page.goto('/account');
    await hydrated(page);
    await page.getByTestId('logout-everywhere').click();
    await page.waitForURL('**/login');
    await otherPage.goto('/audit');
    assert.equal(new URL(otherPage.url()).pathname, '/login');
    await other.close();
    await page.goto('/login?next=/');
    await logIn(page);
    await page.waitForURL((url) => url.pathname === '/');
  });

  test('logout ends the session', async () => {
    await page.goto('/');
    await hydrated(page);
    await page.getByTestId('user-menu').locator('summary').click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    await page.goto('/audit');
    assert.equal(new URL(page.url()).pathname, '/login');
  });

  test('no errors in the browser console', () => {
    // A failed login answers 401 by design; the browser logs that resource error.
    const unexpected = consoleErrors.filter((e) => !/status of 401/.test(e));
    assert.deepEqual(unexpected, []);
  });
});

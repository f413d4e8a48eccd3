// Accessibility: axe-core (npm) on every page in the light and the dark theme — no serious or
// critical violations — and a realm created and saved with the keyboard alone.
//
// axe is injected as a script; the console's CSP (rightly) refuses inline scripts, so this
// suite's browser context bypasses CSP. Nothing else in the suites does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { hydrated, launchBrowser, logIn, startConsole } from '../support.mjs';

const AXE = readFileSync(resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
const PAGES = ['/', '/realms', '/realms/new', '/role-mappings', '/role-mappings/new', '/roles-users',
  '/deployments', '/deployments?new=1', '/environments', '/environments?new=1', '/remote-clusters',
  '/remote-clusters?new=1', '/playground', '/export', '/audit', '/certificates', '/account'];
const HMAC_KEY = 'hmac-oidc-key-string-for-hs256-algorithm';

/** Serious and critical axe violations on the current page, one line each. */
async function violations(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const { violations: found } = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return found
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

describe('accessibility', () => {
  let server;
  let browser;
  let page;

  before(async () => {
    server = await startConsole();
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: server.base, bypassCSP: true });
    page = await context.newPage();
    await page.goto('/login?next=/');
    await hydrated(page);
    assert.deepEqual(await violations(page), [], 'the login page');
    await logIn(page);
    await page.waitForURL((url) => url.pathname === '/');
    await hydrated(page);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const theme of ['light', 'dark']) {
    test(`axe finds nothing serious on any page (${theme} theme)`, async () => {
      await page.goto('/');
      await hydrated(page);
      const isDark = () => page.evaluate(() => document.documentElement.classList.contains('dark'));
      if ((await isDark()) !== (theme === 'dark')) {
        await page.getByTestId('theme-toggle').click();
        await page.waitForFunction((dark) => document.documentElement.classList.contains('dark') === dark, theme === 'dark');
      }
      const found = [];
      for (const path of PAGES) {
        await page.goto(path);
        await hydrated(page);
        assert.equal(await isDark(), theme === 'dark', `${path} is in the ${theme} theme`);
        for (const v of await violations(page)) found.push(`${path}: ${v}`);
      }
      assert.deepEqual(found, []);
    });
  }

  test('a realm is created and saved with the keyboard alone', async () => {
    await page.goto('/realms/new');
    await hydrated(page);
    // Tab (never a click) until the focused element is `what` (its id, or a button's text).
    const tabTo = async (what) => {
      for (let i = 0; i < 300; i += 1) {
        const focused = await page.evaluate(() => {
          const e = document.activeElement;
          return [e?.id ?? '', e?.tagName === 'BUTTON' ? e.textContent.trim() : ''];
        });
        if (focused.includes(what)) return;
        await page.keyboard.press('Tab');
      }
      assert.fail(`Tab never reached ${what}`);
    };
    const typeInto = async (id, text) => {
      await tabTo(id);
      await page.keyboard.type(text);
    };
    await page.locator('body').focus();
    await typeInto('realm-name', 'jwt_keys');
    await typeInto('setting-allowed_issuer', 'https://issuer.example.com');
    await typeInto('setting-allowed_audiences', 'es');
    await typeInto('setting-allowed_signature_algorithms', 'HS256');
    await typeInto('setting-claims-principal', 'sub');
    await typeInto('setting-hmac_key', HMAC_KEY);
    await typeInto('setting-client_authentication-shared_secret', 'a-keyboard-shared-secret');
    await page.getByTestId('lint-summary').getByText('Elasticsearch would start with this realm').waitFor();
    // On to the save button by Tab, and Enter presses it.
    await tabTo('Save realm');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/realms/jwt_keys?saved=1');
    await hydrated(page);
    await page.getByRole('status').getByText('Saved.').waitFor();
  });
});

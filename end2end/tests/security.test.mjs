// Browser tests of the security pages: realms (form, live lint, secrets, JWK set), role
// mappings (builder, JSON, sample-identity test), roles & users — against the real server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { hydrated, openConsoleAt } from '../support.mjs';

const HMAC_KEY = 'hmac-oidc-key-string-for-hs256-algorithm';
const SHARED_SECRET = 'client-shared-secret-string';
const USER_PASSWORD = 'run-as-user-password';

// A 2048-bit RSA modulus and a P-256 key: the table judges keys by type and size.
const RSA_N = Buffer.alloc(256, 0xc5).toString('base64url');
const JWKS = JSON.stringify({
  keys: [
    { kty: 'RSA', kid: 'rsa-1', n: RSA_N, e: 'AQAB' },
    {
      kty: 'EC', kid: 'ec-1', crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    },
    { kty: 'RSA', kid: 'rsa-enc', n: RSA_N, e: 'AQAB', use: 'enc' },
  ],
});

// An RSA 2048 public key made with openssl (genpkey, pkey -pubout).
const RSA_PEM = '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzEhLGZngbNflr4RFw7gq\nnh+1C07fDp23fbtwFujSaaXgGvgt8N54lOZkuSb2BsvfVuZ9LYK8qSYLvPfGFoCl\nkj2Vsi6OxdQCPSOztpMP422kmBGZZjMhfdx4eA7zYjs+1kzU42VyUTLKJB14rYbV\n8ecAOOmgwRhiEmM4+lSkSfzvdeis5iyfKGgGt8ih+nYbTe50hj6x5w8ISX6omwCu\nSX9Lt20lmtpeuSQJju1QzO1LMBz4tZbjgnxFEQ9w9ho8IaLOgaqrbI91seOQoMIR\n5WoBfUFqWpVOGCZV1Ek94ZcieV9WRjAvl8HrPNpKnEsJsPFGXvKFKQ7GhbQE91FN\nNwIDAQAB\n-----END PUBLIC KEY-----';

describe('security pages', () => {
  let opened;
  let page;
  let consoleErrors;
  let responses;

  before(async () => {
    opened = await openConsoleAt('/realms');
    ({ page, consoleErrors, responses } = opened);
  });

  after(async () => {
    await opened?.close();
  });

  const field = (key) => page.locator(`#setting-${key.replaceAll('.', '-')}`);
  const diagnostics = (key) => page.locator(`#setting-${key.replaceAll('.', '-')}-diagnostics`);

  test('create a realm through the form: a lint error appears beside its field, then goes', async () => {
    await hydrated(page);
    await page.getByRole('heading', { name: 'No realms yet' }).waitFor();
    await page.getByRole('link', { name: 'New realm' }).click();
    await page.waitForURL('**/realms/new');
    await hydrated(page);
    await page.getByLabel('Realm name').fill('jwt8');
    // Nothing typed yet: Elasticsearch would refuse the realm, in its own words.
    await diagnostics('allowed_issuer').getByText('Invalid empty value for [xpack.security.authc.realms.jwt.jwt8.allowed_issuer].').waitFor();
    await field('allowed_issuer').fill('iss8');
    await diagnostics('allowed_issuer').getByText('Invalid empty value').waitFor({ state: 'detached' });

    await field('allowed_clock_skew').fill('10');
    const skewError = diagnostics('allowed_clock_skew').getByText(
      'failed to parse setting [xpack.security.authc.realms.jwt.jwt8.allowed_clock_skew] with value [10] as a time value: unit is missing or unrecognized',
    );
    await skewError.waitFor();
    assert.equal(await diagnostics('allowed_clock_skew').locator('li').first().getAttribute('data-severity'), 'error');
    await field('allowed_clock_skew').fill('10s');
    await skewError.waitFor({ state: 'detached' });

    await field('allowed_audiences').fill('aud8');
    await field('allowed_signature_algorithms').fill('HS256');
    await field('claims.principal').fill('sub');
    await field('hmac_key').fill(HMAC_KEY);
    await field('client_authentication.shared_secret').fill(SHARED_SECRET);
    await page.getByTestId('lint-summary').getByText('Elasticsearch would start with this realm').waitFor();

    await page.getByRole('button', { name: 'Save realm' }).click();
    await page.waitForURL('**/realms/jwt8?saved=1');
    await hydrated(page);
    await page.getByRole('status').getByText('Saved.').waitFor();
    // The secrets are stored and shown only as "set".
    const states = await page.getByTestId('secret-state').allInnerTexts();
    assert.equal(states.length, 2, states.join(' | '));
    for (const state of states) assert.match(state, /^set · changed \d{4}-\d\d-\d\d /);
    assert.equal(await field('hmac_key').count(), 0, 'no input holds the stored key');
    const html = await page.content();
    assert.ok(!html.includes(HMAC_KEY) && !html.includes(SHARED_SECRET), 'the page holds a secret');

    await page.goto('/realms');
    await hydrated(page);
    const row = page.getByTestId('realm-row').filter({ hasText: 'jwt8' });
    await row.waitFor();
    assert.match(await row.innerText(), /2\s+jwt8\s+jwt\s+id_token\s+iss8\s+OK/);
    // Realms.maybeAddBasicRealms: no file or native realm is configured, so Elasticsearch adds both.
    const implicit = await page.getByTestId('realm-implicit-row').allInnerTexts();
    assert.equal(implicit.length, 2, implicit.join(' | '));
    assert.match(implicit[0], /default_file\s+added by Elasticsearch\s+file/);
    assert.match(implicit[1], /default_native\s+added by Elasticsearch\s+native/);
    // The same chain as a picture, in Elasticsearch's order, with its text alternative.
    const nodes = page.getByTestId('realm-chain-picture').getByTestId('chain-node');
    assert.deepEqual(
      await nodes.evaluateAll((gs) => gs.map((g) => [g.dataset.realm, g.dataset.state])),
      [['default_file', 'implicit'], ['default_native', 'implicit'], ['jwt8', 'ok']],
    );
    assert.match(await page.locator('#realm-chain-desc').textContent(), /3\. jwt8 \(jwt, no findings\)/);
    // Drawn by the server: there before (and without) hydration.
    const cold = await page.context().newPage();
    await cold.route('**/*.wasm', (route) => route.abort());
    await cold.goto('/realms');
    await cold.getByTestId('realm-chain-picture').locator('[data-realm="jwt8"]').waitFor();
    assert.equal(await cold.locator('html[data-hydrated="true"]').count(), 0, 'the page did not hydrate');
    await cold.close();
  });

  test('a pasted PKC JWK set shows per-key usability', async () => {
    await page.goto('/realms/new');
    await hydrated(page);
    await page.getByLabel('Realm name').fill('jwt_pkc');
    await field('allowed_signature_algorithms').fill('RS256, ES256, ES384');
    await page.getByLabel('PKC JWK set').fill(JWKS);
    const rows = page.getByTestId('key-row');
    await rows.nth(2).waitFor();
    assert.equal(await rows.count(), 3);
    assert.equal(await rows.nth(0).getByTestId('usable-for').innerText(), 'RS256');
    assert.match(await rows.nth(0).innerText(), /RS384: \[RS384\] is not in allowed_signature_algorithms\./);
    assert.equal(await rows.nth(1).getByTestId('usable-for').innerText(), 'ES256');
    assert.match(
      await rows.nth(1).innerText(),
      /ES384: EC JWK curve \[P-256\] does not match algorithm \[ES384\], which needs \[P-384\]\./,
    );
    assert.equal(await rows.nth(2).getByTestId('usable-for').innerText(), 'nothing');
    assert.match(await rows.nth(2).innerText(), /Dropped at load: JWK use \[enc\] is not \[sig\]\./);
    // The path was filled in for the pasted set, so the realm reads it.
    assert.equal(await field('pkc_jwkset_path').inputValue(), 'jwt_pkc-jwkset.json');
    // A PEM public key becomes one more JWK of the set.
    await page.getByText('Add a key from a PEM public key or certificate').click();
    await page.getByLabel('PEM', { exact: true }).fill(RSA_PEM);
    await page.getByLabel('kid (optional)').fill('from-pem');
    await page.getByRole('button', { name: 'Convert and add to the set' }).click();
    await rows.nth(3).waitFor();
    assert.match(await rows.nth(3).innerText(), /from-pem\s+RSA\s+2048 bits/);
    assert.equal(await rows.nth(3).getByTestId('usable-for').innerText(), 'RS256');
    assert.match(await page.getByLabel('PKC JWK set').inputValue(), /"kid": "from-pem"/);
  });

  test('a JWK set can be loaded from a file, and an oversized file is refused', async () => {
    await page.goto('/realms/new');
    await hydrated(page);
    await page.getByLabel('Realm name').fill('from_file');
    await page.getByLabel('…or load it from a file').setInputFiles({
      name: 'jwks.json', mimeType: 'application/json', buffer: Buffer.from(JWKS),
    });
    await page.getByTestId('key-row').nth(2).waitFor();
    assert.equal(await page.getByLabel('PKC JWK set').inputValue(), JWKS);
    await page.getByLabel('…or load it from a file').setInputFiles({
      name: 'huge.json', mimeType: 'application/json', buffer: Buffer.alloc(300 * 1024, 0x20),
    });
    await page.getByText('the file is 307200 bytes; a JWK set of at most 262144 bytes is accepted').waitFor();
    assert.equal(await page.getByLabel('PKC JWK set').inputValue(), JWKS, 'the set is kept');
  });

  test('build a role mapping visually, see its JSON, test it against two identities, save', async () => {
    await page.goto('/role-mappings/new');
    await hydrated(page);
    await page.getByLabel('Mapping name').fill('jwt8-admins');
    await page.getByLabel('Roles', { exact: true }).fill('superuser');
    // The new mapping starts as all: [realm.name = ""]; fill it and add a group condition.
    await page.getByLabel('Values at 0').fill('jwt8');
    await page.getByRole('button', { name: 'Add field to root' }).click();
    await page.getByLabel('Field at 1').fill('groups');
    await page.getByLabel('Values at 1').fill('admins');
    const json = page.locator('#mapping-rules-json');
    await page.waitForFunction(() => document.querySelector('#mapping-rules-json').value.includes('"groups": "admins"'));
    assert.deepEqual(JSON.parse(await json.inputValue()), {
      all: [{ field: { 'realm.name': 'jwt8' } }, { field: { groups: 'admins' } }],
    });
    await page.getByTestId('mapping-warnings').getByText('grants superuser').waitFor();
    // An empty value list is Elasticsearch's parse error, shown on that node.
    await page.getByLabel('Values at 1').fill('');
    await page.locator('[data-path="1"]').getByText('null or empty values ([])').waitFor();
    await page.getByLabel('Values at 1').fill('admins');
    await page.locator('[data-path="1"]').getByText('null or empty values').waitFor({ state: 'detached' });

    // Two sample identities.
    for (const [username, groups] of [['alice', 'Admins, ops'], ['bob', 'users']]) {
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Groups').fill(groups);
      await page.getByLabel('Realm', { exact: true }).fill('jwt8');
      await page.getByRole('button', { name: 'Add identity' }).click();
      await page.locator(`[data-testid="identity-test"][data-identity="${username}"]`).waitFor();
    }
    const alice = page.locator('[data-testid="identity-test"][data-identity="alice"]');
    const bob = page.locator('[data-testid="identity-test"][data-identity="bob"]');
    assert.equal(await alice.getByTestId('roles-before').innerText(), '');
    assert.match(await alice.getByTestId('roles-after').innerText(), /^superuser\s*\+superuser$/);
    assert.equal(await bob.getByTestId('roles-after').innerText(), '');
    // Editing the JSON updates the builder and the test.
    await json.fill(JSON.stringify({ all: [{ field: { 'realm.name': 'jwt8' } }, { field: { groups: 'nobody' } }] }));
    await page.getByTestId('never-matches').waitFor();
    assert.equal(await page.getByLabel('Values at 1').inputValue(), 'nobody');
    await page.getByLabel('Values at 1').fill('admins');
    await page.getByTestId('never-matches').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Save role mapping' }).click();
    await page.waitForURL('**/role-mappings/jwt8-admins?saved=1');
    await hydrated(page);
    await page.goto('/role-mappings');
    await hydrated(page);
    const row = page.getByTestId('mapping-row').filter({ hasText: 'jwt8-admins' });
    await row.waitFor();
    assert.match(await row.innerText(), /superuser/);
    // The enabled switch saves at once.
    const saved = page.waitForResponse((r) => r.url().includes('/api/fn/put_resource'));
    await row.getByRole('checkbox', { name: 'Enable jwt8-admins' }).uncheck();
    assert.equal((await saved).status(), 200);
    await page.reload();
    await hydrated(page);
    const stored = await (await page.request.get('/api/v1/role-mappings/jwt8-admins')).json();
    assert.equal(stored.body.enabled, false, JSON.stringify(stored));
    assert.equal(await page.getByRole('checkbox', { name: 'Enable jwt8-admins' }).isChecked(), false);
  });

  test("edit a role's run_as and add its native user", async () => {
    await page.goto('/roles-users');
    await hydrated(page);
    await page.getByRole('link', { name: 'New role' }).click();
    await page.waitForURL('**/roles-users?new=role');
    await hydrated(page);
    await page.getByLabel('Role name').fill('jwt_runner');
    await page.getByLabel('run_as').fill('user123_runas');
    await page.getByRole('button', { name: 'Save role' }).click();
    const runAs = page.getByTestId('role-row').filter({ hasText: 'jwt_runner' }).getByTestId('role-run-as');
    await runAs.waitFor();
    assert.equal(await runAs.innerText(), 'user123_runas');
    await hydrated(page);
    await page.getByRole('link', { name: 'jwt_runner' }).click();
    await page.waitForURL('**/roles-users?role=jwt_runner');
    await hydrated(page);
    await page.getByLabel('run_as').fill('user123_*');
    await page.getByRole('button', { name: 'Save role' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="role-run-as"]')].some((e) => e.textContent === 'user123_*'));

    await hydrated(page);
    await page.getByRole('link', { name: 'New user' }).click();
    await page.waitForURL('**/roles-users?new=user');
    await hydrated(page);
    await page.getByLabel('Username').fill('user123_runas');
    await page.getByRole('textbox', { name: 'Roles' }).fill('viewer');
    await page.getByLabel('Password').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Save user' }).click();
    const user = page.getByTestId('user-row').filter({ hasText: 'user123_runas' });
    await user.waitFor();
    assert.match(await user.innerText(), /viewer\s+set · changed/);

    // Deleting takes two steps; the first click alone deletes nothing.
    await hydrated(page);
    await page.getByRole('link', { name: 'jwt_runner' }).click();
    await page.waitForURL('**/roles-users?role=jwt_runner');
    await hydrated(page);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByTestId('role-row').filter({ hasText: 'jwt_runner' }).count(), 1);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.waitForURL((url) => url.pathname === '/roles-users' && url.search === '');
    await hydrated(page);
    assert.equal(await page.getByTestId('role-row').filter({ hasText: 'jwt_runner' }).count(), 0);
  });

  test('no secret ever reaches the browser again', async () => {
    for (const path of ['/realms', '/realms/jwt8', '/roles-users', '/roles-users?user=user123_runas', '/audit']) {
      await page.goto(path);
      await hydrated(page);
    }
    // Direct API and server-function reads too.
    for (const path of ['/api/v1/realms', '/api/v1/users', '/api/fn/list_resources?kind=realm', '/api/fn/list_resources?kind=user']) {
      const response = await page.request.get(path);
      assert.equal(response.status(), 200, path);
      responses.push({ url: path, body: await response.text() });
    }
    assert.ok(responses.length > 10, `scanned ${responses.length} responses`);
    // Responses to the requests that sent a secret echo nothing back either.
    for (const { url, body } of responses) {
      for (const secret of [HMAC_KEY, SHARED_SECRET, USER_PASSWORD]) {
        assert.ok(!body.includes(secret), `${url} contains a secret`);
      }
    }
  });

  test('no errors in the browser console', () => {
    assert.deepEqual(consoleErrors, []);
  });
});

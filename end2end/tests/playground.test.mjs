// Browser tests of the token playground against the real server: decoding in the browser with
// no request, validation on the server (docs vectors, a tampered signature, an expired token,
// run_as allowed and denied), and the generate-then-validate round trip.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ADMIN_PASSWORD, hydrated, openConsoleAt } from '../support.mjs';

const VECTORS = resolve(import.meta.dirname, '../../../shared/vectors');
const readVector = (name, fallback) => {
  try { return JSON.parse(readFileSync(resolve(VECTORS, name), 'utf8')); } catch { return fallback; }
};
// The Elastic docs HS256 example (shared/vectors/elastic-docs-hs256.json), with a copy here
// for checkouts without ../shared.
const DOCS = readVector('elastic-docs-hs256.json', {
  headers: {
    Authorization: 'Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJpc3M4IiwiYXVkIjoiYXVkOCIsInN1YiI6InNlY3VyaXR5X3Rlc3RfdXNlciIsImV4cCI6NDA3MDkwODgwMCwiaWF0Ijo5NDY2ODQ4MDB9.UnnFmsoFKfNmKMsVoDQmKI_3-j95PCaKdgqqau3jPMY',
    'ES-Client-Authentication': 'SharedSecret client-shared-secret-string',
  },
});
const DOCS_TOKEN = DOCS.headers.Authorization.replace(/^Bearer /, '');
const DOCS_CLIENT = DOCS.headers['ES-Client-Authentication'];
const HMAC_KEY = 'hmac-oidc-key-string-for-hs256-algorithm';
const RUN_AS = readVector('elastic-docs-run-as.json', {
  token: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJhdWQiOlsiZXMwMSIsImVzMDIiLCJlczAzIl0sInN1YiI6InVzZXIyIiwiaXNzIjoibXktaXNzdWVyIiwiZXhwIjo0MDcwOTA4ODAwLCJpYXQiOjk0NjY4NDgwMCwiZW1haWwiOiJ1c2VyMkBzb21ldGhpbmcuZXhhbXBsZS5jb20ifQ.UgO_9w--EoRyUKcWM5xh9SimTfMzl1aVu6ZBsRWhxQA',
  hmac_key: 'test-HMAC/secret passphrase-value',
});

describe('token playground', () => {
  let opened;
  let page;
  let consoleErrors;
  let responses;

  before(async () => {
    opened = await openConsoleAt('/playground');
    ({ page, consoleErrors, responses } = opened);
    // The realms, role, user and mapping of the two docs examples, through the JSON API.
    const csrf = await page.locator('meta[name=csrf-token]').getAttribute('content');
    const put = async (path, data) => {
      const response = await page.request.put(path, { data, headers: { 'x-csrf-token': csrf } });
      assert.equal(response.status(), 201, `${path}: ${await response.text()}`);
    };
    await put('/api/v1/realms/native1', { type: 'native', settings: { order: 0 } });
    await put('/api/v1/realms/jwt2', {
      type: 'jwt',
      settings: {
        order: 2, allowed_issuer: 'my-issuer', allowed_audiences: ['es01'],
        allowed_signature_algorithms: ['HS256'], 'claims.principal': 'sub', 'claims.mail': 'email',
      },
      secure_settings: { hmac_key: RUN_AS.hmac_key, 'client_authentication.shared_secret': 'test-secret' },
    });
    await put('/api/v1/realms/jwt8', {
      type: 'jwt',
      settings: {
        order: 8, allowed_issuer: 'iss8', allowed_audiences: ['aud8'],
        allowed_signature_algorithms: ['HS256'], 'claims.principal': 'sub',
      },
      secure_settings: { hmac_key: HMAC_KEY, 'client_authentication.shared_secret': 'client-shared-secret-string' },
    });
    await put('/api/v1/roles/jwt_role1', { cluster: ['manage'], run_as: ['user123_runas'] });
    await put('/api/v1/users/user123_runas', { roles: ['viewer'], full_name: 'Run As', password: 'run-as-user-password' });
    await put('/api/v1/role-mappings/jwt_user1', {
      roles: ['jwt_role1'], enabled: true,
      rules: { all: [{ field: { 'realm.name': 'jwt2' } }, { field: { username: 'user2' } }] },
    });
    await page.reload();
    await hydrated(page);
  });

  after(async () => {
    await opened?.close();
  });

  const tokenInput = () => page.getByTestId('token-input');
  // Validates and waits until the page shows this answer (each answer is drawn with its run
  // number), never the previous one still on screen.
  const validate = async () => {
    const result = page.getByTestId('validation-result');
    const run = Number((await result.count()) ? await result.getAttribute('data-run') : 0);
    const answered = page.waitForResponse((r) => r.url().includes('/api/fn/validate_token'));
    await page.getByTestId('validate').click();
    assert.equal((await answered).status(), 200);
    await page.locator(`[data-testid=validation-result][data-run="${run + 1}"]`).waitFor();
  };
  const step = (realm, name) => page.locator(`[data-testid=trace-realm][data-realm="${realm}"] [data-step="${name}"]`);

  test('the docs token decodes as it is pasted, without a request', async () => {
    const requests = [];
    const record = (r) => requests.push(r.url());
    page.on('request', record);
    await tokenInput().fill(DOCS_TOKEN);
    const claims = page.getByTestId('claims');
    await claims.locator('[data-claim=sub]').getByText('"security_test_user"').waitFor();
    await claims.locator('[data-claim=exp]').getByText('2099-01-01 00:00:00 UTC · expires in').waitFor();
    await claims.locator('[data-claim=iat]').getByText('2000-01-01 00:00:00 UTC · issued').waitFor();
    assert.match(await page.getByTestId('decoded').innerText(), /"alg": "HS256"/);
    await page.getByTestId('decode-warnings').getByText('very long lifetime').waitFor();
    // The times as a picture: iat and exp on one axis with now inside the accepted window.
    const timeline = page.getByTestId('token-timeline');
    assert.equal(await timeline.getAttribute('data-verdict'), 'within');
    assert.deepEqual(
      await timeline.getByTestId('timeline-mark').evaluateAll((gs) => gs.map((g) => g.dataset.label)),
      ['iat', 'exp'],
    );
    assert.match(
      await page.locator('#timeline-desc').textContent(),
      /iat 2000-01-01 00:00:00 UTC, exp 2099-01-01 00:00:00 UTC; .*allowed clock skew 60 s/,
    );
    await timeline.getByText("realm [jwt2]'s allowed clock skew (60 s)").waitFor();
    page.off('request', record);
    assert.deepEqual(requests, [], 'decoding must not reach the server');
  });

  test('validate: the docs token authenticates as security_test_user', async () => {
    await page.getByLabel('ES-Client-Authentication (optional)').fill(DOCS_CLIENT);
    await validate();
    const banner = page.getByTestId('verdict-banner');
    await banner.getByText('✓ Authenticated as [security_test_user] by realm [jwt8]').waitFor();
    // jwt2 comes first in the chain and declines at the client secret.
    assert.equal(await step('jwt2', 'client_authentication').getAttribute('data-outcome'), 'failed');
    assert.equal(await step('jwt8', 'signature').getAttribute('data-outcome'), 'passed');
    // Where Elasticsearch reads its JWT cache: shown, never a hit for a first presentation.
    const cache = step('jwt8', 'cache');
    assert.equal(await cache.getAttribute('data-outcome'), 'skipped');
    assert.match(await cache.innerText(), /jwt\.cache\.ttl \[20m\]/);
    assert.equal(await step('jwt2', 'cache').count(), 0, 'a refused client never reaches the cache');
    // The chain Elasticsearch runs: default_file (no file realm is configured) and native1 read
    // Basic credentials and pass the token by; native1 keeps default_native out.
    assert.equal(await step('default_file', 'credentials').getAttribute('data-outcome'), 'skipped');
    assert.equal(await step('native1', 'credentials').getAttribute('data-outcome'), 'skipped');
    assert.equal(await page.locator('[data-testid=trace-realm][data-realm="default_native"]').count(), 0);
    const body = JSON.parse(await page.getByTestId('authenticate-json').innerText());
    assert.equal(body.username, 'security_test_user');
    assert.deepEqual(body.authentication_realm, { name: 'jwt8', type: 'jwt' });
    await page.getByRole('button', { name: 'Save for the role-mapping tester' }).click();
    await page.getByTestId('identity-saved').getByText('Saved as [security_test_user-from-token]').waitFor();
  });

  test('one changed character fails the signature step with Elasticsearch\'s message', async () => {
    const last = DOCS_TOKEN.at(-1);
    await tokenInput().fill(DOCS_TOKEN.slice(0, -1) + (last === 'Y' ? 'Z' : 'Y'));
    await validate();
    await page.getByTestId('verdict-banner').getByText('✗ 401 Unauthorized: unable to authenticate user').waitFor();
    const signature = step('jwt8', 'signature');
    assert.equal(await signature.getAttribute('data-outcome'), 'failed');
    await signature.getByText('.<redacted-signature>] signature verification failed.').waitFor();
    const edit = signature.getByRole('link', { name: 'Edit hmac_key' });
    assert.equal(await edit.getAttribute('href'), '/realms/jwt8#setting-hmac_key');
  });

  test('an expired token fails the exp step, and the page says how long ago', async () => {
    await tokenInput().fill(DOCS_TOKEN);
    const evaluateAt = page.getByLabel('Evaluate at (UTC, optional)');
    await evaluateAt.fill('2099-01-03T00:00');
    try {
      await page.getByTestId('claims').locator('[data-claim=exp]').getByText('expired 2 days ago').waitFor();
      await page.locator('[data-testid=token-timeline][data-verdict=expired] figcaption')
        .getByText('Now is expired: past exp plus the allowed clock skew.').waitFor();
      await validate();
      const exp = step('jwt8', 'exp');
      assert.equal(await exp.getAttribute('data-outcome'), 'failed');
      await exp.getByText('date claim [exp] value [4070908800000] must be after now [4071081600000]').waitFor();
    } finally {
      // The later tests evaluate now, whatever happened here.
      await evaluateAt.fill('');
    }
  });

  test('run_as: allowed to the role\'s pattern, denied otherwise', async () => {
    await tokenInput().fill(RUN_AS.token);
    await page.getByLabel('ES-Client-Authentication (optional)').fill('sharedsecret test-secret');
    await page.getByLabel('Run as (optional)').fill('user123_runas');
    await validate();
    await page.getByTestId('verdict-banner')
      .getByText('✓ Authenticated as [user123_runas] by realm [jwt2], running as a user of realm [native1]').waitFor();
    assert.equal(await step('jwt2', 'run_as').getAttribute('data-outcome'), 'passed');
    await page.getByTestId('token-user').getByText('user2', { exact: true }).waitFor();

    await page.getByLabel('Run as (optional)').fill('someone_else');
    await validate();
    await page.getByTestId('verdict-banner').getByText('✗ 403 Forbidden: action [cluster:admin/xpack/security/user/authenticate] is unauthorized for user [user2]').waitFor();
    const runAs = step('jwt2', 'run_as');
    assert.equal(await runAs.getAttribute('data-outcome'), 'failed');
    await runAs.getByText('is unauthorized to run as [someone_else]').waitFor();
    await page.getByLabel('Run as (optional)').fill('');
  });

  test('generate a token with the realm\'s HMAC key, then validate it', async () => {
    await page.getByLabel('Realm', { exact: true }).selectOption('jwt8');
    const claims = JSON.parse(await page.getByLabel('Claims (JSON)').inputValue());
    assert.equal(claims.iss, 'iss8');
    assert.equal(claims.aud, 'aud8');
    // The realm's own HMAC key signs tokens the live cluster accepts: the page says so and
    // asks for the console password first.
    await page.getByTestId('live-key-notice').waitFor();
    await page.getByTestId('generate').click();
    await page.getByText('re-enter your console password').waitFor();
    await page.getByLabel('Console password').fill(ADMIN_PASSWORD);
    await page.getByTestId('generate').click();
    await page.getByTestId('generated-token').waitFor();
    await page.getByTestId('use-token').click();
    await page.getByTestId('claims').locator('[data-claim=sub]').getByText('"test_user"').waitFor();
    await page.getByLabel('ES-Client-Authentication (optional)').fill(DOCS_CLIENT);
    await validate();
    await page.getByTestId('verdict-banner').getByText('✓ Authenticated as [test_user] by realm [jwt8]').waitFor();
  });

  test('no secret reached the browser and nothing failed', async () => {
    for (const { url, body } of responses) {
      assert.ok(!body.includes(HMAC_KEY), `${url} carries the HMAC key`);
      assert.ok(!body.includes(RUN_AS.hmac_key), `${url} carries the run_as realm's HMAC key`);
    }
    // The first generate with the realm's own key is refused (403) until the password is
    // re-entered, by design; the browser logs that resource error. Nothing else may fail.
    const unexpected = consoleErrors.filter((e) => !/status of 403/.test(e));
    assert.deepEqual(unexpected, []);
    assert.equal(consoleErrors.length, 1, 'exactly the one step-up refusal');
  });
});

// Browser tests of trust management: a deployment made in the UI and chosen in the top-bar
// switcher, an environment with specific cluster IDs (one invalid → its error, then saved), and
// a remote cluster on the API-key model with strong identity verification.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { clickAndReload, hydrated, openConsoleAt } from '../support.mjs';

const FIXTURES = resolve(import.meta.dirname, '../../tests/fixtures/certs');
const read = (name) => readFileSync(resolve(FIXTURES, name), 'utf8');
const ID_A = 'cf659f7fe6164d9691b284ae36811be1';
const ID_B = 'ec38dd0aa45f4a69909ca5c81c27138a';
const KEYSTORE_PASSWORD = 'keystore-password-in-the-browser-test';
const CREDENTIALS = 'aWQ6YnJvd3Nlci10ZXN0LWFwaS1rZXk=';
const NODE_KEY = read('cloud-node.key');

describe('trust management', () => {
  let opened;
  let page;
  let consoleErrors;
  let responses;

  before(async () => {
    opened = await openConsoleAt('/deployments');
    ({ page, consoleErrors, responses } = opened);
    // The remote side, made through the JSON API: it verifies signatures with the test CA.
    const csrf = await page.locator('meta[name=csrf-token]').getAttribute('content');
    const response = await page.request.put('/api/v1/deployments/cloud-b', {
      data: {
        kind: 'elastic_cloud', cluster_id: ID_B, scope_id: '803289842', stack_version: '9.3',
        remote_signing: { certificate_authorities: ['signing-ca.crt'], ca_pem: read('ca.pem') },
      },
      headers: { 'x-csrf-token': csrf },
    });
    assert.equal(response.status(), 201, await response.text());
  });

  after(async () => {
    await opened?.close();
  });

  const go = async (path) => {
    await page.goto(path);
    await hydrated(page);
  };

  test('a deployment made in the UI becomes the one the console works on', async () => {
    await go('/deployments?new=1');
    await page.getByLabel('Name', { exact: true }).fill('cloud-a');
    await page.getByLabel('Runs on').selectOption('elastic_cloud');
    const clusterId = page.getByLabel('Elasticsearch cluster ID');
    await clusterId.fill(ID_A.toUpperCase());
    await page.locator('[data-error-for=cluster_id]').getByText('has uppercase letters').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save deployment' }).isDisabled(), true);
    await clusterId.fill(ID_A);
    await page.getByLabel('Organization / environment ID').fill('803289842');
    await clickAndReload(page, page.getByRole('button', { name: 'Save deployment' }));
    assert.match(page.url(), /saved=1/);
    await page.getByRole('status').getByText('Saved.').waitFor();
    assert.equal(await page.getByTestId('deployment-row').count(), 3);

    const switched = page.waitForEvent('load');
    await page.getByLabel('Deployment', { exact: true }).selectOption('cloud-a');
    await switched;
    await hydrated(page);
    assert.equal(await page.getByLabel('Deployment', { exact: true }).inputValue(), 'cloud-a');
    await page.locator('[data-testid=deployment-row]', { hasText: 'cloud-a' }).getByText('current').waitFor();
  });

  test('an environment with specific cluster IDs: the invalid one is named, then it saves', async () => {
    await go('/environments?new=1');
    await page.getByLabel('Name', { exact: true }).fill('same org');
    await page.getByLabel('Trust level').selectOption('specific');
    const ids = page.getByLabel('Trusted cluster IDs (one per line)');
    await ids.fill(`${ID_B}\nnot-a-cluster-id`);
    await page
      .locator('[data-error-for=cluster_ids]')
      .getByText('cluster_ids[1]: [not-a-cluster-id] is not a cluster ID: expected 32 lowercase hexadecimal characters')
      .waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save environment' }).isDisabled(), true);
    await ids.fill(ID_B);
    await clickAndReload(page, page.getByRole('button', { name: 'Save environment' }));
    assert.match(page.url(), /saved=1/);
    const row = page.getByTestId('environment-row');
    await row.getByText('trusts 1 cluster IDs').waitFor();
    await row.getByText('managed deployments trusted: cloud-b').waitFor();
    // cloud-b does not trust cloud-a back: one-way, in the list and in the graph.
    await row.getByText('[cloud-a] trusts [cloud-b], but [cloud-b] does not trust [cloud-a] back').waitFor();
    await page.getByTestId('trust-edge').getByText('one way only').waitFor();
    // The picture: cloud-a → cloud-b, dashed one way, drawn before hydration.
    const link = page.getByTestId('trust-graph-picture').getByTestId('trust-link');
    assert.deepEqual(
      await link.evaluateAll((gs) => gs.map((g) => [g.dataset.from, g.dataset.to, g.dataset.mutual])),
      [['cloud-a', 'cloud-b', 'false']],
    );
    await page.getByTestId('one-way-count').getByText('1 one-way trust').waitFor();
    assert.match(await page.locator('#trust-graph-desc').textContent(), /cloud-a trusts cloud-b \(one way/);
    const cold = await page.context().newPage();
    await cold.route('**/*.wasm', (route) => route.abort());
    await cold.goto('/environments');
    await cold.getByTestId('trust-graph-picture').locator('[data-testid=trust-node][data-name="cloud-b"]').waitFor();
    assert.equal(await cold.locator('html[data-hydrated="true"]').count(), 0, 'the page did not hydrate');
    await cold.close();
    const payload = JSON.parse(await page.getByTestId('trust-payload').innerText());
    assert.deepEqual(payload.trust.accounts, [{ account_id: '803289842', trust_all: false, trust_allowlist: [ID_B] }]);
  });

  test('a remote cluster on the API-key model with strong identity verification', async () => {
    await go('/remote-clusters?new=1');
    await page.getByLabel('Alias', { exact: true }).fill('cloud_b');
    await page.getByLabel('Proxy address or seeds (host:port, one per line)').fill('b.example.com:9300');
    await page.getByLabel('Remote deployment (managed here)').selectOption('cloud-b');
    await page.getByLabel('POST /_security/cross_cluster/api_key body (JSON)').fill(
      JSON.stringify({ name: 'a-to-b', access: { search: [{ names: ['logs-*'] }] } }, null, 2),
    );
    await page.getByLabel('cluster.remote.<alias>.credentials (the key\'s encoded value)').fill(CREDENTIALS);
    await page.getByLabel('Sign cross-cluster requests with').selectOption('pem');
    await page.getByLabel('Signing certificate (PEM)').fill(read('cloud-node.pem'));
    await page.getByLabel('Signing key (PEM)').fill(NODE_KEY);
    await page.getByLabel('certificate_identity on the API key (Java regex, whole DN)').fill(
      String.raw`CN=[^,]+\.node\.cf659f7fe6164d9691b284ae36811be1\.cluster\.803289842`,
    );
    await clickAndReload(page, page.getByRole('button', { name: 'Save remote cluster' }));
    assert.match(page.url(), /saved=1/);

    // Port 9300 is the transport port: the API-key model connects to 9443.
    const remote = page.getByTestId('remote-row');
    await remote.getByText('port 9300 is the transport port').waitFor();
    await remote.getByText('strong identity: pem').waitFor();
    await page.getByLabel('Proxy address or seeds (host:port, one per line)').fill('b.example.com:9443');
    await clickAndReload(page, page.getByRole('button', { name: 'Save remote cluster' }));
    assert.match(page.url(), /saved=1/);
    await page.locator('#remote-diagnostics').waitFor({ state: 'attached' });
    assert.equal(await page.locator('[data-testid=remote-row] [data-severity]').count(), 0,
      await page.getByTestId('remote-row').innerText());
    // The secrets show as set, never as their values.
    assert.equal(await page.getByTestId('secret-state').count(), 2);

    await remote.getByText('What to configure').click();
    const settings = await page.getByTestId('remote-settings').innerText();
    assert.match(settings, /cluster\.remote\.cloud_b\.signing\.certificate: "remote-signing\/cloud_b\.crt"/);
    assert.match(settings, /cluster\.remote\.cloud_b\.proxy_address: "b\.example\.com:9443"/);
    assert.match(await page.getByTestId('api-key-request').innerText(), /"certificate_identity": "CN=\[\^,\]\+/);

    // A pattern the certificate's DN does not match fully is an error on the key.
    await page.getByLabel('certificate_identity on the API key (Java regex, whole DN)').fill('CN=i1');
    await clickAndReload(page, page.getByRole('button', { name: 'Save remote cluster' }));
    assert.match(page.url(), /saved=1/);
    await page.getByTestId('remote-row').getByText('does not match the signing certificate\'s subject DN').waitFor();
  });

  test('keystore signing: several key entries need an alias, as Elasticsearch says', async () => {
    await page.getByLabel('Sign cross-cluster requests with').selectOption('keystore');
    await page.getByLabel('signing.keystore.path').fill('certs/signing.p12');
    await page.getByLabel('Private-key entries in the keystore (keytool -list), one per line').fill('node-1\nnode-2');
    await page.getByLabel('signing.keystore.secure_password').fill(KEYSTORE_PASSWORD);
    await clickAndReload(page, page.getByRole('button', { name: 'Save remote cluster' }));
    assert.match(page.url(), /saved=1/);
    const remote = page.getByTestId('remote-row');
    await remote.getByText('has multiple signing keys [node-1, node-2] but no alias has been specified').waitFor();
    await page.getByLabel('signing.keystore.alias').fill('node-2');
    await clickAndReload(page, page.getByRole('button', { name: 'Save remote cluster' }));
    assert.match(page.url(), /saved=1/);
    await page.locator('#remote-diagnostics').waitFor({ state: 'attached' });
    assert.equal(await remote.getByText('has multiple signing keys').count(), 0, await remote.innerText());
    await remote.getByText('What to configure').click();
    assert.match(await page.getByTestId('remote-settings').innerText(), /cluster\.remote\.cloud_b\.signing\.keystore\.alias: "node-2"/);
  });

  test('no secret reached the browser and nothing failed', async () => {
    const keyLine = NODE_KEY.split('\n')[1];
    for (const { url, body } of responses) {
      assert.ok(!body.includes(KEYSTORE_PASSWORD), `${url} carries the keystore password`);
      assert.ok(!body.includes(CREDENTIALS), `${url} carries the credentials`);
      assert.ok(!body.includes(keyLine), `${url} carries the signing key`);
    }
    assert.deepEqual(consoleErrors, []);
  });
});

// Browser test of the certificate workbench: paste a certificate and its CA, test a matching and
// a non-matching certificate_identity pattern, and check nothing is sent while doing so.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { openConsoleAt } from '../support.mjs';

const FIXTURES = resolve(import.meta.dirname, '../../tests/fixtures/certs');
const read = (name) => readFileSync(resolve(FIXTURES, name), 'utf8');
const JAVA = JSON.parse(read('expected.json'));

describe('certificate workbench', () => {
  let opened;
  let page;
  let consoleErrors;

  before(async () => {
    opened = await openConsoleAt('/certificates');
    ({ page, consoleErrors } = opened);
  });

  after(async () => {
    await opened?.close();
  });

  const result = (id) => page.getByTestId(id).getAttribute('data-result');

  test('a pasted certificate shows its DN as Java prints it; patterns match or not', async () => {
    const requests = [];
    // What the page requests meanwhile: only the checks' own code (GET /pkg/…wasm) may be
    // fetched; nothing pasted may leave the browser.
    const record = (r) => {
      const url = new URL(r.url());
      if (!(r.method() === 'GET' && /^\/pkg\/.*\.wasm$/.test(url.pathname) && url.search === '')) {
        requests.push(`${r.method()} ${r.url()}`);
      }
    };
    page.on('request', record);
    await page.getByLabel('Certificate (PEM, leaf first)').fill(read('cloud-node.pem'));
    await page.getByLabel('Trusted CA certificates (optional)').fill(read('ca.pem'));
    await page.getByLabel('Private key (optional, to check it belongs to the certificate)').fill(read('cloud-node.key'));
    await page.getByTestId('subject-dn').getByText(JAVA['cloud-node.pem'].subject, { exact: true }).waitFor();
    // The checks answer asynchronously (their code is a chunk fetched at the first paste): wait
    // for the answer to the last input, the key.
    await page.locator('[data-testid=key-result][data-result=yes]').waitFor();
    assert.equal(await result('chain-result'), 'yes');
    assert.equal(await result('time-result'), 'yes');
    // The chain as a picture: the node certificate, then the given CA that issued it, each
    // with its validity bar; now inside both.
    const picture = page.getByTestId('cert-chain-picture');
    const certs = picture.getByTestId('chain-cert');
    assert.deepEqual(
      await certs.evaluateAll((gs) => gs.map((g) => [g.dataset.subject, g.dataset.standing])),
      [[JAVA['cloud-node.pem'].subject, 'valid'], [JAVA['ca.pem'].subject, 'valid']],
    );
    await certs.nth(1).getByText('self-signed').waitFor();
    assert.match(
      await page.locator('#cert-chain-desc').textContent(),
      /^Certificate chain at .*: CN=i1\.node\..* valid .*, valid; issued by CN=Test CA,O=Trust Console Tests,C=US \(given CA\) valid .*The last one is self-signed\.$/,
    );
    // Evaluated after the end of both: both bars turn expired and now moves past them.
    await page.getByLabel('Evaluate at (UTC, optional)').fill('2127-01-01T00:00');
    await page.locator('[data-testid=time-result][data-result=no]').waitFor();
    await page.locator('[data-testid=chain-cert][data-standing=expired]').nth(1).waitFor();
    await page.getByLabel('Evaluate at (UTC, optional)').fill('');
    await page.locator('[data-testid=time-result][data-result=yes]').waitFor();

    const pattern = page.getByLabel('certificate_identity pattern');
    await pattern.fill('CN=i1');
    await page.locator('[data-testid=pattern-result][data-result=no]').waitFor();
    await page.getByTestId('cert-findings').getByText('does not match the whole subject DN').waitFor();

    await pattern.fill('CN=.*.node.cf659f7fe6164d9691b284ae36811be1.cluster.*');
    await page.locator('[data-testid=pattern-result][data-result=yes]').waitFor();
    await page.getByTestId('cert-findings').getByText('an unescaped [.] matches any character').waitFor();

    await page.getByRole('button', { name: 'Use it' }).click();
    assert.equal(await pattern.inputValue(), String.raw`CN=[^,]+\.node\.cf659f7fe6164d9691b284ae36811be1\.cluster\.803289842`);
    await page.locator('[data-testid=pattern-result][data-result=yes]').waitFor();

    // A certificate another CA issued.
    await page.getByLabel('Certificate (PEM, leaf first)').fill(read('stranger.pem'));
    await page.locator('[data-testid=chain-result][data-result=no]').waitFor();
    await page.locator('[data-testid=key-result][data-result=no]').waitFor();
    // Its issuer is in neither input: the picture says so.
    await picture.getByTestId('chain-missing-issuer').getByText('issuer not given: CN=Other CA').waitFor();
    page.off('request', record);
    assert.deepEqual(requests, [], 'the workbench must not send what is pasted');
    assert.deepEqual(consoleErrors, []);
  });
});

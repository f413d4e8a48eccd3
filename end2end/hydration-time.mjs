// Time to interactive for the login page in headless Chromium, next to a static HTML baseline
// measured in the same run: `node end2end/hydration-time.mjs [rounds]` after scripts/build.
//
// - cold: a new browser context (empty cache) opens /login; the time runs from navigation start
//   until the client has hydrated (`html[data-hydrated=true]`, recorded in the page by a
//   mutation observer, not by polling);
// - warm: the same context opens /login again (the content-addressed client comes from the
//   cache, so this is compile and hydration only);
// - static: the same login HTML with every script and preload removed, served at the same
//   origin; the time runs until its load event.
// Medians over the rounds are printed, each as a ratio to the static baseline.
import { launchBrowser, startConsole } from './support.mjs';

const rounds = Number(process.argv[2] ?? 5);

/** Records when the page's <html> gets data-hydrated=true, in performance.now() milliseconds. */
function recordHydration() {
  const observer = new MutationObserver(() => {
    if (document.documentElement.dataset.hydrated === 'true') {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
}

async function hydratedAt(page, path) {
  await page.goto(path);
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 60_000 });
  return page.evaluate(() => window.__hydratedAt);
}

async function loadedAt(page, path) {
  await page.goto(path, { waitUntil: 'load' });
  return page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const server = await startConsole();
const browser = await launchBrowser();
try {
  const page0 = await browser.newPage({ baseURL: server.base });
  const html = await (await page0.request.get('/login')).text();
  await page0.close();
  const staticHtml = html
    .replace(/<script\b[\s\S]*?<\/script>/g, '')
    .replace(/<link rel="(modulepreload|preload)"[^>]*>/g, '');

  const cold = [];
  const warm = [];
  const plain = [];
  for (let i = 0; i < rounds; i += 1) {
    // Each in a new context, so neither finds the other's downloads in its cache.
    const staticContext = await browser.newContext({ baseURL: server.base });
    await staticContext.route('**/static-login', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: staticHtml }));
    plain.push(await loadedAt(await staticContext.newPage(), '/static-login'));
    await staticContext.close();
    const context = await browser.newContext({ baseURL: server.base });
    await context.addInitScript(recordHydration);
    const page = await context.newPage();
    cold.push(await hydratedAt(page, '/login'));
    warm.push(await hydratedAt(page, '/login'));
    await context.close();
  }
  const base = median(plain);
  const line = (label, values) =>
    `${label.padEnd(34)} ${median(values).toFixed(0).padStart(6)} ms  (${(median(values) / base).toFixed(1)}× static)`;
  console.log(`login page in headless Chromium, median of ${rounds} rounds, loopback:`);
  console.log(line('static HTML, no scripts (baseline)', plain));
  console.log(line('hydrated, cold cache', cold));
  console.log(line('hydrated, warm cache', warm));
} finally {
  await browser.close();
  await server.stop();
}

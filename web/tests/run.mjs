// End-to-end tests of the Nimbus release build in headless Chromium, served under a sub-path the
// way GitHub Pages serves a project site (unknown paths get 404.html with status 404).
// Run by `cargo xtask test`; prints one line per test and a final "N passed, N failed" line.
//
//   node web/tests/run.mjs --site target/site --base /nimbus/ --chromium /usr/bin/chromium \
//        --seed 42 --native-hash <hex from `nimbus hash --seed 42`> [--only <part of a test name>]

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { args, assert, clickToken, launch, newPage as newPageIn, serveSite, tokenCount } from './harness.mjs';

const site = path.resolve(args.site ?? 'target/site');
const base = args.base ?? '/nimbus/';
const here = path.dirname(fileURLToPath(import.meta.url));
const shots = path.join(here, 'screenshots');
fs.mkdirSync(shots, { recursive: true });

const PLAYGROUNDS = [
  ['sqs', 'SQS'],
  ['sns', 'SNS'],
  ['kinesis', 'Kinesis'],
  ['vpc', 'VPC'],
  ['apigw', 'API Gateway'],
  ['flow', 'Event-driven flows'],
];

const { server, at } = await serveSite(site, base);
const browser = await launch(args.chromium ?? '/usr/bin/chromium');
const newPage = (options = {}) => newPageIn(browser, options);

async function ready(page) {
  // The app has mounted once the page's static first paint is gone and the shell's main landmark is there.
  await page.waitForFunction(() => !document.getElementById('first-paint') && document.querySelector('main'), null, { timeout: 15000 });
}

function noErrors(page) {
  assert(page.errors.length === 0, `console errors: ${page.errors.join(' | ')}`);
}

const tests = [];
const test = (name, fn) => {
  if (!args.only || name.includes(args.only)) tests.push([name, fn]);
};

const sqsTest = test;

// ---- the tests ----------------------------------------------------------------------------------
test('landing page shows every playground card without console errors', async () => {
  const page = await newPage();
  await page.goto(at());
  await ready(page);
  await page.waitForSelector('article.card');
  for (const [slug, name] of PLAYGROUNDS) {
    const card = page.locator(`article.card[data-playground="${slug}"]`);
    assert((await card.count()) === 1, `card ${slug} missing`);
    assert((await card.locator('svg').count()) >= 1, `card ${slug} has no diagram`);
    assert((await card.innerText()).includes(name), `card ${slug} does not name ${name}`);
  }
  await page.screenshot({ path: path.join(shots, 'landing-desktop.png'), fullPage: true });
  noErrors(page);
  await page.context().close();
});

test('landing cards loop a preview of their playground, paused off screen and absent for reduced motion', async () => {
  const page = await newPage({ viewport: { width: 1280, height: 700 } });
  await page.goto(at());
  await page.waitForSelector('article.card');
  const states = () => page.locator('.d-loop').evaluateAll((els) => els.map((el) => el.getAnimations().map((a) => a.playState).join(',')));
  for (const [slug] of PLAYGROUNDS) {
    const loops = page.locator(`article.card[data-playground="${slug}"] .d-loop`);
    assert((await loops.count()) >= 1, `card ${slug} has no looping preview`);
  }
  assert((await states()).every((s) => s === 'running'), `previews not all running: ${await states()}`);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const offScreen = await page.locator('[data-testid=card-grid]').evaluate((g) => g.getBoundingClientRect().bottom < 0);
  if (offScreen) {
    await page.waitForFunction(() => document.querySelector('[data-testid=card-grid]').classList.contains('previews-paused'));
    assert((await states()).every((s) => s === 'paused'), `previews off screen still run: ${await states()}`);
  }
  noErrors(page);
  await page.context().close();
  const still = await newPage({ reducedMotion: 'reduce' });
  await still.goto(at());
  await still.waitForSelector('article.card');
  const running = await still.locator('.d-loop').evaluateAll((els) => els.filter((el) => el.getAnimations().length > 0).length);
  assert(running === 0, `${running} previews animate for a reader who prefers reduced motion`);
  await still.context().close();
});

test('each card opens its playground (a full load of the app from the light landing bundle), and every playground is live', async () => {
  const page = await newPage();
  await page.goto(at());
  await ready(page);
  for (const [slug, name] of PLAYGROUNDS) {
    await page.goto(at());
    await page.locator(`article.card[data-playground="${slug}"] a`).first().click();
    await page.waitForURL(at(slug));
    const h1 = await page.locator('h1').innerText();
    assert(h1.includes(name), `/${slug}: h1 is "${h1}"`);
    assert((await page.locator('.not-built').count()) === 0, `/${slug} still shows the .not-built notice`);
    await page.waitForSelector(`svg[data-testid=${slug}-diagram]`);
  }
  noErrors(page);
  await page.context().close();
});

test('each playground is a page of its own: /REPO/<slug> is <slug>.html (status 200), with a first paint, its own title and card, and only its own wasm', async () => {
  const wasmOf = (file) => fs.readFileSync(path.join(site, file), 'utf8').match(/[\w-]+_bg\.wasm/)?.[0];
  const everyWasm = ['index.html', ...PLAYGROUNDS.map(([slug]) => `${slug}.html`)].map(wasmOf);
  assert(new Set(everyWasm).size === everyWasm.length, `two pages share a bundle: ${everyWasm.join(', ')}`);
  for (const [slug, name] of PLAYGROUNDS) {
    const page = await newPage();
    const wasm = [];
    page.on('request', (request) => { if (request.url().endsWith('.wasm')) wasm.push(request.url().split('/').pop()); });
    const response = await page.goto(at(`${slug}?v=1&seed=7&embed=1`));
    assert(response.status() === 200, `/${slug}: status ${response.status()}, expected 200 (the test server answers /x with x.html, as GitHub Pages does)`);
    const html = await response.text();
    assert(html.includes('id="first-paint"') && html.includes(`<h1>${name}`) && html.includes('class="card-svg"'), `/${slug}: the HTML has no static first paint with its title and picture`);
    assert(html.includes(`/social/${slug}.png"`) && html.includes('summary_large_image') && html.includes('rel="canonical"'), `/${slug}: no social card or canonical link`);
    await page.waitForSelector(`svg[data-testid=${slug}-diagram]`);
    assert((await page.locator('#first-paint').count()) === 0, `/${slug}: the first paint stayed after the app mounted`);
    assert((await page.title()).startsWith(name), `/${slug}: title "${await page.title()}"`);
    assert(wasm.length === 1 && wasm[0] === wasmOf(`${slug}.html`), `/${slug} fetched ${wasm.join(', ') || 'no wasm'}, expected only ${wasmOf(`${slug}.html`)}`);
    assert(page.url() === at(`${slug}?v=1&seed=7&embed=1`), `/${slug}: the address changed to ${page.url()}`);
    noErrors(page);
    // A trailing slash gets 404.html (the landing bundle), which sends the reader on, query kept.
    await page.goto(at(`${slug}/?seed=7`));
    await page.waitForURL(at(`${slug}?seed=7`));
    await page.waitForSelector(`svg[data-testid=${slug}-diagram]`);
    await page.context().close();
  }
});

test('an unknown path shows the not-found page with links to every playground', async () => {
  const page = await newPage();
  await page.goto(at('no/such/page'));
  await ready(page);
  assert((await page.locator('h1').innerText()).includes('Page not found'), 'no "Page not found" heading');
  for (const [slug] of PLAYGROUNDS) {
    assert((await page.locator(`a[href="${base}${slug}"]`).count()) >= 1, `not-found page lacks a link to /${slug}`);
  }
  await page.screenshot({ path: path.join(shots, 'not-found.png'), fullPage: true });
  noErrors(page);
  // Markup in the path is shown as text, never injected.
  await page.goto(at('%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E'));
  await ready(page);
  assert((await page.locator('main img').count()) === 0, 'markup from the URL was injected');
  assert((await page.evaluate(() => window.pwned)) === undefined, 'script from the URL ran');
  await page.context().close();
});

test('dark mode follows prefers-color-scheme', async () => {
  const luminance = async (page) =>
    page.evaluate(() => {
      const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    });
  const light = await newPage({ colorScheme: 'light' });
  await light.goto(at());
  await ready(light);
  const dark = await newPage({ colorScheme: 'dark' });
  await dark.goto(at());
  await ready(dark);
  const [l, d] = [await luminance(light), await luminance(dark)];
  await dark.screenshot({ path: path.join(shots, 'landing-dark.png'), fullPage: true });
  assert(l > 180 && d < 80, `background luminance light ${l.toFixed(0)}, dark ${d.toFixed(0)}`);
  // :root[data-theme] overrides the system preference either way (embeds use it).
  await light.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
  await dark.evaluate(() => (document.documentElement.dataset.theme = 'light'));
  const [forcedDark, forcedLight] = [await luminance(light), await luminance(dark)];
  assert(forcedDark < 80 && forcedLight > 180, `data-theme did not override: ${forcedDark.toFixed(0)}, ${forcedLight.toFixed(0)}`);
  noErrors(light);
  noErrors(dark);
  await light.context().close();
  await dark.context().close();
});

test('phone width (390 px) has no horizontal scroll on any page', async () => {
  const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  for (const p of ['', ...PLAYGROUNDS.map(([slug]) => slug), 'nope']) {
    await page.goto(at(p));
    await ready(page);
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert(scroll <= client, `/${p}: page is ${scroll}px wide in a ${client}px viewport`);
    if (p === '') await page.screenshot({ path: path.join(shots, 'landing-phone.png'), fullPage: true });
  }
  noErrors(page);
  await page.context().close();
});

test('the wasm engine gives the same trace hash as the native engine', async () => {
  const page = await newPage();
  await page.goto(at());
  await ready(page);
  await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.reference_trace_hash);
  const wasm = await page.evaluate((seed) => window.wasmBindings.reference_trace_hash(seed), Number(args.seed));
  assert(/^[0-9a-f]{16}$/.test(args['native-hash'] ?? ''), `no native hash given (${args['native-hash']})`);
  assert(wasm === args['native-hash'], `wasm hash ${wasm} != native hash ${args['native-hash']} (seed ${args.seed})`);
  noErrors(page);
  await page.context().close();
  // Flows: every service model at once, in the /flow page's own bundle.
  const flow = await newPage();
  await flow.goto(at('flow'));
  await ready(flow);
  await flow.waitForFunction(() => window.wasmBindings && window.wasmBindings.flow_trace_hash);
  const flowWasm = await flow.evaluate((seed) => window.wasmBindings.flow_trace_hash(seed), Number(args.seed));
  assert(/^[0-9a-f]{16}$/.test(args['native-flow-hash'] ?? ''), `no native flow hash given (${args['native-flow-hash']})`);
  assert(flowWasm === args['native-flow-hash'], `wasm flow hash ${flowWasm} != native ${args['native-flow-hash']} (seed ${args.seed})`);
  noErrors(flow);
  await flow.context().close();
});

test('the engine demo plays, steps, resets and changes seed', async () => {
  const page = await newPage({ reducedMotion: 'reduce' });
  await page.goto(at());
  await ready(page);
  const demo = page.locator('#engine-demo');
  // The hash of the run so far: it changes with every event.
  const hash = () => demo.locator('[data-testid=run-hash]').innerText();
  const fullRunHash = () => demo.locator('[data-testid=trace-hash]').innerText();
  const fullRunBefore = await fullRunHash();
  const entries = () => demo.locator('[data-testid=event-log] li').count();
  const initial = await hash();
  for (let i = 0; i < 5; i++) await demo.locator('[data-testid=step]').click();
  const stepped = await hash();
  assert(stepped !== initial, 'stepping did not change the trace hash');
  assert((await entries()) >= 1, 'stepping added no event-log entries');
  await demo.locator('[data-testid=reset]').click();
  assert((await hash()) === initial, 'reset did not return to the initial run');
  for (let i = 0; i < 5; i++) await demo.locator('[data-testid=step]').click();
  assert((await hash()) === stepped, 'the same seed and steps gave a different run');
  await demo.locator('[data-testid=play]').click();
  await page.waitForTimeout(800);
  await demo.locator('[data-testid=play]').click();
  const played = await hash();
  assert(played !== stepped, 'playing did not advance the simulation');
  assert((await demo.locator('svg[data-testid=chart] path').count()) >= 1, 'the chart draws no line');
  const seed = demo.locator('[data-testid=seed]');
  await seed.fill('not a number');
  await seed.press('Enter');
  await demo.locator('[data-testid=reset]').click();
  assert((await hash()) === initial, 'an invalid seed must keep the last valid one');
  await seed.fill('7');
  await seed.press('Enter');
  await demo.locator('[data-testid=reset]').click();
  for (let i = 0; i < 5; i++) await demo.locator('[data-testid=step]').click();
  assert((await hash()) !== stepped, 'a different seed gave the same run');
  assert((await fullRunHash()) !== fullRunBefore, 'the full-run hash did not follow the seed');
  await demo.locator('[data-testid=new-seed]').click();
  const drawn = await seed.inputValue();
  assert(/^\d+$/.test(drawn) && drawn !== '7', `"New seed" did not draw a seed (field shows "${drawn}")`);
  await demo.screenshot({ path: path.join(shots, 'engine-demo.png') });
  noErrors(page);
  await page.context().close();
});

test('a wasm panic shows an error panel with a reset link instead of a blank page', async () => {
  const page = await newPage();
  await page.goto(at('sqs?x=1'));
  await ready(page);
  await page.evaluate(() => {
    try {
      window.wasmBindings.nimbus_test_panic();
    } catch {
      // The panic surfaces as a thrown RuntimeError once the hook has drawn the panel.
    }
  });
  const panel = page.locator('#nimbus-panic');
  await panel.waitFor({ timeout: 5000 });
  assert((await panel.innerText()).includes('test panic requested'), 'the panel does not show the panic message');
  const reset = panel.locator('a', { hasText: /reset/i });
  assert((await reset.count()) === 1, 'no reset link');
  assert((await reset.getAttribute('href')) === `${base}sqs`, `reset link goes to ${await reset.getAttribute('href')}`);
  await page.screenshot({ path: path.join(shots, 'panic.png') });
  await page.context().close();
});

test('every page asks for nothing outside the site, under its Content-Security-Policy, with no violation', async () => {
  for (const slug of ['', ...PLAYGROUNDS.map(([s]) => s), 'no-such-page']) {
    const page = await newPage();
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(at(slug));
    await ready(page);
    // Let the scene play a moment: tokens, charts and the log are drawn with inline styles.
    await page.waitForTimeout(1500);
    const policy = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
    assert(policy?.includes("default-src 'self'") && policy.includes("'wasm-unsafe-eval'"), `/${slug}: policy ${policy}`);
    const origin = new URL(at('')).origin;
    const outside = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'));
    assert(outside.length === 0, `/${slug} asked for ${outside.join(', ')}`);
    const violations = await page.evaluate(() => window.cspViolations);
    assert(violations.length === 0, `/${slug}: ${violations.join(' | ')}`);
    noErrors(page);
    await page.context().close();
  }
});

// The heaviest links each live playground accepts (issue 18's probe, within the engine's bound
// of 100,000 operations per simulated second), and what the page says: on its way to the
// link's hour in slices, or stopped at the memory cap.
const HEAVY_LINKS = [
  ['sqs', '?v=1&rate=30000&consumers=0&t=3600', /The run stopped at .* 256 MB/],
  ['sns', '?v=1&rate=200&s1.health=5xx&s1.dlq=1&t=3600', /Running to 1 h 0 min/],
  ['kinesis', '?v=1&shards=16&rate=19000&efo=3&t=3600', /Running to 1 h 0 min|The run stopped at/],
  ['apigw', '?v=1&clients=1000&client-rate=100&t=3600', /Running to 1 h 0 min/],
];
// Wasm memory a heavy link may take: the engine stops a run at 256 MB of messages and records,
// the timeline's checkpoints hold up to 48 MB more (engine::rewind::BUDGET_BYTES), and the
// instance's memory grows with the allocator's requests and never shrinks. Measured 515–536 MB on
// this machine and once 661 MB on a clean-clone CI run (the moment the 3 s sample catches varies):
// three times the run's cap leaves room for that without hiding a run that stops growing too late.
const WASM_MEMORY_CAP_MB = 768;

test('heavy links never freeze the page: frames keep coming, a link\'s hour is reached in slices with progress and Stop here, and a run too big for a tab stops and says why', async () => {
  for (const [slug, query, says] of HEAVY_LINKS) {
    const page = await newPage();
    await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.nimbusMemory = e.detail.wasm.memory; }));
    await page.goto(at(slug + query));
    await ready(page);
    const { frames, worst } = await page.evaluate(() => new Promise((resolve) => {
      let last = performance.now();
      let worst = 0;
      let frames = 0;
      const end = last + 3000;
      const tick = (t) => {
        worst = Math.max(worst, t - last);
        last = t;
        frames += 1;
        if (t < end) requestAnimationFrame(tick); else resolve({ frames, worst });
      };
      requestAnimationFrame(tick);
    }));
    assert(worst <= 250, `${slug}: a gap of ${Math.round(worst)} ms between frames (${frames} frames in 3 s)`);
    const note = await page.locator('[data-testid=run-pace]').innerText();
    assert(says.test(note), `${slug}: the page says "${note}"`);
    const memoryMb = await page.evaluate(() => Math.round((window.nimbusMemory?.buffer.byteLength ?? 0) / 2 ** 20));
    assert(memoryMb > 0 && memoryMb <= WASM_MEMORY_CAP_MB, `${slug}: ${memoryMb} MB of wasm memory`);
    if (note.includes('Running to')) {
      await page.locator('[data-testid=catch-up-stop]').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=run-pace]')?.hidden, null, { timeout: 5000 });
      const secs = Number((await page.locator('[data-testid=sim-time]').first().innerText()).replace(/[^\d.]/g, ''));
      assert(secs > 0 && secs < 3600, `${slug}: stopped at ${secs} s`);
    }
    noErrors(page);
    await page.context().close();
  }
});

// ---- the SQS playground -------------------------------------------------------------------------
/** Opens /sqs paused (reduced motion starts scenes paused) and waits for the diagram. */
async function openSqs(options = {}) {
  const page = await newPage({ reducedMotion: 'reduce', ...options });
  await page.goto(at('sqs'));
  await ready(page);
  await page.waitForSelector('svg[data-testid=sqs-diagram]');
  return page;
}
const num = async (page, id) => Number((await page.locator(`[data-testid=${id}]`).first().textContent()).replace(/[^\d.]/g, ''));
// Option values of the speed select are indices into the speed ladder: 6 = 10×, 9 = 100×.
const setSpeed = (page, idx) => page.locator('[data-testid=speed]').selectOption(String(idx));

sqsTest('/sqs loads without console errors; play advances the clock and the counters', async () => {
  const page = await openSqs();
  assert((await page.locator('[data-testid=play]').getAttribute('data-playing')) === 'false', 'the scene should start paused under reduced motion');
  assert((await num(page, 'sim-time')) === 0, 'simulated time is not 0 before playing');
  for (let i = 0; i < 12; i++) await page.locator('[data-testid=step]').click();
  assert((await page.locator('[data-testid=event-log] li').count()) >= 1, 'stepping added no event-log entries');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=count-sent]')?.innerText) > 3, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  assert((await num(page, 'sim-time')) > 0, 'playing did not advance simulated time');
  assert((await num(page, 'count-received')) > 0, 'nothing was received');
  assert((await tokenCount(page)) + (await num(page, 'count-deleted')) > 0, 'no tokens and no deletes');
  assert((await page.locator('svg[data-testid=chart] path').count()) >= 1, 'the charts draw no line');
  assert((await page.locator('[data-testid=preset-explanation]').innerText()).length > 80, 'the preset has no explanation');
  noErrors(page);
  await page.context().close();
});

sqsTest('/sqs poison preset fills the dead-letter queue, and the inspector explains why', async () => {
  const page = await openSqs();
  await page.locator('[data-testid=preset]').selectOption('poison');
  assert((await page.locator('[data-testid=preset-explanation]').innerText()).includes('maxReceiveCount'), 'poison explanation missing');
  await setSpeed(page, 9);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=dlq-depth]')?.innerText) > 0, null, { timeout: 20000 });
  await page.locator('[data-testid=play]').click();
  assert((await num(page, 'count-moved-to-DLQ')) > 0, 'moved-to-DLQ counter is 0');
  await clickToken(page, 'g.sqs-token.lane-dlq');
  const inspector = page.locator('[data-testid=inspector]');
  await inspector.locator('li').first().waitFor({ timeout: 5000 });
  const text = await inspector.innerText();
  assert(text.includes('MOVED_TO_DLQ'), `the inspector does not show MOVED_TO_DLQ: ${text.slice(0, 300)}`);
  assert(text.includes('dead-letter'), 'the inspector does not say where the message is');
  await page.screenshot({ path: path.join(shots, 'sqs-poison-desktop.png'), fullPage: true });
  noErrors(page);
  await page.context().close();
});

// Each preset at seed 42, played at 100× to a point where its lesson shows.
const PRESET_EFFECTS = [
  ['slow-consumer', 40, 'duplicates processed > 0', async (p) => (await num(p, 'count-duplicates-processed')) > 0],
  ['heartbeat', 40, 'visibility extended > 0 and no duplicates', async (p) => (await num(p, 'count-visibility-extended')) > 0 && (await num(p, 'count-duplicates-processed')) === 0],
  ['poison', 20, 'DLQ depth > 0', async (p) => (await num(p, 'dlq-depth')) > 0],
  ['polling', 20, 'empty receives > 0 and a cost', async (p) => (await num(p, 'count-empty-receives')) > 0 && (await num(p, 'cost')) > 0],
  ['fifo-blocking', 12, 'a blocked FIFO token', async (p) => (await tokenCount(p, 'g.sqs-token.blocked')) > 0],
  ['delay', 4, 'messages in the delayed lane', async (p) => (await num(p, 'lane-delayed')) > 0],
  ['order', 10, 'messages received out of order > 0', async (p) => (await num(p, 'count-out-of-order')) > 0],
  ['duplicates', 60, 'duplicates processed > 0', async (p) => (await num(p, 'count-duplicates-processed')) > 0],
  ['scale', 20, 'a backlog drawn as small tokens', async (p) => (await num(p, 'lane-visible')) > 50 && (await tokenCount(p, 'g.sqs-token.dense')) > 43],
  ['autoscale', 100, 'more consumers running, stopped ones dashed', async (p) => (await num(p, 'count-consumers-running')) > 1 && (await p.locator('g.sqs-consumer.off').count()) + (await num(p, 'count-consumers-running')) === 6],
];

// Issue 19, item 11: the slow consumer trap's fix, one knob away.
sqsTest('/sqs: a heartbeat on the slow-consumer preset ends its duplicates', async () => {
  const page = await openSqs();
  assert((await page.locator('[data-testid=preset]').inputValue()) === 'slow-consumer', 'the page does not open on the slow consumer trap');
  assert((await page.locator('[data-testid=preset-explanation]').innerText()).includes('heartbeat'), 'the trap does not name the heartbeat as a fix');
  await page.locator('[data-testid=knob-heartbeat]').fill('2');
  assert((await page.locator('[data-testid=knob-heartbeat-message]').innerText()) === '', 'the heartbeat knob refused 2 s');
  assert(new URL(page.url()).searchParams.get('heartbeat') === '2', `the link does not carry the heartbeat: ${page.url()}`);
  await setSpeed(page, 9);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) >= 60, null, { timeout: 20000 });
  await page.locator('[data-testid=play]').click();
  assert((await num(page, 'count-duplicates-processed')) === 0, 'duplicates with a heartbeat');
  assert((await num(page, 'count-visibility-extended')) > 20, 'no ChangeMessageVisibility calls counted');
  await page.locator('[data-testid=knob-heartbeat]').fill('0');
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) >= 60, null, { timeout: 20000 });
  await page.locator('[data-testid=play]').click();
  assert((await num(page, 'count-duplicates-processed')) > 0, 'no duplicates without the heartbeat');
  noErrors(page);
  await page.context().close();
});

sqsTest('/sqs: every preset loads and shows its effect', async () => {
  const page = await openSqs();
  const options = await page.locator('[data-testid=preset] option').evaluateAll((os) => os.map((o) => o.value));
  assert(PRESET_EFFECTS.every(([key]) => options.includes(key)) && options.length === PRESET_EFFECTS.length, `presets ${options} vs the tested ${PRESET_EFFECTS.map((e) => e[0])}`);
  for (const [key, secs, effect, check] of PRESET_EFFECTS) {
    await page.locator('[data-testid=preset]').selectOption(key);
    assert((await page.locator('[data-testid=preset-explanation]').innerText()).length > 80, `${key}: no explanation`);
    await setSpeed(page, 9);
    await page.locator('[data-testid=play]').click();
    await page.waitForFunction((s) => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) >= s, secs, { timeout: 20000 });
    await page.locator('[data-testid=play]').click();
    assert(await check(page), `${key}: expected ${effect} after ${secs} simulated s`);
  }
  noErrors(page);
  await page.context().close();
});

sqsTest('/sqs tokens are one tab stop; arrow keys move between them and Enter opens the inspector', async () => {
  const page = await openSqs();
  await page.locator('[data-testid=preset]').selectOption('scale');
  await setSpeed(page, 9);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => Number(document.querySelector('g.sqs-tokens')?.dataset.count) > 20, null, { timeout: 20000 });
  await page.locator('[data-testid=play]').click();
  assert((await page.locator('g.sqs-token[tabindex="0"]').count()) === 1, 'not exactly one token in the tab order');
  await page.locator('g.sqs-token[tabindex="0"]').focus();
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-id'));
  const first = await focused();
  await page.keyboard.press('ArrowRight');
  const second = await focused();
  assert(first && second && Number(second) > Number(first), `ArrowRight moved focus from ${first} to ${second}`);
  // The scale preset draws its backlog in batches: the arrow keys reach those tokens too.
  for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowRight');
  const far = await focused();
  assert(far && Number(far) > Number(second), `30 × ArrowRight from ${second} reached ${far}`);
  await page.keyboard.press('Home');
  assert((await focused()) === first, 'Home did not return to the first token');
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector('[data-testid=inspector]')?.innerText.includes(`msg-${id}`), first, { timeout: 5000 });
  assert((await page.locator('g.sqs-token[tabindex="0"]').count()) === 1, 'the tab stop was lost');
  noErrors(page);
  await page.context().close();
});

sqsTest('/sqs order preset: long polls receive some messages out of order, and the diagram, counter and inspector say so', async () => {
  const page = await newPage({ reducedMotion: 'reduce' });
  await page.goto(at('sqs?p=order&t=20'));
  await page.waitForSelector('svg[data-testid=sqs-diagram]');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) >= 20, null, { timeout: 20000 });
  assert((await page.locator('[data-testid=caption]').innerText()).includes('long poll'), 'the caption does not give the lesson');
  const received = await num(page, 'count-received');
  const late = await num(page, 'caption-out-of-order');
  assert(late > 0 && late < received / 2, `out of order ${late} of ${received}: best effort is neither strict nor random`);
  assert((await page.locator('.sqs-legend').innerText()).includes('out of order'), 'the legend does not say what ↕ means');
  // Step until a consumer holds a message it received out of order.
  for (let i = 0; i < 200 && (await page.locator('g.sqs-token.out-of-order').count()) === 0; i++) {
    await page.locator('[data-testid=step]').click();
  }
  await clickToken(page, 'g.sqs-token.out-of-order');
  const inspector = page.locator('[data-testid=inspector]');
  await inspector.locator('li').first().waitFor({ timeout: 5000 });
  const text = await inspector.innerText();
  assert(text.includes('OUT_OF_ORDER') && text.includes('best-effort'), `the inspector does not explain the swap: ${text.slice(0, 400)}`);
  noErrors(page);
  await page.context().close();
});

sqsTest('/sqs: the caption on the diagram names the preset, its lesson and the counters that prove it', async () => {
  const page = await newPage({ reducedMotion: 'reduce' });
  await page.goto(at('sqs?p=poison&t=60'));
  await page.waitForSelector('svg[data-testid=sqs-diagram]');
  assert((await page.locator('[data-testid=caption-name]').innerText()) === 'Poison message → DLQ', 'the caption does not name the preset');
  assert((await page.locator('[data-testid=caption]').innerText()).includes('maxReceiveCount'), 'the caption does not give the lesson');
  assert((await num(page, 'caption-moved-to-DLQ')) >= 1, 'the caption does not show the DLQ moves that prove it');
  await page.locator('[data-testid=preset]').selectOption('polling');
  await page.waitForFunction(() => document.querySelector('[data-testid=caption-name]')?.innerText === 'Short vs long polling', null, { timeout: 5000 });
  assert((await page.locator('[data-testid=caption-empty-receives]').count()) === 1, 'the caption does not follow the preset');
  noErrors(page);
  await page.context().close();
});

sqsTest('/sqs refuses an out-of-range knob with the AWS range and keeps running', async () => {
  const page = await openSqs();
  const field = page.locator('[data-testid=knob-visibility]');
  const message = page.locator('[data-testid=knob-visibility-message]');
  await field.fill('50000');
  const text = await message.innerText();
  assert(text.includes('50000') && text.includes('0–43,200 s') && !text.includes('queue.'), `error message "${text}" does not name the value and the range in words`);
  assert((await field.getAttribute('aria-invalid')) === 'true', 'the field is not marked invalid');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 2, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  await field.fill('abc');
  assert((await message.innerText()).length > 0, 'text in a number field shows no message');
  await field.fill('10');
  assert((await message.innerText()) === '', 'a valid value still shows an error');
  assert((await num(page, 'sim-time')) === 0, 'a valid change should restart the run from 0 s');
  await page.locator('[data-testid=knob-type]').selectOption('fifo');
  assert((await page.locator('[data-testid=queue-title]').innerHTML()).includes('.fifo'), 'switching to FIFO did not change the queue');
  noErrors(page);
  await page.context().close();
});

sqsTest('/sqs: on a phone the settings and sharing start folded under the player and presets; on a desktop they are open', async () => {
  const phone = await openSqs({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  for (const id of ['settings-section', 'share-section']) {
    assert(!(await phone.locator(`[data-testid=${id}]`).evaluate((d) => d.open)), `${id} is open on a phone`);
  }
  assert(await phone.locator('[data-testid=preset]').isVisible(), 'the preset picker is folded away');
  await phone.locator('[data-testid=settings-section] > summary').click();
  assert(await phone.locator('[data-testid=knob-visibility]').isVisible(), 'opening the settings does not show them');
  noErrors(phone);
  await phone.context().close();
  const desktop = await openSqs();
  for (const id of ['settings-section', 'share-section']) {
    assert(await desktop.locator(`[data-testid=${id}]`).evaluate((d) => d.open), `${id} is folded on a desktop`);
  }
  noErrors(desktop);
  await desktop.context().close();
});

sqsTest('/sqs screenshots at desktop and phone width, light and dark', async () => {
  for (const [name, options] of [
    ['sqs-desktop', {}],
    ['sqs-phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }],
    ['sqs-phone-dark', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, colorScheme: 'dark' }],
  ]) {
    const page = await openSqs(options);
    await page.locator('[data-testid=preset]').selectOption('fifo-blocking');
    await setSpeed(page, 6);
    await page.locator('[data-testid=play]').click();
    await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 12, null, { timeout: 15000 });
    await page.locator('[data-testid=play]').click();
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert(scroll <= client, `${name}: page is ${scroll}px wide in a ${client}px viewport`);
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
    await page.locator('svg[data-testid=sqs-diagram]').screenshot({ path: path.join(shots, `${name}-diagram.png`) });
    noErrors(page);
    await page.context().close();
  }
});

// ---- share links ---------------------------------------------------------------------------------
const COUNTERS = ['sim-time', 'count-sent', 'count-received', 'count-deleted', 'run-hash'];
const readCounters = (page) => Promise.all(COUNTERS.map((id) => page.locator(`[data-testid=${id}]`).first().textContent()));

sqsTest('a copied link replays the run: same settings, same counters at the same simulated time; knob changes add no history entries', async () => {
  const page = await openSqs();
  const historyBefore = await page.evaluate(() => history.length);
  await page.locator('[data-testid=preset]').selectOption('poison');
  await page.locator('[data-testid=knob-visibility]').fill('12');
  await page.locator('[data-testid=knob-consumers]').fill('3');
  await page.locator('[data-testid=knob-consumers]').fill('4');
  await page.locator('[data-testid=seed]').fill('7');
  await setSpeed(page, 6);
  const address = new URL(page.url());
  assert(address.searchParams.get('p') === 'poison' && address.searchParams.get('visibility') === '12' && address.searchParams.get('consumers') === '4' && address.searchParams.get('seed') === '7' && address.searchParams.get('speed') === '10', `the address bar does not follow the state: ${page.url()}`);
  assert((await page.evaluate(() => history.length)) === historyBefore, 'changing settings added history entries');
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 15, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  await page.locator('[data-testid=share-with-time]').check();
  await page.locator('[data-testid=copy-link]').click();
  const link = await page.locator('[data-testid=share-link]').inputValue();
  assert(/[?&]t=\d/.test(link), `the link has no start time: ${link}`);
  const before = await readCounters(page);

  const other = await newPage({ reducedMotion: 'reduce' });
  await other.goto(link);
  await ready(other);
  await other.waitForSelector('svg[data-testid=sqs-diagram]');
  const after = await readCounters(other);
  assert(JSON.stringify(after) === JSON.stringify(before), `the link opened a different run:\n  original ${before}\n  link     ${after}`);
  assert((await other.locator('[data-testid=preset]').inputValue()) === 'poison', 'the preset did not come back');
  assert((await other.locator('[data-testid=knob-visibility]').inputValue()) === '12', 'the visibility knob did not come back');
  assert((await other.locator('[data-testid=seed]').inputValue()) === '7', 'the seed did not come back');
  assert((await other.locator('[data-testid=link-notice]').count()) === 0, 'a clean link shows a notice');
  // The same simulated time later, both runs still agree.
  for (const p of [page, other]) {
    for (let i = 0; i < 25; i++) await p.locator('[data-testid=step]').click();
  }
  assert(JSON.stringify(await readCounters(page)) === JSON.stringify(await readCounters(other)), 'the runs drifted apart after the same steps');
  noErrors(page);
  noErrors(other);
  await page.context().close();
  await other.context().close();
});

sqsTest('a malformed or hostile link opens with defaults, says what it ignored, and injects nothing', async () => {
  const page = await newPage({ reducedMotion: 'reduce' });
  const hostile = [
    'v=99', 'p=%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E', 'seed=99999999999999999999', 'speed=1e308',
    'visibility=-5', 'consumers=%FF%FE', 'type=%3Cscript%3Ewindow.pwned%3D2%3C%2Fscript%3E',
    // 10 KB: servers refuse much longer request lines (Node at 16 KB), so a page never sees them.
    `junk=${'x'.repeat(10_000)}`,
  ].join('&');
  await page.goto(at(`sqs?${hostile}`));
  await ready(page);
  await page.waitForSelector('svg[data-testid=sqs-diagram]');
  const notice = page.locator('[data-testid=link-notice]');
  assert((await notice.count()) === 1, 'no notice for a malformed link');
  const text = await notice.innerText();
  assert(/ignored/i.test(text) && text.length < 2000, `notice: ${text.slice(0, 300)}`);
  assert((await page.evaluate(() => window.pwned)) === undefined, 'markup from the link ran');
  assert((await notice.locator('img, script').count()) === 0, 'the notice contains markup from the link');
  assert((await page.locator('[data-testid=preset]').inputValue()) === 'slow-consumer', 'an unknown preset did not fall back to the first');
  assert((await page.locator('[data-testid=seed]').inputValue()) === '42', 'a bad seed did not fall back to the default');
  assert((await page.locator('[data-testid=knob-visibility]').inputValue()) !== '-5', 'a bad knob value was used');
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 1, null, { timeout: 15000 });
  noErrors(page);
  await page.context().close();
});

sqsTest('the scenario exports as a JSON file nimbus run reads, and a bad file is refused without changing anything', async () => {
  const page = await openSqs();
  await page.locator('[data-testid=preset]').selectOption('poison');
  await page.locator('[data-testid=knob-visibility]').fill('11');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-scenario]').click()]);
  const file = await download.path();
  const text = fs.readFileSync(file, 'utf8');
  const doc = JSON.parse(text);
  assert(doc.kind === 'sqs' && doc.queue.visibility_timeout_s === 11, `exported: ${text.slice(0, 200)}`);
  // Bad files: the run keeps its scenario and the message says why.
  const hash = await page.locator('[data-testid=run-hash]').textContent();
  for (const [name, body, expect] of [
    ['broken.json', '{"queue": ', 'not valid JSON'],
    ['range.json', '{"kind": "sqs", "queue": {"visibility_timeout_s": 99999}}', '43200'],
    ['other.json', '{"kind": "kinesis"}', 'not for SQS'],
  ]) {
    await page.locator('[data-testid=import-scenario]').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(body) });
    await page.waitForFunction((e) => document.querySelector('[data-testid=file-message]')?.innerText.includes(e), expect, { timeout: 5000 });
    assert((await page.locator('[data-testid=knob-visibility]').inputValue()) === '11', `${name} changed the knobs`);
  }
  // A good file (the exported one, edited) replaces the scenario and restarts the run.
  doc.queue.visibility_timeout_s = 25;
  await page.locator('[data-testid=import-scenario]').setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  await page.waitForFunction(() => document.querySelector('[data-testid=file-message]')?.innerText.startsWith('✓') || document.querySelector('[data-testid=file-message]')?.innerText.includes('Imported'), null, { timeout: 5000 });
  assert((await page.locator('[data-testid=knob-visibility]').inputValue()) === '25', 'the imported file did not apply');
  assert(new URL(page.url()).searchParams.get('visibility') === '25', `the link does not carry the import: ${page.url()}`);
  assert(hash !== null, 'no run hash');
  noErrors(page);
  await page.context().close();
});

// ---- embeds ------------------------------------------------------------------------------------
const frameTime = async (frame) => parseFloat(await frame.locator('[data-testid=sim-time]').first().textContent());

sqsTest('embed mode shows the scene alone, with the controls asked for, and a link to the full playground', async () => {
  for (const [controls, expect] of [['min', { play: 1, knobs: 0, seed: 0 }], ['full', { play: 1, knobs: 1, seed: 1 }], ['none', { play: 0, knobs: 0, seed: 0 }]]) {
    const page = await newPage({ viewport: { width: 320, height: 640 }, reducedMotion: 'reduce' });
    await page.goto(at(`sqs?embed=1&p=poison&controls=${controls}`));
    await page.waitForSelector('[data-testid=embed-frame] svg[data-testid=sqs-diagram]');
    assert((await page.locator('header.site-header, footer.site-footer, h1').count()) === 0, `${controls}: the site chrome is shown`);
    assert((await page.locator('[data-testid=play]').count()) === expect.play, `${controls}: play button count`);
    assert((await page.locator('[data-testid=knob-visibility]').count()) === expect.knobs, `${controls}: knob count`);
    assert((await page.locator('[data-testid=seed]').count()) === expect.seed, `${controls}: seed field count`);
    const open = await page.locator('[data-testid=open-full]').getAttribute('href');
    assert(open.includes('p=poison') && !open.includes('embed'), `the full-playground link is ${open}`);
    const title = await page.locator('[data-testid=embed-title]').innerText();
    assert(title.includes('SQS') && title.includes('Poison'), `the embed's title bar says ${title}`);
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert(scroll <= client, `${controls}: the embed is ${scroll}px wide in a 320px frame`);
    if (controls === 'min') await page.screenshot({ path: path.join(shots, 'embed-320.png'), fullPage: true });
    noErrors(page);
    await page.context().close();
  }
  // bg=transparent lets the host page show through.
  const page = await newPage({ viewport: { width: 360, height: 640 } });
  await page.goto(at('sqs?embed=1&p=poison&bg=transparent'));
  await page.waitForSelector('[data-testid=embed-frame]');
  const bg = await page.evaluate(() => [getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.body).backgroundColor]);
  assert(bg.every((c) => c === 'rgba(0, 0, 0, 0)' || c === 'transparent'), `bg=transparent paints ${JSON.stringify(bg)}`);
  noErrors(page);
  await page.context().close();
});

sqsTest('an embed reports its content height, not its frame height, so a host can shrink the frame too', async () => {
  const page = await newPage({ viewport: { width: 800, height: 800 } });
  await page.goto(at('examples/blog.html'));
  const heights = await page.evaluate((src) => new Promise((resolve) => {
    const seen = [];
    addEventListener('message', (e) => {
      if (e.data && e.data.type === 'nimbus:resize') seen.push(e.data.height);
    });
    const tall = document.createElement('iframe');
    tall.style.cssText = 'width:600px;height:3000px;border:0';
    tall.src = src;
    document.body.prepend(tall);
    setTimeout(() => resolve(seen), 4000);
  }), at('sqs?embed=1&p=poison&autoplay=0'));
  assert(heights.length > 0, 'no resize message from the tall frame');
  const last = heights[heights.length - 1];
  assert(last > 200 && last < 2500, `the embed reported ${last}px in a 3000px frame: its frame, not its content`);
  noErrors(page);
  await page.context().close();
});

sqsTest('in the sample article only the embed in view advances its clock; frames report ready and resize and obey play, pause and set', async () => {
  const page = await newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => {
    window.nimbusMessages = [];
    window.poisonResizes = [];
    addEventListener('message', (e) => {
      window.nimbusMessages.push(e.data);
      const poison = document.querySelector('#embed-poison');
      if (e.data && e.data.type === 'nimbus:resize' && poison && e.source === poison.contentWindow) window.poisonResizes.push(e.data.height);
    });
  });
  await page.goto(at('examples/blog.html'));
  // Load every (lazy) frame, then come back to the top: the first frame is in view, the last is not.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForFunction(() => window.nimbusMessages.filter((m) => m && m.type === 'nimbus:ready').length >= 3, null, { timeout: 20000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const first = page.frameLocator('#embed-poison');
  const last = page.frameLocator('#embed-full');
  await first.locator('[data-testid=sim-time]').waitFor();
  const [a1, c1] = [await frameTime(first), await frameTime(last)];
  await page.waitForTimeout(2500);
  const [a2, c2] = [await frameTime(first), await frameTime(last)];
  assert(a2 > a1, `the embed in view did not advance (${a1} → ${a2})`);
  assert(c2 === c1, `the embed out of view advanced (${c1} → ${c2})`);
  // The latest height the first frame reported is its content's, and the snippet sized the frame to it.
  const resizes = await page.evaluate(() => window.poisonResizes);
  const latest = resizes[resizes.length - 1];
  assert(latest > 200, `no sensible resize message: ${JSON.stringify(resizes)}`);
  const height = await page.locator('#embed-poison').evaluate((f) => f.getBoundingClientRect().height);
  assert(Math.abs(height - latest) < 60, `the auto-height snippet did not size the frame to ${latest}px (${height}px)`);
  // The host drives the frame.
  const post = (msg) => page.locator('#embed-poison').evaluate((f, m) => f.contentWindow.postMessage(m, '*'), msg);
  await post({ type: 'nimbus:pause' });
  await page.waitForTimeout(300);
  const p1 = await frameTime(first);
  await page.waitForTimeout(700);
  assert((await frameTime(first)) === p1, 'nimbus:pause did not pause');
  await post({ type: 'nimbus:set', patch: { visibility: 9, consumers: 'lots' } });
  await post('nimbus:play'); // not an object: ignored
  await post({ type: 'nimbus:explode' }); // unknown: ignored
  await first.locator('[data-testid=link-notice]').waitFor({ timeout: 5000 });
  const notice = await first.locator('[data-testid=link-notice]').innerText();
  assert(notice.includes('consumers'), `the bad patch value was not reported: ${notice}`);
  const src = page.frames().find((f) => f.url().includes('p=poison'));
  assert(src && src.url().includes('visibility=9'), `the patch did not apply: ${src && src.url()}`);
  await post({ type: 'nimbus:play' });
  await page.waitForTimeout(800);
  assert((await frameTime(first)) > 0, 'nimbus:play did not play');
  noErrors(page);
  await page.context().close();
});

sqsTest('reduced motion: tokens jump between places instead of travelling, and an embed lists the latest events', async () => {
  const page = await newPage({ reducedMotion: 'reduce' });
  await page.goto(at('sqs?embed=1&p=poison&autoplay=1&speed=10'));
  await page.waitForFunction(() => document.querySelectorAll('g.sqs-token').length > 0, null, { timeout: 15000 });
  // A token can leave the page while this runs (the run is playing at 10×): only those still in it count.
  const durations = await page.locator('g.sqs-token').evaluateAll((ts) => ts.filter((t) => t.isConnected).map((t) => getComputedStyle(t).transitionDuration));
  assert(durations.every((d) => d.split(',').every((x) => parseFloat(x) === 0)), `tokens still move: ${durations.slice(0, 5)}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-log] li').length > 0, null, { timeout: 10000 });
  assert((await page.locator('[data-testid=event-log] li').count()) <= 5, 'the embed log is not short');
  noErrors(page);
  await page.context().close();
});

sqsTest('keyboard shortcuts: Space plays and pauses, → steps, + and − change speed, R resets', async () => {
  const page = await openSqs();
  const playing = async () => (await page.locator('[data-testid=play]').getAttribute('data-playing')) === 'true';
  assert((await page.locator('[data-testid=shortcut-hint]').count()) === 1, 'no shortcut hint');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Space');
  assert(await playing(), 'Space did not play');
  await page.keyboard.press('Space');
  assert(!(await playing()), 'Space did not pause');
  const before = await num(page, 'count-sent') + (await page.locator('[data-testid=event-log] li').count());
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  assert((await num(page, 'count-sent')) + (await page.locator('[data-testid=event-log] li').count()) > before, '→ did not step');
  const speed = () => page.locator('[data-testid=speed]').inputValue();
  const s0 = await speed();
  await page.keyboard.press('+');
  assert(Number(await speed()) === Number(s0) + 1, '+ did not speed up');
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  assert(Number(await speed()) === Number(s0) - 1, '− did not slow down');
  await page.keyboard.press('r');
  assert((await num(page, 'sim-time')) === 0, 'R did not reset');
  // Typing in a field is typing, not a shortcut.
  await page.locator('[data-testid=knob-visibility]').fill('');
  await page.locator('[data-testid=knob-visibility]').type('5 ');
  assert(!(await playing()), 'a space typed in a field toggled play');
  noErrors(page);
  await page.context().close();
});

// Desktop, phone and dark screenshots of a playground opened with `open(query, options)`; none
// may scroll sideways or log an error.
async function screenshotsOf(slug, open, query) {
  for (const [name, options] of [['desktop', {}], ['phone', { viewport: { width: 390, height: 844 } }], ['dark', { colorScheme: 'dark' }]]) {
    const page = await open(query, options);
    await page.screenshot({ path: path.join(shots, `${slug}-${name}.png`), fullPage: true });
    assert((await page.evaluate(() => document.documentElement.scrollWidth)) <= (options.viewport?.width ?? 1280), `${name}: the page scrolls sideways`);
    noErrors(page);
    await page.context().close();
  }
}

// ---- SNS ---------------------------------------------------------------------------------------
async function openSns(query = '', options = {}) {
  const page = await newPage({ reducedMotion: 'reduce', ...options });
  await page.goto(at(`sns${query}`));
  await ready(page);
  await page.waitForSelector('svg[data-testid=sns-diagram]');
  return page;
}
// The per-subscription table, as { s1: { matched, filtered, ... }, ... }.
const snsTable = (page) =>
  page.locator('[data-testid=sub-table] tbody tr').evaluateAll((rows) =>
    Object.fromEntries(
      rows.map((row, i) => [
        `s${i + 1}`,
        Object.fromEntries([...row.querySelectorAll('td')].map((td) => [td.dataset.testid.replace(/^s\d+-/, ''), Number(td.textContent)])),
      ]),
    ),
  );
const snsState = async (page) => JSON.stringify([await num(page, 'sim-time'), await num(page, 'count-published'), await snsTable(page), await page.locator('[data-testid=run-hash]').textContent()]);

test('/sns loads without console errors; playing publishes and fans out to four subscriptions', async () => {
  const page = await openSns();
  assert((await page.locator('[data-testid^=sub-][data-testid$=-counts]').count()) === 4, 'the first preset should have four subscriptions');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=count-published]')?.innerText) > 5, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  const t = await snsTable(page);
  assert(t.s4.matched === (await num(page, 'count-published')), `the audit endpoint (no policy) should get every message: ${JSON.stringify(t)}`);
  assert(t.s1.filtered > 0 && t.s3.filtered > 0, `filters stopped nothing: ${JSON.stringify(t)}`);
  assert((await page.locator('svg[data-testid=chart] path').count()) >= 1, 'the charts draw no line');
  assert((await page.locator('[data-testid=event-log] li').count()) >= 1, 'no events in the log');
  noErrors(page);
  await page.context().close();
});

test('/sns: a published message reaches exactly the subscriptions whose policy matches, as the composer previewed', async () => {
  const page = await openSns();
  await page.locator('[data-testid=composer-attributes]').fill('{"order_type": "electronics", "amount": 50}');
  const verdicts = await page.locator('[data-testid=composer-verdict]').evaluateAll((lis) => lis.map((li) => [li.querySelector('strong').textContent, li.dataset.delivered, li.textContent]));
  const expect = { 'books-queue': 'false', 'electronics-queue': 'true', 'big-orders': 'false', 'audit-webhook': 'true' };
  for (const [name, delivered] of verdicts) assert(expect[name] === delivered, `preview for ${name}: ${delivered} (${JSON.stringify(verdicts)})`);
  const why = verdicts.find(([name]) => name === 'big-orders')[2];
  assert(why.includes('"amount": 50 failed numeric > 100'), `the preview does not say why: ${why}`);
  const before = await snsTable(page);
  await page.locator('[data-testid=composer-publish]').click();
  assert((await page.locator('[data-testid=composer-outcome]').innerText()).includes('Published msg-'), 'no publish confirmation');
  const after = await snsTable(page);
  const delta = (s, k) => after[s][k] - before[s][k];
  assert(delta('s1', 'filtered') === 1 && delta('s1', 'matched') === 0, 'books-queue should filter it');
  assert(delta('s2', 'matched') === 1 && delta('s2', 'filtered') === 0, 'electronics-queue should get it');
  assert(delta('s3', 'filtered') === 1 && delta('s3', 'matched') === 0, 'big-orders should filter it');
  assert(delta('s4', 'matched') === 1, 'audit-webhook should get it');
  // Its copies arrive: step until both deliveries are counted.
  for (let i = 0; i < 40 && (await snsTable(page)).s4.delivered - before.s4.delivered < 1; i++) await page.locator('[data-testid=step]').click();
  const done = await snsTable(page);
  assert(done.s2.delivered - before.s2.delivered >= 1 && done.s4.delivered - before.s4.delivered >= 1, `copies not delivered: ${JSON.stringify(done)}`);
  // An invalid message is explained, not published.
  await page.locator('[data-testid=composer-attributes]').fill('{"order_type": true}');
  assert((await page.locator('[data-testid=composer-error]').innerText()).includes('"order_type"'), 'a bad attribute is not explained');
  assert(await page.locator('[data-testid=composer-publish]').isDisabled(), 'Publish stays enabled for an invalid message');
  await page.locator('[data-testid=composer-attributes]').fill('{"order_type": "books"');
  const broken = await page.locator('[data-testid=composer-error]').innerText();
  assert(broken.includes('closing brace') && !broken.includes('EOF'), `broken JSON is not explained in plain words: ${broken}`);
  // Attribute names and values AWS refuses get AWS's recorded code and words (LS test_sns.py).
  await page.locator('[data-testid=composer-attributes]').fill('{"order type": "books"}');
  const named = await page.locator('[data-testid=composer-error]').innerText();
  assert(named.includes("ParameterValueInvalid: Invalid non-alphanumeric character '#x20' was found in the message attribute name."), `not AWS's attribute-name error: ${named}`);
  await page.locator('[data-testid=composer-attributes]').fill('{"order_type": ""}');
  const empty = await page.locator('[data-testid=composer-error]').innerText();
  assert(empty.includes("The message attribute 'order_type' must contain non-empty message attribute value for message attribute type 'String'."), `not AWS's empty-value error: ${empty}`);
  assert(await page.locator('[data-testid=composer-publish]').isDisabled(), 'Publish stays enabled for an attribute AWS refuses');
  // A new scenario starts a new run: the old confirmation goes.
  await page.locator('[data-testid=composer-attributes]').fill('{"order_type": "books"}');
  await page.locator('[data-testid=reset]').click();
  assert((await page.locator('[data-testid=composer-outcome]').innerText()) === '', 'a stale publish confirmation stays after a reset');
  noErrors(page);
  await page.context().close();
});

test('/sns: an invalid filter policy shows AWS\'s error and the previous policy keeps running', async () => {
  const page = await openSns();
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 3, null, { timeout: 15000 });
  const field = page.locator('[data-testid="knob-s1.filter"]');
  await field.fill('{"order_type": "books"}');
  const message = await page.locator('[data-testid="knob-s1.filter-message"]').innerText();
  assert(message.startsWith('Invalid parameter: Attributes Reason: FilterPolicy:'), `not AWS's error text: ${message}`);
  assert((await page.locator('[data-testid=sub-1]').textContent()).includes('order_type:[books]'), 'the old policy is no longer shown as active');
  assert((await num(page, 'sim-time')) > 3, 'an invalid policy restarted the run');
  await field.fill('{"order_type": [');
  assert((await page.locator('[data-testid="knob-s1.filter-message"]').innerText()).includes('FilterPolicy'), 'broken JSON is not explained');
  await field.fill('{"order_type": ["grocery"]}');
  await page.waitForFunction(() => document.querySelector('[data-testid="knob-s1.filter-message"]')?.innerText === '');
  assert((await page.locator('[data-testid=sub-1]').textContent()).includes('order_type:[grocery]'), 'the new policy is not active');
  assert(new URL(page.url()).searchParams.get('s1.filter') === '{"order_type": ["grocery"]}', `the link does not carry the policy: ${page.url()}`);
  await page.locator('[data-testid=play]').click();
  noErrors(page);
  await page.context().close();
});

test('/sns: a filter policy edited mid-run changes at that moment, shows it propagating, and the inspector names the previous policy', async () => {
  const page = await openSns();
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 4, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  const editedAt = await num(page, 'sim-time');
  // electronics-queue now wants books: made at the current time, not a restart.
  await page.locator('[data-testid="knob-s2.filter"]').fill('{"order_type": ["books"]}');
  await page.waitForFunction(() => /propagating: \d+ s left/.test(document.querySelector('[data-testid=sub-2-propagating]')?.textContent ?? ''), null, { timeout: 10000 });
  assert((await num(page, 'sim-time')) === editedAt, `the edit moved the run from ${editedAt} s to ${await num(page, 'sim-time')} s`);
  assert((await page.locator('[data-testid=sub-2]').textContent()).includes('order_type:[books]'), 'the new policy is not shown');
  const edits = new URL(page.url()).searchParams.get('s2.edits') ?? '';
  // `when:scope:length:policy before the change`, made at the time the run stood at.
  const [when, scope] = edits.split(':');
  assert(Math.abs(parseFloat(when) - editedAt) < 0.1 && scope === 'a' && edits.includes('electronics'), `the link does not carry the change: ${page.url()}`);
  // Published at once, a book still meets the previous policy (electronics only): the preview says so, and it is stopped.
  await page.locator('[data-testid=composer-attributes]').fill('{"order_type": "books", "amount": 5}');
  const verdict = await page.locator('[data-testid=composer-verdict]').nth(1).evaluate((li) => [li.dataset.delivered, li.textContent]);
  assert(verdict[0] === 'false' && verdict[1].includes('the previous policy decided'), `preview for electronics-queue: ${verdict}`);
  await page.locator('[data-testid=composer-publish]').click();
  await clickToken(page, 'g.sns-token.filtered.previous');
  await page.waitForFunction(() => /previous policy/.test(document.querySelector('[data-testid=inspector-decision]')?.textContent ?? ''), null, { timeout: 5000 }).catch(() => {});
  const decision = await page.locator('[data-testid=inspector-decision]').textContent();
  assert(decision.includes('the previous policy decided') && decision.includes('still taking effect'), `the inspector does not name the previous policy: ${decision}`);
  await page.screenshot({ path: path.join(shots, 'sns-filter-propagating-desktop.png'), fullPage: true });
  // 60 s later the change has reached every copy: the label goes.
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction((t) => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > t + 61, editedAt, { timeout: 30000 });
  assert((await page.locator('[data-testid=sub-2-propagating]').textContent()) === '', 'still propagating after 60 s');
  await page.locator('[data-testid=play]').click();
  noErrors(page);
  await page.context().close();
});

// Each preset opened at a simulated time where its lesson shows (seed 42).
const SNS_EFFECTS = [
  ['orders-by-type', 30, 'filters stop copies', (t) => t.s1.filtered > 0 && t.s2.filtered > 0 && t.s4.filtered === 0],
  ['body-filter', 30, 'body filters stop and pass copies', (t) => Object.values(t).every((s) => s.filtered > 0 && s.matched > 0)],
  ['http-down-dlq', 90, 'retries, then the DLQ; nothing delivered to the webhook', (t) => t.s1.retries > 0 && t.s1.dlq > 0 && t.s1.delivered === 0 && t.s1.lost === 0],
  ['no-dlq-lost', 90, 'lost after retries; client errors lost without retries', (t) => t.s1.lost > 0 && t.s2.lost > 0 && t.s2.retries === 0 && t.s3.lost === 0],
  ['webhook-403', 60, '403s counted delivered and lost, never retried or dead-lettered; the slow webhook retried', (t) => t.s1.delivered > 0 && t.s1.lost === t.s1.delivered && t.s1.retries === 0 && t.s1.dlq === 0 && t.s2.retries > 0],
  ['fifo-order', 45, 'FIFO queues in order, the standard one not', (t) => t.s1['out-of-order'] + t.s2['out-of-order'] === 0 && t.s2.retries > 0 && t.s3['out-of-order'] > 0],
  ['filter-change', 45, 'copies decided by the previous policy while the change propagates', (t) => t.s1['old-policy'] > 0 && t.s1.filtered > 0 && t.s2['old-policy'] === 0],
  ['sns-vs-sqs', 90, 'pushed copies lost while the queue holds its backlog', (t) => t.s1.lost > 0 && t.s2.processed === 0 && t.s2.delivered > 60],
];

test('/sns: every preset shows its effect, and the picker explains it', async () => {
  for (const [key, secs, lesson, check] of SNS_EFFECTS) {
    const page = await openSns(`?p=${key}&t=${secs}`);
    const t = await snsTable(page);
    assert(check(t), `${key} at ${secs} s: expected ${lesson}, got ${JSON.stringify(t)}`);
    if (key === 'http-down-dlq') {
      assert((await page.locator('[data-testid=sub-1-dlq]').textContent()).match(/DLQ: [1-9]/), 'the DLQ box shows no messages');
      assert((await tokenCount(page, 'g.sns-token.backoff')) > 0, 'no copy waits for a retry');
      await clickToken(page, 'g.sns-token.dead');
      await page
        .waitForFunction(() => /MOVED_TO_DLQ|Older history/.test(document.querySelector('[data-testid=inspector]')?.innerText ?? ''), null, { timeout: 5000 })
        .catch(() => {});
      const text = await page.locator('[data-testid=inspector]').innerText();
      assert(text.includes('MOVED_TO_DLQ') || text.includes('Older history'), `the inspector does not explain the DLQ move: ${text.slice(0, 300)}`);
      assert((await page.locator('[data-testid=inspector-payload]').textContent()).includes('"Type": "Notification"'), 'no JSON envelope shown');
      await page.screenshot({ path: path.join(shots, 'sns-dlq-desktop.png'), fullPage: true });
    }
    if (key === 'webhook-403') {
      // The silent loss is drawn where it happens: a red token at the endpoint, saying why.
      assert((await page.locator('[data-testid=sub-1-dlq]').textContent()).includes('DLQ: 0'), 'a 403 reached the DLQ');
      const lost = page.locator('g.sns-token.lost').first();
      assert((await lost.getAttribute('aria-label') ?? '').includes('SNS treats 4xx as delivered — lost'), 'no red token explains the 403');
      await page.screenshot({ path: path.join(shots, 'sns-403-desktop.png'), fullPage: true });
    }
    noErrors(page);
    await page.context().close();
  }
  const page = await openSns();
  await page.locator('[data-testid=preset]').selectOption('no-dlq-lost');
  assert((await page.locator('[data-testid=preset-explanation]').innerText()).includes('SNS keeps no messages'), 'the explanation did not change');
  assert((await page.locator('[data-testid^=sub-][data-testid$=-counts]').count()) === 3, 'the preset did not load its subscriptions');
  noErrors(page);
  await page.context().close();
});

test('/sns: a copied link replays the run with the same settings and counters', async () => {
  const page = await openSns();
  await page.locator('[data-testid=preset]').selectOption('http-down-dlq');
  await page.locator('[data-testid="knob-s1.dlq"]').uncheck();
  await page.locator('[data-testid="knob-s2.health"]').selectOption('5xx');
  await page.locator('[data-testid="knob-s2.filter"]').fill('{"amount": [{"numeric": [">", 100]}]}');
  await page.locator('[data-testid=seed]').fill('9');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 20, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  await page.locator('[data-testid=share-with-time]').check();
  await page.locator('[data-testid=copy-link]').click();
  const link = await page.locator('[data-testid=share-link]').inputValue();
  const q = new URL(link).searchParams;
  assert(q.get('p') === 'http-down-dlq' && q.get('s1.dlq') === '0' && q.get('s2.health') === '5xx' && q.get('seed') === '9', `the link misses settings: ${link}`);
  const before = await snsState(page);
  const other = await openSns(new URL(link).search);
  assert((await snsState(other)) === before, `the link opened a different run:\n  original ${before}\n  link     ${await snsState(other)}`);
  assert((await other.locator('[data-testid="knob-s2.filter"]').inputValue()) === '{"amount": [{"numeric": [">", 100]}]}', 'the filter policy did not come back');
  assert((await other.locator('[data-testid=link-notice]').count()) === 0, 'a clean link shows a notice');
  for (const p of [page, other]) for (let i = 0; i < 25; i++) await p.locator('[data-testid=step]').click();
  assert((await snsState(page)) === (await snsState(other)), 'the runs drifted apart after the same steps');
  noErrors(page);
  noErrors(other);
  await page.context().close();
  await other.context().close();
});

test('/sns embeds: the scene alone in 320 px, the controls asked for, and a host page can set a preset', async () => {
  for (const [controls, play, preset] of [['min', 1, 0], ['full', 1, 1], ['none', 0, 0]]) {
    const page = await newPage({ viewport: { width: 320, height: 640 }, reducedMotion: 'reduce' });
    await page.goto(at(`sns?embed=1&p=http-down-dlq&controls=${controls}`));
    await page.waitForSelector('[data-testid=embed-frame] svg[data-testid=sns-diagram]');
    assert((await page.locator('header.site-header, footer.site-footer, h1').count()) === 0, `${controls}: the site chrome is shown`);
    assert((await page.locator('[data-testid=play]').count()) === play, `${controls}: play button count`);
    assert((await page.locator('[data-testid=preset]').count()) === preset, `${controls}: preset picker count`);
    const open = await page.locator('[data-testid=open-full]').getAttribute('href');
    assert(open.includes('p=http-down-dlq') && !open.includes('embed'), `the full-playground link is ${open}`);
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert(scroll <= client, `${controls}: the embed is ${scroll}px wide in a 320px frame`);
    if (controls === 'full') await page.screenshot({ path: path.join(shots, 'sns-embed-320.png'), fullPage: true });
    noErrors(page);
    await page.context().close();
  }
  // In a host page, a "set" message is read like a link.
  const host = await newPage({ reducedMotion: 'reduce' });
  await host.goto(at('examples/blog.html'));
  await host.evaluate((src) => {
    const frame = document.createElement('iframe');
    Object.assign(frame, { id: 'sns-embed', src, width: 640, height: 700 });
    document.body.prepend(frame);
  }, at('sns?embed=1&p=http-down-dlq'));
  const frame = host.frameLocator('#sns-embed');
  await frame.locator('[data-testid=sub-2-counts]').waitFor({ timeout: 15000 });
  assert((await frame.locator('[data-testid^=sub-][data-testid$=-counts]').count()) === 2, 'the embed did not open its preset');
  await host.locator('#sns-embed').evaluate((f) => f.contentWindow.postMessage({ type: 'nimbus:set', patch: 'p=orders-by-type' }, '*'));
  await frame.locator('[data-testid=sub-4-counts]').waitFor({ timeout: 5000 });
  noErrors(host);
  await host.context().close();
});

test('/sns screenshots at desktop and phone width, light and dark', () => screenshotsOf('sns', openSns, '?p=orders-by-type&t=20'));

// ---- Kinesis -----------------------------------------------------------------------------------
async function openKinesis(query = '', options = {}) {
  const page = await newPage({ reducedMotion: 'reduce', ...options });
  await page.goto(at(`kinesis${query}`));
  await ready(page);
  await page.waitForSelector('svg[data-testid=kinesis-diagram]');
  return page;
}
const throttlingLanes = (page) => page.locator('[data-testid^=lane-][data-throttling=true]').evaluateAll((gs) => gs.map((g) => g.dataset.testid));
const kinState = async (page) =>
  JSON.stringify([await num(page, 'sim-time'), await num(page, 'count-written'), await num(page, 'count-throttled'), await num(page, 'count-open-shards'), await page.locator('[data-testid=run-hash]').textContent()]);
// key-0's MD5 as a hash key: splitting shard 2 there gives the hot key a child of its own.
const KEY0_HASH = '239606560113066237791549349790285249783';

test('/kinesis loads without console errors; playing writes records into four shards', async () => {
  const page = await openKinesis();
  assert((await page.locator('[data-testid^=lane-]').count()) === 4, 'four shard lanes');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=count-written]')?.innerText) > 500, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  assert((await tokenCount(page, 'g.kin-record')) > 20, 'no records drawn in the lanes');
  assert((await page.locator('svg[data-testid=chart] path').count()) >= 1, 'the charts draw no line');
  assert((await page.locator('[data-testid=capacity-advice]').innerText()).includes('shard'), 'no capacity advice');
  noErrors(page);
  await page.context().close();
});

test('/kinesis: the hot-key preset throttles exactly one shard, and splitting a hot shard removes the throttling', async () => {
  const hot = await openKinesis('?p=hot-key&t=10');
  const lanes = await throttlingLanes(hot);
  assert(lanes.length === 1, `expected one throttling shard, got ${JSON.stringify(lanes)}`);
  assert((await hot.locator('g.kin-refused').count()) > 0, 'no refused records bounce back');
  assert((await hot.locator('[data-testid=capacity-advice]').innerText()).includes('busiest key alone'), 'the advice does not name the hot key');
  noErrors(hot);
  await hot.context().close();

  // Without its scheduled split, the second preset's shard 2 is hot; split it with the buttons.
  const page = await openKinesis('?p=split-hot-shard&reshards=&t=15');
  assert(JSON.stringify(await throttlingLanes(page)) === '["lane-2"]', `shard 2 should throttle: ${JSON.stringify(await throttlingLanes(page))}`);
  await page.locator('[data-testid=split-shard]').selectOption('2');
  await page.locator('[data-testid=split-key]').fill(KEY0_HASH);
  await page.locator('[data-testid=split]').click();
  // A split is not instant: the stream is UPDATING for 30 s and shard 2 still takes the writes.
  const outcome = await page.locator('[data-testid=reshard-outcome]').innerText();
  assert(outcome.startsWith('Accepted at 15') && outcome.includes('UPDATING until 45'), `the split was not accepted: ${outcome}`);
  assert((await num(page, 'sim-time')) >= 15, 'the split restarted the run');
  assert((await page.locator('[data-testid^=lane-]').count()) === 4, 'the split happened at once');
  assert((await page.locator('[data-testid=lane-2]').getAttribute('data-closing')) === 'true', 'shard 2 is not marked as closing');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  // Five open shards get lanes when it completes; the closed parent moves to the lineage strip.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^=lane-]').length === 5, null, { timeout: 15000 });
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 48, null, { timeout: 15000 });
  const before = await num(page, 'count-throttled');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 58, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  assert((await page.locator('[data-testid=lineage]').allTextContents()).join(' ').includes('shard 2 → 4, 5'), 'the closed parent is not in the lineage strip');
  const after = await num(page, 'count-throttled');
  assert(after - before < 50, `throttling went on after the split: ${before} → ${after}`);
  assert((await throttlingLanes(page)).length === 0, `a shard still throttles: ${JSON.stringify(await throttlingLanes(page))}`);
  assert(new URL(page.url()).searchParams.get('reshards')?.startsWith('split:2:'), `the link does not carry the split: ${page.url()}`);
  noErrors(page);
  await page.context().close();
});

test('/kinesis: a resharding keeps the stream UPDATING, counting down, refuses a second call, then gives even shards', async () => {
  // UpdateShardCount 4 → 5 at 10 s: UPDATING until 70.4 s (a round of splits, a round of merges).
  const page = await openKinesis('?p=uniform-scaling&t=20');
  const status = page.locator('[data-testid=stream-status]');
  const secondsLeft = async () => Number((/(\d+) s left/.exec(await status.textContent()) ?? [])[1]);
  assert((await status.getAttribute('data-updating')) === 'true', 'the stream is not UPDATING at 20 s');
  assert((await status.textContent()).includes('UpdateShardCount to 5'), `status: ${await status.textContent()}`);
  const left = await secondsLeft();
  assert(left > 45 && left <= 51, `time left at 20 s: ${left}`);
  const lanes = page.locator('[data-testid^=lane-]');
  assert((await lanes.count()) === 4, 'the four shards keep their lanes while UPDATING');
  const closing = await lanes.evaluateAll((gs) => gs.map((g) => g.dataset.closing));
  assert(closing.every((c) => c === 'true'), `every shard closes when it completes: ${closing}`);
  assert((await page.locator('[data-testid=pending-boundary]').count()) === 4, 'the new boundaries (20, 40, 60, 80 %) are not marked on the bar');
  assert((await page.locator('[data-testid=refused-reshards]').innerText()).includes('count:6@30 — ResourceInUseException'), 'the second UpdateShardCount is not listed as refused');
  assert((await page.locator('[data-testid=caption]').innerText()).includes('UPDATING'), 'the caption does not teach UPDATING');
  // A button meanwhile gets AWS's refusal.
  await page.locator('[data-testid=split]').click();
  const refusal = await page.locator('[data-testid=reshard-outcome]').innerText();
  assert(refusal.includes('ResourceInUseException') && refusal.includes('not ACTIVE, instead in state UPDATING'), `the split was not refused: ${refusal}`);
  // Animated: the time left counts down and the bar fills as the run plays.
  const fill = () => page.locator('.kin-status-fill').evaluate((r) => Number(r.getAttribute('width')));
  const fillBefore = await fill();
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 35, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  assert((await secondsLeft()) < left - 10, `the time left did not count down: ${left} → ${await secondsLeft()}`);
  assert((await fill()) > fillBefore, 'the progress bar did not grow');
  // Then ACTIVE, with five shards of 20 % each.
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=stream-status]')?.dataset.updating === 'false', null, { timeout: 20000 });
  await page.locator('[data-testid=play]').click();
  assert((await status.textContent()).trim() === 'Stream ACTIVE', `status: ${await status.textContent()}`);
  assert((await lanes.count()) === 5, 'five shards after UpdateShardCount');
  const ranges = await page.locator('[data-testid^=lane-] .kin-range').allTextContents();
  assert(ranges.every((r) => r.includes('20.0% of keys')), `uneven shards: ${ranges}`);
  assert((await num(page, 'count-reshards-refused')) === 1, 'the refused call is not counted');
  noErrors(page);
  await page.context().close();
});

test('/kinesis: a merge offers only the adjacent shard; bad resharding and knob values are explained', async () => {
  const page = await openKinesis('?p=merge-cold');
  const optionsOf = (id) => page.locator(`[data-testid=${id}] option`).evaluateAll((os) => os.map((o) => o.value));
  // MergeShards takes a shard and the next one in hash-key order: the second picker offers only it.
  await page.locator('[data-testid=merge-a]').selectOption('2');
  assert(JSON.stringify(await optionsOf('merge-b')) === '["3"]', `merge-b offers ${JSON.stringify(await optionsOf('merge-b'))}`);
  assert(!(await optionsOf('merge-a')).includes('7'), 'the last shard has no shard above it to merge with');
  await page.locator('[data-testid=target-count]').fill('20');
  await page.locator('[data-testid=update-count]').click();
  assert((await page.locator('[data-testid=reshard-outcome]').innerText()).includes('LimitExceededException'), 'scaling over double is not refused');
  assert((await page.locator('[data-testid^=lane-]').count()) === 8, 'a refused rescale changed the shards');
  await page.locator('[data-testid=knob-shards]').fill('40');
  assert((await page.locator('[data-testid=knob-shards-message]').innerText()).includes('1–16'), 'an out-of-range shard count is not explained');
  noErrors(page);
  await page.context().close();
});

test('/kinesis: with more than 16 shards in the history, every open shard is drawn and can be resharded', async () => {
  // Split at 4.7 s, shard 2 at 40 s, then UpdateShardCount to 8 at 75 s, each once the stream is
  // ACTIVE again: 20 shards in all.
  const page = await openKinesis('?p=split-hot-shard&reshards=split:0@4.7;split:2@40;count:8@75&t=140');
  const open = await num(page, 'count-open-shards');
  assert(open === 8, `expected 8 open shards, got ${open}`);
  const lanes = await page.locator('[data-testid^=lane-]').evaluateAll((gs) => gs.map((g) => g.dataset.testid));
  assert(lanes.length === 8, `every open shard gets a lane: ${JSON.stringify(lanes)}`);
  const splitOptions = await page.locator('[data-testid=split-shard] option').evaluateAll((os) => os.map((o) => o.value));
  assert(JSON.stringify(splitOptions.map((v) => `lane-${v}`)) === JSON.stringify(lanes), `the split picker lists ${JSON.stringify(splitOptions)}`);
  assert((await page.locator('[data-testid=lineage]').count()) > 0, 'no lineage strip for the closed shards');
  assert(!(await page.locator('[data-testid=kinesis-diagram]').textContent()).includes('not drawn'), 'open shards were hidden');
  await page.locator('[data-testid=split-shard]').selectOption(splitOptions[0]);
  await page.locator('[data-testid=split]').click();
  assert((await page.locator('[data-testid=reshard-outcome]').innerText()).startsWith('Accepted at'), 'the split was not accepted');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^=lane-]').length === 9, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  // Another preset is another run: "Done at …" about this one goes.
  await page.locator('[data-testid=preset]').selectOption('hot-key');
  await page.waitForFunction(() => document.querySelector('[data-testid=reshard-outcome]')?.innerText === '', null, { timeout: 5000 });
  noErrors(page);
  await page.context().close();
});

test('/kinesis: a copied link replays the run, resharding included', async () => {
  const page = await openKinesis('?p=merge-cold');
  await page.locator('[data-testid=knob-rate]').fill('300');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  // The preset's merges complete at 40 and 75 s; until then another resharding call is refused.
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 76, null, { timeout: 20000 });
  await page.locator('[data-testid=play]').click();
  await page.locator('[data-testid=merge-a]').selectOption('4');
  await page.locator('[data-testid=merge-b]').selectOption('5');
  await page.locator('[data-testid=merge]').click();
  await page.locator('[data-testid=share-with-time]').check();
  await page.locator('[data-testid=copy-link]').click();
  const link = await page.locator('[data-testid=share-link]').inputValue();
  assert(new URL(link).searchParams.get('reshards')?.includes('merge:4+5@'), `the link misses the merge: ${link}`);
  const before = await kinState(page);
  const other = await openKinesis(new URL(link).search);
  assert((await kinState(other)) === before, `the link opened a different run:\n  original ${before}\n  link     ${await kinState(other)}`);
  for (const p of [page, other]) for (let i = 0; i < 25; i++) await p.locator('[data-testid=step]').click();
  assert((await kinState(page)) === (await kinState(other)), 'the runs drifted apart after the same steps');
  noErrors(page);
  noErrors(other);
  await page.context().close();
  await other.context().close();
});

test('/kinesis screenshots at desktop and phone width, light and dark', () => screenshotsOf('kinesis', openKinesis, '?p=split-hot-shard&t=25'));
test('/kinesis screenshots while UPDATING', () => screenshotsOf('kinesis-updating', openKinesis, '?p=uniform-scaling&t=20'));

// ---- API Gateway -------------------------------------------------------------------------------
async function openApigw(query = '', options = {}) {
  const page = await newPage({ reducedMotion: 'reduce', ...options });
  await page.goto(at(`apigw${query}`));
  await ready(page);
  await page.waitForSelector('svg[data-testid=apigw-diagram]');
  return page;
}
const apiState = async (page) =>
  JSON.stringify([await num(page, 'sim-time'), await num(page, 'count-offered'), await num(page, 'count-admitted'), await num(page, 'count-throttled'), await page.locator('[data-testid=run-hash]').textContent()]);

test('/apigw loads without console errors; playing sends requests through the buckets', async () => {
  const page = await openApigw();
  assert((await page.locator('[data-testid^=bucket-]').count()) >= 3, 'the stage, account and Regional buckets are drawn');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=count-admitted]')?.innerText) > 300, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  assert((await page.locator('svg[data-testid=chart] path').count()) >= 1, 'the charts draw no line');
  noErrors(page);
  await page.context().close();
});

test('/apigw: raising the burst absorbs the burst preset\'s 429s', async () => {
  const small = await openApigw('?p=burst&stage-burst=100&t=25');
  assert((await num(small, 'count-throttled')) > 100, 'a burst of 300 into a bucket of 100 should get 429s');
  assert(new URL(small.url()).searchParams.get('stage-burst') === '100', 'the link does not keep the burst');
  noErrors(small);
  await small.context().close();
  const page = await openApigw('?p=burst&stage-burst=100&t=25');
  await page.locator('[data-testid=knob-stage-burst]').fill('500');
  await setSpeed(page, 9);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 25, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  assert((await num(page, 'count-throttled')) === 0, `a burst of 500 absorbs them: ${await num(page, 'count-throttled')} throttled`);
  // A stage burst above the account's is accepted (AWS bounds it by the account, which still
  // applies); a usage plan above the account's, or a negative value, is refused and explained.
  await page.locator('[data-testid=knob-stage-burst]').fill('9000');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('stage-burst') === '9000', null, { timeout: 5000 });
  assert((await page.locator('[data-testid=knob-stage-burst-message]').innerText()).trim() === '', 'a stage burst above the account\'s is accepted');
  await page.locator('[data-testid=knob-stage-burst]').fill('-5');
  assert((await page.locator('[data-testid=knob-stage-burst-message]').innerText()).includes('whole number, 0–25,000'), 'a negative burst is not explained');
  noErrors(page);
  await page.context().close();
});

test('/apigw: the retry-storm preset offers more than is admitted, and jittered backoff retries less', async () => {
  const storm = await openApigw('?p=retry-storm&t=20');
  const [offered, admitted, stormRetries] = [await num(storm, 'count-offered'), await num(storm, 'count-admitted'), await num(storm, 'count-retries')];
  assert(offered > 2 * admitted, `a storm: ${offered} offered, ${admitted} admitted`);
  assert((await tokenCount(storm, 'g.api-call.throttled')) > 0, 'no 429 bounces back');
  noErrors(storm);
  await storm.context().close();
  const calm = await openApigw('?p=retry-storm&retry=standard&t=20');
  const calmRetries = await num(calm, 'count-retries');
  assert(calmRetries * 3 < stormRetries, `standard retries ${calmRetries} vs immediate ${stormRetries}`);
  noErrors(calm);
  await calm.context().close();
});

test('/apigw: the slow-backend preset answers 504 at the integration timeout while the backend keeps working', async () => {
  const page = await openApigw('?p=slow-backend&t=20');
  assert((await page.locator('[data-testid=caption]').innerText()).includes('504'), 'the caption does not give the lesson');
  const [timedOut, finished, retries] = [await num(page, 'caption-timed-out'), await num(page, 'caption-finished-after-504'), await num(page, 'caption-retries')];
  assert(timedOut > 10 && finished > 5 && retries > 10, `504s ${timedOut}, finished after 504 ${finished}, retries ${retries}`);
  assert((await num(page, 'count-throttled')) === 0, 'a slow backend is not throttling');
  // Played on, the diagram shows 504s bouncing back and the backend finishing requests already answered 504.
  await setSpeed(page, 2);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => document.querySelector('svg[data-testid=apigw-diagram] g.api-call.after-504') && (document.querySelector('[data-testid=backend-after-504]')?.textContent ?? '').includes('504'), null, { timeout: 15000 });
  await page.waitForFunction(() => document.querySelector('svg[data-testid=apigw-diagram] g.api-call.timed-out'), null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  noErrors(page);
  await page.context().close();
  // The explanation's "try this": fewer backend slots, and most calls fail.
  const crowded = await openApigw('?p=slow-backend&concurrency=40&t=60');
  const [calls, succeeded] = [await num(crowded, 'count-offered'), await num(crowded, 'count-succeeded')];
  assert((await num(crowded, 'count-gave-up')) > succeeded, `with 40 slots most calls fail: ${succeeded} succeeded of ${calls} attempts`);
  noErrors(crowded);
  await crowded.context().close();
});

test('/apigw: a copied link replays the run', async () => {
  const page = await openApigw('?p=usage-plans');
  await page.locator('[data-testid=knob-clients]').fill('6');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 15, null, { timeout: 15000 });
  await page.locator('[data-testid=play]').click();
  await page.locator('[data-testid=share-with-time]').check();
  await page.locator('[data-testid=copy-link]').click();
  const link = await page.locator('[data-testid=share-link]').inputValue();
  const before = await apiState(page);
  const other = await openApigw(new URL(link).search);
  assert((await apiState(other)) === before, `the link opened a different run:\n  original ${before}\n  link     ${await apiState(other)}`);
  for (const p of [page, other]) for (let i = 0; i < 25; i++) await p.locator('[data-testid=step]').click();
  assert((await apiState(page)) === (await apiState(other)), 'the runs drifted apart after the same steps');
  noErrors(page);
  noErrors(other);
  await page.context().close();
  await other.context().close();
});

test('/apigw screenshots at desktop and phone width, light and dark', () => screenshotsOf('apigw', openApigw, '?p=usage-plans&t=12'));

// ---- VPC peering ---------------------------------------------------------------------------------
async function openVpc(query = '', options = {}) {
  const page = await newPage({ reducedMotion: 'reduce', ...options });
  await page.goto(at(`vpc${query}`));
  await ready(page);
  await page.waitForSelector('svg[data-testid=vpc-diagram]');
  return page;
}
const verdict = (page) => page.locator('[data-testid=verdict]').innerText();
const pcxState = (page, id) => page.locator(`[data-testid=pcx-state-${id}]`).innerText();
const vpcState = async (page) =>
  JSON.stringify([await verdict(page), await page.locator('[data-testid=op-log]').textContent(), await page.locator('[data-testid=peering-list]').innerText()]);

test('/vpc loads without console errors; the non-transitive preset\'s packet stops at pcx-ab with NON_TRANSITIVE', async () => {
  const page = await openVpc();
  assert((await page.locator('g.vpc-box').count()) === 3, 'three VPC boxes');
  assert((await page.locator('g.vpc-peer.active').count()) === 2, 'two active peering lines');
  assert((await verdict(page)) === 'NON_TRANSITIVE', `verdict ${await verdict(page)}`);
  const stop = await page.locator('[data-testid=blocked-at]').innerText();
  assert(stop.startsWith('pcx-ab') && stop.includes('NON_TRANSITIVE'), `stopped at: ${stop}`);
  assert((await page.locator('[data-testid=packet-stop]').count()) === 1, 'the diagram shows no stop mark');
  assert((await page.locator('[data-testid=fix]').innerText()).includes('Peer A with C directly'), 'no fix');
  assert((await page.locator('[data-testid=reach-A-C]').innerText()) === 'NON_TRANSITIVE', 'the matrix disagrees');
  // Clicking an instance sends to it; Shift+click sends from it.
  await page.locator('[data-testid="instance-B/app"]').click();
  assert((await verdict(page)) === 'ARRIVED', `A to B: ${await verdict(page)}`);
  await page.locator('[data-testid="instance-C/app"]').click({ modifiers: ['Shift'] });
  assert((await page.locator('[data-testid=packet-from]').inputValue()) === 'C/app', 'Shift+click did not change the source');
  assert((await verdict(page)) === 'ARRIVED', `C to B: ${await verdict(page)}`);
  noErrors(page);
  await page.context().close();
});

test('/vpc: the packet travels hop by hop (unless the reader prefers reduced motion)', async () => {
  const page = await openVpc('', { reducedMotion: 'no-preference' });
  await page.waitForSelector('[data-testid=packet-stop]', { timeout: 10000 });
  await page.locator('[data-testid=send-packet]').click();
  await page.waitForTimeout(100);
  assert((await page.locator('[data-testid=packet-stop]').count()) === 0, 'the packet stopped at once: no journey');
  assert((await page.locator('circle.vpc-packet').count()) === 1, 'no packet on its way');
  await page.waitForSelector('[data-testid=packet-stop]', { timeout: 10000 });
  noErrors(page);
  await page.context().close();
});

test('/vpc: adding the direct peering and routes makes the packet arrive; a copied link replays it', async () => {
  const page = await openVpc();
  await page.locator('[data-testid=peer-requester]').selectOption('A');
  await page.locator('[data-testid=peer-accepter]').selectOption('C');
  await page.locator('[data-testid=request-peering]').click();
  assert((await pcxState(page, 'pcx-ac')) === 'pending-acceptance', 'the request is not pending');
  await page.locator('[data-testid=accept-pcx-ac]').click();
  assert((await pcxState(page, 'pcx-ac')) === 'active', 'not active after accepting');
  // A's route to C's block still points at pcx-ab: the packet still stops.
  assert((await verdict(page)) === 'NON_TRANSITIVE', 'arrived without fixing A\'s route');
  await page.locator('[data-testid="retarget-A-10.2.0.0/16"]').selectOption('pcx-ac');
  assert((await verdict(page)) === 'NO_RETURN_ROUTE', `after A's route: ${await verdict(page)}`);
  await page.locator('[data-testid=route-dest-C]').fill('10.0.0.0/16');
  await page.locator('[data-testid=route-target-C]').selectOption('pcx-ac');
  await page.locator('[data-testid=add-route-C]').click();
  assert((await verdict(page)) === 'ARRIVED', `after C's route: ${await verdict(page)}`);
  assert((await page.locator('[data-testid=packet-arrived]').count()) === 1, 'no arrival mark');
  assert((await page.locator('[data-testid=reach-A-C]').innerText()) === '✓', 'the matrix disagrees');
  await page.locator('[data-testid=copy-link]').click();
  const link = await page.locator('[data-testid=share-link]').inputValue();
  assert(new URL(link).searchParams.get('add')?.includes('peer A C'), `the link carries no operations: ${link}`);
  const before = await vpcState(page);
  const other = await openVpc(new URL(link).search);
  assert((await vpcState(other)) === before, `the link opened a different network:\n  original ${before}\n  link     ${await vpcState(other)}`);
  noErrors(page);
  noErrors(other);
  await page.context().close();
  await other.context().close();
});

test('/vpc: a peering between overlapping CIDRs is created and ends failed', async () => {
  const page = await openVpc();
  await page.locator('[data-testid=new-vpc-name]').fill('D');
  await page.locator('[data-testid=new-vpc-cidr]').fill('10.1.0.0/8');
  assert((await page.locator('[data-testid=create-vpc-message]').innerText()).includes('/16 to /28'), 'a /8 block is not explained');
  assert(await page.locator('[data-testid=create-vpc]').isDisabled(), 'an invalid VPC can be created');
  await page.locator('[data-testid=new-vpc-cidr]').fill('10.1.128.0/17');
  await page.locator('[data-testid=create-vpc]').click();
  assert((await page.locator('g.vpc-box').count()) === 4, 'no fourth VPC');
  await page.locator('[data-testid=peer-requester]').selectOption('D');
  await page.locator('[data-testid=peer-accepter]').selectOption('B');
  assert((await page.locator('[data-testid=request-peering-message]').innerText()).includes('overlap'), 'no warning that the request will fail');
  await page.locator('[data-testid=request-peering]').click();
  assert((await pcxState(page, 'pcx-db')) === 'failed', `state ${await pcxState(page, 'pcx-db')}`);
  assert((await page.locator('[data-testid=peer-pcx-db]').getAttribute('data-state')) === 'failed', 'the line is not drawn failed');
  assert((await page.locator('[data-testid=accept-pcx-db]').count()) === 0, 'a failed connection offers Accept');
  noErrors(page);
  await page.context().close();
});

test('/vpc: bad input (a malformed address, an IP outside every VPC, a route to a missing connection) is explained and loses nothing', async () => {
  const page = await openVpc('?add=route+A+10.9.0.0%2F16+pcx-zz;peer+A+C');
  const refused = await page.locator('[data-testid=refused-ops]').innerText();
  assert(refused.includes('InvalidVpcPeeringConnectionId.NotFound'), `refused: ${refused}`);
  assert((await pcxState(page, 'pcx-ac')) === 'pending-acceptance', 'the rest of the link was lost');
  await page.locator('[data-testid=packet-ip]').fill('10.0.0.300');
  assert((await page.locator('[data-testid=packet-error]').innerText()).includes('not an IPv4 address'), 'a bad address is not explained');
  assert((await verdict(page)) === 'NON_TRANSITIVE', 'a bad address changed the packet');
  await page.locator('[data-testid=packet-ip]').fill('192.168.7.7');
  assert((await verdict(page)) === 'NO_ROUTE', `to 192.168.7.7: ${await verdict(page)}`);
  assert((await page.locator('[data-testid=trace-result]').innerText()).includes('outside every VPC'), 'an IP outside every VPC is not explained');
  await page.locator('[data-testid=route-dest-B]').fill('10.2.0.0/33');
  assert((await page.locator('[data-testid=add-route-B-message]').innerText()).includes('not an IPv4 CIDR block'), 'a bad destination is not explained');
  noErrors(page);
  await page.context().close();
});

test('/vpc: a pending request blocks the packet; accepted it arrives, left 7 days it expires', async () => {
  const page = await openVpc('?p=pending');
  assert((await verdict(page)) === 'PEERING_NOT_ACTIVE', `pending: ${await verdict(page)}`);
  assert((await page.locator('[data-testid="route-state-A-10.1.0.0/16"]').innerText()) === 'blackhole', 'a route to a pending connection is not a blackhole');
  await page.locator('[data-testid=wait-7d]').click();
  assert((await pcxState(page, 'pcx-ab')) === 'expired', `after 7 days: ${await pcxState(page, 'pcx-ab')}`);
  assert((await verdict(page)) === 'ROUTE_BLACKHOLE', `expired: ${await verdict(page)}`);
  await page.locator('[data-testid=undo]').evaluate((b) => b.click());
  await page.locator('[data-testid=accept-pcx-ab]').click();
  assert((await verdict(page)) === 'ARRIVED', `accepted: ${await verdict(page)}`);
  noErrors(page);
  await page.context().close();
});

test('/vpc: the topology builder makes a full mesh of 6 (15 connections) and a hub and spoke whose spokes cannot talk', async () => {
  const page = await openVpc();
  await page.locator('details.vpc-edit summary', { hasText: 'Topology builder' }).click();
  const n = page.locator('[data-testid=topology-n]');
  await n.fill('12');
  await n.dispatchEvent('change');
  assert((await page.locator('[data-testid=topology-error]').innerText()).includes('from 2 to 8'), 'an out-of-range count is not explained');
  await n.fill('6');
  await n.dispatchEvent('change');
  assert((await page.locator('[data-testid=topology-counts]').innerText()).includes('15 connections'), 'the mesh count is not n(n-1)/2');
  await page.locator('[data-testid=build-topology]').click();
  assert((await page.locator('g.vpc-peer.active').count()) === 15, `${await page.locator('g.vpc-peer.active').count()} active lines`);
  assert((await verdict(page)) === 'ARRIVED', `mesh: ${await verdict(page)}`);
  await page.locator('[data-testid=topology-kind]').selectOption('hub');
  await n.fill('4');
  await n.dispatchEvent('change');
  await page.locator('[data-testid=build-topology]').click();
  assert((await page.locator('g.vpc-peer.active').count()) === 3, 'hub and spoke over 4 VPCs is 3 connections');
  assert((await page.locator('[data-testid=reach-A-B]').innerText()) === 'NO_ROUTE', 'two spokes can talk');
  assert((await page.locator('[data-testid=reach-Hub-A]').innerText()) === '✓', 'the hub cannot reach a spoke');
  noErrors(page);
  await page.context().close();
});

test('/vpc screenshots at desktop and phone width, light and dark', () => screenshotsOf('vpc', openVpc, '?p=mesh-5'));

// ---- Event-driven flows --------------------------------------------------------------------------
async function openFlow(query = '', options = {}) {
  const page = await newPage({ reducedMotion: 'reduce', ...options });
  await page.goto(at(`flow${query}`));
  await ready(page);
  await page.waitForSelector('svg[data-testid=flow-diagram]');
  return page;
}
const flowState = async (page) =>
  JSON.stringify([
    await num(page, 'sim-time'),
    await num(page, 'count-sent'),
    await num(page, 'count-processed'),
    await num(page, 'count-lost'),
    await page.locator('[data-testid=run-hash]').textContent(),
  ]);

test('/flow loads without console errors; playing moves messages along the connections', async () => {
  // Without reduced motion the messages are drawn moving.
  const page = await newPage();
  await page.goto(at('flow'));
  await ready(page);
  await page.waitForSelector('svg[data-testid=flow-diagram]');
  assert((await page.locator('g.flow-node').count()) === 4, 'the default preset has four nodes');
  assert((await page.locator('path.flow-edge').count()) === 3, 'and three connections');
  if ((await page.locator('[data-testid=play]').getAttribute('data-playing')) !== 'true') await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => Number(document.querySelector('g.sqs-tokens')?.dataset.count) > 0, null, { timeout: 15000 });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=count-processed]')?.innerText) > 0, null, { timeout: 20000 });
  noErrors(page);
  await page.context().close();
});

test('/flow: each preset shows its lesson\'s outcome at seed 42', async () => {
  const checks = [
    ['buffer-a-spike', 60, async (p) => (await num(p, 'count-lost')) === 0 && (await num(p, 'count-processed')) > 1000, 'a queue absorbs the burst: nothing lost'],
    ['fan-out-with-filters', 60, async (p) => (await num(p, 'count-filtered')) > 0 && (await num(p, 'count-dead-lettered')) > 0, 'filters stop copies and failures reach the DLQ'],
    ['sqs-poison-message', 120, async (p) => (await num(p, 'count-processed-twice')) > 0 && (await num(p, 'count-dead-lettered')) > 0, 'good messages are processed again and dead-lettered'],
    ['kinesis-poison-record', 300, async (p) => (await num(p, 'count-iterator-age--s-')) > 60, 'the poisoned shard stops advancing: its iterator age grows'],
    ['reserved-concurrency-too-low', 120, async (p) => (await num(p, 'count-throttled')) > 0 && (await num(p, 'count-dead-lettered')) > 0, 'throttles send good messages to the DLQ'],
    ['retry-storm', 60, async (p) => (await num(p, 'count-retries')) > 0 && (await num(p, 'count-504s')) > 0, 'timeouts bring retries'],
    ['fifo-pipeline', 60, async (p) => (await num(p, 'count-out-of-order')) === 0 && (await num(p, 'count-processed')) > 0, 'groups stay in order'],
    ['webhook-403', 60, async (p) => (await num(p, 'count-lost-to-4xx')) > 0, 'the 403s are silent losses'],
  ];
  const problems = [];
  for (const [key, t, ok, what] of checks) {
    const page = await openFlow(`?p=${key}&t=${t}`);
    await page.waitForFunction((t) => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) >= t, t, { timeout: 30000 });
    if (!(await ok(page))) problems.push(`${key} at ${t} s: ${what} — ${await flowState(page)}`);
    const caption = await page.locator('[data-testid=caption]').innerText();
    if (caption.length < 20) problems.push(`${key}: no lesson on the caption`);
    noErrors(page);
    await page.context().close();
  }
  assert(problems.length === 0, problems.join('\n'));
});

test('/flow: a node that dead-letters turns red with the reason, and one message can be followed to its end', async () => {
  const page = await openFlow('?p=reserved-concurrency-too-low&t=60');
  await page.waitForSelector('g.flow-node.red');
  const reason = await page.locator('g.flow-node.red').first().getAttribute('aria-label');
  assert(/throttled|dead-lettered/.test(reason), `a red node says why: ${reason}`);
  await page.locator('[data-testid=follow-next]').click();
  await page.waitForSelector('[data-testid=follow-path] li');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=follow-path] li').length >= 4, null, { timeout: 20000 });
  await page.locator('[data-testid=play]').click();
  const path = await page.locator('[data-testid=follow-path]').innerText();
  assert(path.includes('signups') && path.includes('welcome-emails'), `the path names the nodes: ${path}`);
  assert((await page.locator('[data-testid=flow-breakdown] li').count()) >= 2, 'the breakdown shows the time at each node');
  noErrors(page);
  await page.context().close();
});

test('/flow: adding an SQS queue between an SNS topic and a Lambda function changes the run; the link carries it', async () => {
  // A function subscribed straight to the topic (asynchronous invocation), from a link's edits.
  const page = await openFlow('?p=fan-out-with-filters&edit=' + encodeURIComponent('add lambda notify;con order-events notify'));
  assert((await page.locator('g.flow-node').count()) === 10, 'the link added the function');
  for (let i = 0; i < 40; i++) await page.locator('[data-testid=step]').click();
  const before = await flowState(page);
  await page.locator('[data-testid=flow-add-kind]').selectOption('sqs_queue');
  await page.locator('[data-testid=flow-add-name]').fill('notify-buffer');
  await page.locator('[data-testid=flow-add-other]').selectOption('order-events');
  await page.locator('[data-testid=flow-add-button]').click();
  await page.waitForFunction(() => document.querySelectorAll('g.flow-node').length === 11);
  // The new queue is selected: connect it to the function.
  await page.locator('[data-testid=flow-connect-target]').selectOption('notify');
  await page.locator('[data-testid=flow-connect]').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid=compose-message]')?.innerText ?? '').includes('Connected notify-buffer to notify'));
  // And take the function off the topic: the queue is now between them.
  await page.locator('[data-testid=flow-node-pick]').selectOption({ label: 'notify (Lambda function)' });
  const row = page.locator('[data-testid=flow-connections] li', { hasText: 'order-events' });
  await row.locator('button', { hasText: 'Remove' }).click();
  await page.waitForFunction(() => (document.querySelector('[data-testid=compose-message]')?.innerText ?? '').includes('Disconnected order-events from notify'));
  const edit = new URL(page.url()).searchParams.get('edit') ?? '';
  const edits = edit.split(';');
  assert(edits.includes('add sqs_queue notify-buffer') && edits.includes('con notify-buffer notify') && !edits.includes('con order-events notify'), `the link's edits: ${edit}`);
  for (let i = 0; i < 40; i++) await page.locator('[data-testid=step]').click();
  assert((await flowState(page)) !== before, 'the run did not change');
  noErrors(page);
  await page.context().close();
});

test('/flow: a connection AWS does not offer is refused with AWS\'s reason, and nothing changes', async () => {
  const page = await openFlow('?p=webhook-403');
  const before = page.url();
  // The topic cannot deliver to a producer, and a consumer group passes nothing on.
  await page.locator('[data-testid=flow-node-pick]').selectOption({ label: 'payment-events (standard topic)' });
  const refused = await page.locator('[data-testid=flow-refused]').textContent();
  assert(refused.includes('payments') && refused.includes('a topic delivers to SQS queues, Lambda functions and HTTP/S endpoints'), `refused: ${refused}`);
  assert((await page.locator('[data-testid=flow-connect-target] option[value=payments]').isDisabled()), 'the refused target can be chosen');
  await page.locator('[data-testid=flow-node-pick]').selectOption({ label: 'ledger-writer (consumers)' });
  await page.locator('[data-testid=flow-connect]').click();
  assert((await page.locator('[data-testid=compose-message]').innerText()).startsWith('Refused'), 'connecting nothing is explained');
  const refusedAll = await page.locator('[data-testid=flow-refused]').textContent();
  assert(refusedAll.includes('pass nothing on'), `consumers: ${refusedAll}`);
  // A bad setting is explained under its field and the run keeps its flow.
  await page.locator('[data-testid=flow-node-pick]').selectOption({ label: 'ledger (standard queue)' });
  await page.locator('[data-testid=knob-visibility]').fill('50000');
  await page.waitForFunction(() => (document.querySelector('[data-testid=knob-visibility-message]')?.innerText ?? '').includes('VisibilityTimeout'));
  assert(page.url() === before, 'a refused change went into the link');
  // A link whose edits break the flow is explained and ignored.
  const broken = await openFlow('?p=webhook-403&edit=' + encodeURIComponent('del payment-events'));
  assert((await broken.locator('g.flow-node').count()) === 7, 'the broken link changed the flow');
  assert((await broken.locator('[data-testid=link-notice]').innerText()).includes('would not run'), 'the notice says why');
  noErrors(page);
  noErrors(broken);
  await page.context().close();
  await broken.context().close();
});

test('/flow: a copied link and an exported file replay the same flow and the same numbers', async () => {
  const page = await openFlow('?p=buffer-a-spike&edit=' + encodeURIComponent('set process-order function.reserved_concurrency=4'));
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]')?.innerText) > 12, null, { timeout: 20000 });
  await page.locator('[data-testid=play]').click();
  await page.locator('[data-testid=share-with-time]').check();
  await page.locator('[data-testid=copy-link]').click();
  const link = await page.locator('[data-testid=share-link]').inputValue();
  const before = await flowState(page);
  const other = await openFlow(new URL(link).search);
  assert((await flowState(other)) === before, `the link opened a different run:\n  original ${before}\n  link     ${await flowState(other)}`);
  // The file: exported, imported into a fresh page, run to the same time.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-scenario]').click()]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  const doc = JSON.parse(text);
  assert(doc.kind === 'flow' && doc.nodes.find((n) => n.id === 'process-order').function.reserved_concurrency === 4, `exported: ${text.slice(0, 300)}`);
  const fresh = await openFlow();
  await fresh.locator('[data-testid=import-scenario]').setInputFiles({ name: 'flow.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await fresh.waitForFunction(() => document.querySelectorAll('g.flow-node').length === 4);
  const t = await num(page, 'sim-time');
  for (const p of [page, fresh]) {
    await p.locator('[data-testid=reset]').click();
    for (let i = 0; i < 200; i++) await p.locator('[data-testid=step]').click();
  }
  assert((await flowState(fresh)) === (await flowState(page)), `the file replays differently:\n  ${await flowState(page)}\n  ${await flowState(fresh)} (t ${t})`);
  for (const p of [page, other, fresh]) {
    noErrors(p);
    await p.context().close();
  }
});

test('/flow screenshots at desktop and phone width, light and dark', () => screenshotsOf('flow', openFlow, '?p=reserved-concurrency-too-low&t=60'));

// ---- rewind: the timeline -----------------------------------------------------------------------

const LIVE = ['sqs', 'sns', 'kinesis', 'apigw', 'flow'];

// Opens a live playground at `query` (paused: reduced motion) once its run has reached the link's time.
async function openLive(slug, query) {
  const page = await newPage({ reducedMotion: 'reduce' });
  await page.goto(at(`${slug}?${query}`));
  await ready(page);
  await page.waitForSelector('[data-testid=timeline-range]');
  const t = Number(new URLSearchParams(query).get('t') ?? 0);
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid=timeline-range]')?.max) >= t - 1e-6, t, { timeout: 60000 });
  return page;
}

const seekTo = (page, secs) => page.locator('[data-testid=timeline-range]').evaluate((el, secs) => {
  el.value = String(secs);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}, secs);
const runState = (page) => Promise.all(['sim-time', 'run-hash'].map((id) => page.locator(`[data-testid=${id}]`).first().textContent()));

test('rewind: scrubbing back in every live playground shows exactly the run a fresh link to that time shows, and Back undoes a Step', async () => {
  for (const slug of LIVE) {
    const page = await openLive(slug, 'seed=42&t=30');
    const atEnd = await runState(page);
    await seekTo(page, 12.5);
    const back = await runState(page);
    assert(JSON.stringify(back) !== JSON.stringify(atEnd), `${slug}: scrubbing to 12.5 s changed nothing: ${back}`);
    assert(/looking back/.test(await page.locator('[data-testid=timeline-position]').innerText()), `${slug}: the timeline does not say it is looking back`);
    assert(Number(await page.locator('[data-testid=timeline-range]').evaluate((el) => el.max)) >= 30, `${slug}: the track lost the rest of the run`);
    const fresh = await openLive(slug, 'seed=42&t=12.5');
    const direct = await runState(fresh);
    assert(JSON.stringify(back) === JSON.stringify(direct), `${slug}: scrubbed state differs from a fresh run to 12.5 s:\n  scrubbed ${back}\n  fresh    ${direct}`);
    // Back is the exact inverse of Step.
    await page.locator('[data-testid=step]').click();
    const once = await runState(page);
    await page.locator('[data-testid=step]').click();
    await page.locator('[data-testid=step-back]').click();
    assert(JSON.stringify(await runState(page)) === JSON.stringify(once), `${slug}: Back after a Step is not where the Step was`);
    // Forward again to the end: the same run as before.
    await seekTo(page, 30);
    assert(JSON.stringify(await runState(page)) === JSON.stringify(atEnd), `${slug}: scrubbing forward again gave another run`);
    noErrors(page);
    noErrors(fresh);
    await page.context().close();
    await fresh.context().close();
  }
});

test('rewind: the poison preset\'s dead-letter marker jumps to the move and its chain names the receives; the keys step back and go from marker to marker', async () => {
  const page = await openLive('sqs', 'p=poison&seed=42&t=90');
  const legend = await page.locator('[data-testid=timeline-legend]').innerText();
  assert(/dead-letter moves/.test(legend), `no dead-letter marker in the legend: ${legend}`);
  assert((await page.locator('[data-testid=timeline-marks] rect.mark-dlq').count()) > 0, 'no dead-letter marker drawn');
  await seekTo(page, 0);
  await page.locator('[data-testid=jump-mark-dlq]').click();
  const at = Number(await page.locator('[data-testid=timeline-range]').inputValue());
  assert(at > 0 && at < 90, `the marker jumped to ${at}`);
  const badges = await page.locator('[data-testid=event-log] .badge').allTextContents();
  assert(badges.includes('MOVED_TO_DLQ'), `the log at the marker does not show the move: ${badges.slice(-5)}`);
  // The marker explains itself: the move's causal chain, back through the receives to the send.
  const chain = await page.locator('[data-testid=why-chain] li').allInnerTexts();
  const reasons = chain.map((line) => line.match(/[A-Z_]{4,}/)?.[0]);
  assert(reasons[0] === 'MOVED_TO_DLQ' && reasons.at(-1) === 'SENT', `the chain: ${reasons}`);
  assert(reasons.filter((r) => r === 'RECEIVED').length === 3, `maxReceiveCount 3 means three receives: ${reasons}`);
  const message = chain[0].match(/msg-\d+/)?.[0];
  assert(message && chain.every((line) => line.includes(message)), `one message's story: ${chain.join(' | ')}`);
  // A link's time shows that moment: the send, earlier than the move.
  await page.locator('[data-testid=why-chain] li').last().locator('button').click();
  const sentAt = Number(await page.locator('[data-testid=timeline-range]').inputValue());
  assert(sentAt < at, `the send's time went to ${sentAt}, not before the move at ${at}`);
  // Any linked line of the log asks the same question.
  await page.locator('[data-testid=why-button]').first().click();
  const first = await page.locator('[data-testid=why-chain] li').first().innerText();
  assert(/[A-Z_]{4,}/.test(first), `a log line's chain: ${first}`);
  await page.locator('[data-testid=why-close]').click();
  assert((await page.locator('[data-testid=why-panel]').count()) === 0, 'Close did not close the chain');
  await seekTo(page, at);
  // Keys: ← is one event back, Shift+→ the next marker, Shift+← the previous one.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  const here = await runState(page);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  assert(JSON.stringify(await runState(page)) === JSON.stringify(here), '← did not undo →');
  await page.keyboard.press('Shift+ArrowRight');
  const next = Number(await page.locator('[data-testid=timeline-range]').inputValue());
  assert(next > at, `Shift+→ did not go to a later marker (${next} after ${at})`);
  await page.keyboard.press('Shift+ArrowLeft');
  const previous = Number(await page.locator('[data-testid=timeline-range]').inputValue());
  assert(previous < next, `Shift+← did not go back (${previous} after ${next})`);
  noErrors(page);
  await page.context().close();
});

test('rewind: a fork of the slow-consumer preset with a longer visibility timeout shows fewer duplicates in its dashed line, and closes', async () => {
  const page = await openLive('sqs', 'p=slow-consumer&seed=42&t=20');
  await page.locator('[data-testid=fork-key]').selectOption('visibility');
  // A value AWS refuses is explained and forks nothing.
  await page.locator('[data-testid=fork-value]').fill('50000');
  await page.locator('[data-testid=fork-here]').click();
  const refused = await page.locator('[data-testid=fork-error]').textContent();
  assert(/43,?200/.test(refused) && (await page.locator('[data-testid=fork-table]').count()) === 0, `a refused fork: ${refused}`);
  await page.locator('[data-testid=fork-value]').fill('30');
  await page.locator('[data-testid=fork-here]').click();
  await page.waitForSelector('[data-testid=fork-table]');
  assert(/20(\.0+)? s with visibility=30/.test(await page.locator('[data-testid=fork-summary]').textContent()), 'the fork says when and what');
  await setSpeed(page, 6);
  await page.locator('[data-testid=play]').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=sim-time]').textContent) >= 90, null, { timeout: 60000 });
  await page.locator('[data-testid=play]').click();
  const row = page.locator('[data-testid=fork-table] tr[data-counter="duplicates processed"]');
  const [, mine, fork] = (await row.locator('th, td').allTextContents()).map((t) => Number(t.replace(/[^\d]/g, '')));
  assert(fork < mine, `the fork processes fewer duplicates: ${fork} vs ${mine}`);
  // The duplicates chart draws the fork dashed beside the run's line.
  const dashed = page.locator('[data-testid=chart] .series.fork');
  assert((await dashed.count()) > 0, 'no dashed fork line');
  const legend = await page.locator('.chart-legend').allInnerTexts();
  assert(legend.some((l) => /duplicates processed \(fork\)/.test(l)), `the legend names the fork: ${legend}`);
  // Scrubbing keeps the fork in step; before its instant it waits, and after it comes back.
  const table = () => page.locator('[data-testid=fork-table]').innerText();
  await seekTo(page, 50);
  const at50 = await table();
  await seekTo(page, 10);
  assert(!(await page.locator('[data-testid=fork-table]').isVisible()), 'the fork shows before its instant');
  assert(/goes on when the run gets there/.test(await page.locator('[data-testid=fork-summary]').textContent()), 'the waiting fork says so');
  await seekTo(page, 50);
  assert((await table()) === at50, 'the fork at 50 s is not what it was');
  // The link carries the fork: a fresh page at the same time shows the same comparison.
  const link = new URL(page.url());
  assert(link.searchParams.get('fork') === '20:visibility=30', `the address bar's fork: ${page.url()}`);
  await seekTo(page, 90);
  const at90 = await table();
  link.searchParams.set('t', '90');
  const again = await openLive('sqs', link.search.slice(1));
  await again.waitForSelector('[data-testid=fork-table]');
  assert((await again.locator('[data-testid=fork-table]').innerText()) === at90, 'the fork link does not replay the comparison');
  noErrors(again);
  await again.context().close();
  // A broken fork in a link is explained and forks nothing.
  const broken = await openLive('sqs', 'p=slow-consumer&seed=42&fork=abc');
  assert(/Ignored fork=/.test(await broken.locator('body').innerText()), 'a broken fork link is not explained');
  await broken.context().close();
  await page.locator('[data-testid=fork-close]').click();
  assert(!page.url().includes('fork='), 'Close fork left it in the link');
  assert((await page.locator('[data-testid=chart] .series.fork').count()) === 0, 'Close fork left its lines');
  noErrors(page);
  await page.context().close();
});

test('rewind: a message published by hand stays when the page looks back after it and is undone by going back before it', async () => {
  const page = await openLive('sns', 'seed=42&t=20');
  await page.locator('[data-testid=composer-attributes]').fill('{"order_type": "electronics", "amount": 50}');
  const before = await snsTable(page);
  await page.locator('[data-testid=composer-publish]').click();
  const published = (await snsTable(page)).s2.matched;
  assert(published === before.s2.matched + 1, 'the hand-published message did not reach electronics-queue');
  for (let i = 0; i < 3; i++) await page.locator('[data-testid=step]').click();
  // Back one event: still after the publish.
  await page.locator('[data-testid=step-back]').click();
  assert((await snsTable(page)).s2.matched >= published, 'one event back lost the hand-published message');
  // Back before it: it is undone, and the run's future with it.
  await seekTo(page, 10);
  const max = Number(await page.locator('[data-testid=timeline-range]').evaluate((el) => el.max));
  assert(Math.abs(max - 10) < 1e-6, `going back before a hand publish kept the future (track to ${max} s)`);
  const fresh = await openLive('sns', 'seed=42&t=10');
  assert(JSON.stringify(await snsTable(page)) === JSON.stringify(await snsTable(fresh)), 'the run before the hand publish differs from a fresh run');
  noErrors(page);
  noErrors(fresh);
  await page.context().close();
  await fresh.context().close();
});

// ---- readable at every size ----------------------------------------------------------------------
// What a reader sees of a diagram: the smallest text on screen (computed font size times the
// SVG's scale, CSS transforms included), the diagram's width against the viewport, and pairs of
// text boxes that cover each other.
async function readability(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('svg.sqs-diagram');
    if (!svg) return { missing: true };
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].filter((t) => {
      const r = t.getBoundingClientRect();
      return t.textContent.trim() !== '' && r.width > 0 && r.height > 0 && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).display !== 'none';
    });
    let smallest = { px: Infinity, text: '' };
    const rects = [];
    for (const t of texts) {
      const m = t.getScreenCTM();
      const scale = m ? Math.hypot(m.a, m.b) : 1;
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < smallest.px) smallest = { px, text: t.textContent.trim().slice(0, 40) };
      rects.push([t.getBoundingClientRect(), t.textContent.trim().slice(0, 30)]);
    }
    const overlaps = [];
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const [a, ta] = rects[i];
        const [b, tb] = rects[j];
        // A pixel of touching glyph boxes (ascenders, descenders) is not a collision.
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 2 && h > 2) overlaps.push(`"${ta}" × "${tb}"`);
      }
    }
    return { smallest, width: box.width, left: box.left, right: box.right, viewport: document.documentElement.clientWidth, overlaps, count: texts.length };
  });
}

const WIDTHS = [320, 360, 390, 640, 1280];
// What is wrong with a diagram as a reader sees it at `where`, if anything.
function readabilityProblems(r, where) {
  const problems = [];
  if (r.missing) return [`${where}: no diagram`];
  // A hair under 11 px is the pixel rounding of the measured width, not a smaller font.
  if (r.smallest.px < 10.9) problems.push(`${where}: "${r.smallest.text}" is ${r.smallest.px.toFixed(1)}px`);
  if (r.right > r.viewport + 0.5 || r.left < -0.5) problems.push(`${where}: the diagram spans ${r.left.toFixed(0)}–${r.right.toFixed(0)}px in ${r.viewport}px`);
  if (r.overlaps.length) problems.push(`${where}: ${r.overlaps.length} overlapping labels, e.g. ${r.overlaps.slice(0, 3).join(', ')}`);
  return problems;
}

for (const [slug] of PLAYGROUNDS) {
  test(`/${slug}: diagram text is at least 11 px and the diagram fits the viewport at ${WIDTHS.join('/')} px, page and embed`, async () => {
    const problems = [];
    for (const width of WIDTHS) {
      const page = await newPage({ viewport: { width, height: 900 }, reducedMotion: 'reduce' });
      for (const embed of [false, true]) {
        await page.goto(at(`${slug}${embed ? '?embed=1' : ''}`));
        await page.waitForSelector('svg.sqs-diagram');
        await page.waitForTimeout(800);
        problems.push(...readabilityProblems(await readability(page), `${width}px${embed ? ' embed' : ''}`));
      }
      noErrors(page);
      await page.context().close();
    }
    assert(problems.length === 0, problems.join('\n'));
  });

  test(`/${slug}: no preset's diagram has overlapping labels at 390 and 1280 px`, async () => {
    const problems = [];
    for (const width of [390, 1280]) {
      const page = await newPage({ viewport: { width, height: 900 }, reducedMotion: 'reduce' });
      await page.goto(at(slug));
      await page.waitForSelector('svg.sqs-diagram');
      const keys = await page.locator('[data-testid=preset] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      assert(keys.length >= 3, `/${slug} lists ${keys.length} presets`);
      for (const key of keys) {
        // Some seconds into the run, where each preset shows its lesson.
        await page.goto(at(`${slug}?p=${key}${slug === 'vpc' ? '' : '&t=15'}`));
        await page.waitForSelector('svg.sqs-diagram');
        await page.waitForTimeout(500);
        problems.push(...readabilityProblems(await readability(page), `${key} at ${width}px`));
      }
      noErrors(page);
      await page.context().close();
    }
    assert(problems.length === 0, problems.join('\n'));
  });
}

// The embed code names a frame height per playground; an embed of the default preset fits it
// (no clipping, no sideways scroll) on a phone and at the snippet's widest, and the README
// suggests the same height.
test('every playground\'s embed code names a frame height its embed fits at 360 and 576 px, as the README says', async () => {
  const readme = fs.readFileSync(path.resolve(here, '../../README.md'), 'utf8');
  const problems = [];
  for (const [slug, name] of PLAYGROUNDS) {
    const page = await newPage({ reducedMotion: 'reduce' });
    await page.goto(at(slug));
    await page.waitForSelector('svg.sqs-diagram');
    await page.locator('[data-testid=copy-embed]').click();
    const code = await page.locator('[data-testid=share-link]').inputValue();
    const src = code.match(/src="([^"]+)"/)?.[1]?.replaceAll('&amp;', '&');
    const height = Number(code.match(/height:(\d+)px/)?.[1]);
    await page.context().close();
    if (!src || !height) {
      problems.push(`/${slug}: no src or height in ${code}`);
      continue;
    }
    const row = readme.split('\n').find((line) => line.startsWith(`| ${name} `));
    if (!row || !row.includes(`${height} px`)) problems.push(`README: no "| ${name} | … ${height} px" row (found ${row})`);
    for (const width of [360, 576]) {
      const frame = await newPage({ viewport: { width, height }, reducedMotion: 'reduce' });
      await frame.goto(src);
      await frame.waitForSelector('svg.sqs-diagram');
      await frame.waitForTimeout(800);
      const { content, scroll } = await frame.evaluate(() => ({
        content: Math.ceil(document.body.getBoundingClientRect().height),
        scroll: document.documentElement.scrollWidth,
      }));
      if (content > height) problems.push(`/${slug} at ${width}×${height}: the content is ${content}px tall`);
      if (scroll > width) problems.push(`/${slug} at ${width}px: scrolls sideways (${scroll}px)`);
      noErrors(frame);
      await frame.context().close();
    }
  }
  assert(problems.length === 0, problems.join('\n'));
});

// ---- run ----------------------------------------------------------------------------------------
let passed = 0;
let failed = 0;
for (const [name, fn] of tests) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    // Long messages (a URL of 10 KB) are cut so the log stays readable.
    const message = String(err.message ?? err).slice(0, 2000);
    console.log(`FAIL ${name}\n     ${message.split('\n').join('\n     ')}`);
  }
}
await browser.close();
server.close();
console.log(`browser tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

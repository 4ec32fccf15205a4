// Drives the OnAir pages in the system's headless Chromium with playwright-core.
// Each check prints "ok - …" or throws; the exit status is 0 only when all passed.
//   node e2e.mjs --base URL --admin TOKEN --speaker TOKEN --late-speaker TOKEN --ctl 'SCRIPT' --shots DIR [--bench SECONDS] [--only REGEX]
// SCRIPT start|stop starts and stops the server (the page must reconnect).
import { assert, check, failures, inEnglish, onlyChecks, sleep } from './harness.mjs';
import { createRequire } from 'node:module';
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import net from 'node:net';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : '1']);
  return acc;
}, []));
const base = args.base;
// onair.test → 127.0.0.1: a page on http://onair.test:PORT is what a phone on the LAN gets, not a
// secure context (no WebCodecs, no microphone), while the traffic stays on loopback.
const flags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--host-resolver-rules=MAP onair.test 127.0.0.1'];
const lanBase = base.replace('//127.0.0.1:', '//onair.test:');

// --only REGEX: run just the checks whose name matches (while working on one; some checks
// build on the listener page the first ones open).
if (args.only) onlyChecks(new RegExp(args.only));
const stats = (page) => page.evaluate(() => JSON.parse(JSON.stringify({ ...window.onair.stats, marks: undefined,
  markCount: window.onair.stats.marks ? window.onair.stats.marks.length : 0 })));
async function waitFor(page, fn, arg, timeout = 15000) { await page.waitForFunction(fn, arg, { timeout, polling: 100 }); }

// Polls an async condition until it holds (true) or the time is up (false).
async function until(cond, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) { if (await cond()) return true; await sleep(200); }
  return cond();
}

async function api(method, path, body, headers = {}) {
  const res = await fetch(base + path, { method, headers: { 'Content-Type': 'application/json', ...headers },
    body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const browser = await chromium.launch(inEnglish({ executablePath: '/usr/bin/chromium', headless: true,
  args: [...flags, '--autoplay-policy=no-user-gesture-required'] }));
const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });

if (args.bench) {
  // Mouth-to-ear: the control room's tone source stamps a frame once a second with its capture
  // time; the page reports when it scheduled that frame to reach the speakers.
  // --decoder wasm|webcodecs: the path to measure (?decoder= on the page).
  const page = await context.newPage();
  await page.goto(`${base}/listen/tone${args.decoder ? `?decoder=${args.decoder}` : ''}`);
  await waitFor(page, () => window.onair.stats.framesDecoded > 150); // 3 s: past the start-up
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const task0 = await taskSeconds();
  const dec0 = await page.evaluate(() => ({ calls: window.onair.stats.decodeCalls, ms: window.onair.stats.decodeMsTotal }));
  await page.evaluate(() => { window.onair.stats.marks.length = 0; });
  const seconds = Number(args.bench);
  await sleep(seconds * 1000);
  const all = await page.evaluate(() => window.onair.stats.marks);
  // Main-thread CPU of the page (all its tasks: WebSocket, decoding on the wasm path, scheduling),
  // and the wasm decoder's own time per frame.
  const mainThreadPct = Math.round((await taskSeconds() - task0) / seconds * 1000) / 10;
  const dec1 = await page.evaluate(() => ({ calls: window.onair.stats.decodeCalls, ms: window.onair.stats.decodeMsTotal }));
  const wasmDecodeUs = dec1.calls > dec0.calls ? Math.round((dec1.ms - dec0.ms) / (dec1.calls - dec0.calls) * 1000) : null;
  const marks = all.map((m) => m.delayMs);
  const med = (k) => { const v = all.map((m) => m[k]).sort((a, b) => a - b); return Math.round(v[Math.floor(v.length / 2)] * 10) / 10; };
  const parts = { arrival: med('arrivalMs'), decode: med('decodeMs'), ahead: med('aheadMs'), output: med('outputMs') };
  const s = await stats(page);
  const sorted = [...marks].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const out = { path: s.path, marks: marks.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: sorted[sorted.length - 1],
    min: sorted[0], medianParts: parts, underruns: s.underruns, framesDecoded: s.framesDecoded, targetMs: s.targetMs,
    mainThreadPct, wasmDecodeUs };
  console.log(JSON.stringify(out));
  await browser.close();
  process.exit(0);
}

const listen = await context.newPage();
const consoleErrors = [];
listen.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
listen.on('pageerror', (e) => consoleErrors.push(String(e)));

await check('listener page connects, decodes Opus and plays steadily', async () => {
  await listen.goto(`${base}/listen/tone`);
  await waitFor(listen, () => window.onair.stats.framesDecoded > 25);
  const a = await stats(listen);
  assert(a.codec === 'opus', `codec ${a.codec}`);
  assert(a.state === 'live', `state ${a.state}`);
  await sleep(3000);
  const b = await stats(listen);
  const decoded = b.framesDecoded - a.framesDecoded;
  const scheduled = b.framesScheduled - a.framesScheduled;
  console.log(`  3 s: ${decoded} frames decoded, ${scheduled} scheduled, underruns ${a.underruns}→${b.underruns}, ` +
    `buffer target ${b.targetMs} ms, delay ${b.delayMs} ms (${b.delayKind})`);
  // 50 frames a second; the bounds leave room for this VM's scheduling stalls (up to ~0.3 s).
  assert(decoded >= 100 && decoded <= 200, `~150 frames in 3 s (got ${decoded})`);
  assert(scheduled >= 90, `frames scheduled (${scheduled})`);
  assert(b.underruns - a.underruns <= 5, `steady playback (${b.underruns - a.underruns} underruns in 3 s)`);
  assert(b.decodeErrors === 0, 'no decode errors');
  assert(await listen.locator('#conn').textContent() === 'Live', 'pill says Live');
});

await check('the page measures its own delay from the speaker marks', async () => {
  await waitFor(listen, () => window.onair.stats.marks.length >= 2);
  const s = await stats(listen);
  assert(s.delayKind === 'measured', `delay kind ${s.delayKind}`);
  assert(s.delayMs > 0 && s.delayMs < 1000, `delay ${s.delayMs} ms`); // a sanity bound; bench/ measures it
  const shown = await listen.locator('#delay').textContent();
  assert(/≈ \d+ ms/.test(shown), `shown "${shown}"`);
});

await check('a banner sent through REST appears, styled by type', async () => {
  const r = await api('POST', '/api/broadcasts', { message: 'Doors close in 5 minutes', type: 'warning' },
    { Authorization: `Bearer ${args.admin}` });
  assert(r.status === 201, `create ${r.status}`);
  await listen.locator('#banner').waitFor({ state: 'visible', timeout: 5000 });
  assert(await listen.locator('#banner-text').textContent() === 'Doors close in 5 minutes', 'banner text');
  assert((await listen.locator('#banner').getAttribute('class')).includes('warning'), 'warning style');
  await listen.screenshot({ path: `${args.shots}/listen.png` });
});

await check('dismissing (keyboard) acknowledges, and it stays dismissed after reload', async () => {
  await listen.locator('#banner-dismiss').focus();
  await listen.keyboard.press('Enter');
  await listen.locator('#banner').waitFor({ state: 'hidden', timeout: 3000 });
  const id = await listen.evaluate(() => localStorage.getItem('onair.client_id'));
  assert(/^web-[0-9a-f]{24}$/.test(id), `client id ${id}`);
  // The server knows: this identity has no active banner any more.
  for (let i = 0; i < 30; i++) {
    const r = await api('GET', '/api/broadcasts/active', null, { 'X-Client-Id': id });
    if (r.body === null) break;
    await sleep(100);
  }
  assert((await api('GET', '/api/broadcasts/active', null, { 'X-Client-Id': id })).body === null, 'acknowledged on the server');
  assert((await api('GET', '/api/broadcasts/active', null, { 'X-Client-Id': 'someone-else' })).body !== null, 'others still see it');
  await listen.reload();
  await waitFor(listen, () => window.onair.stats.framesDecoded > 10);
  await sleep(500);
  assert(await listen.locator('#banner').isHidden(), 'still dismissed after reload');
  // A different browser (no shared storage) still gets the banner.
  const other = await browser.newContext();
  const p = await other.newPage();
  await p.goto(`${base}/listen/tone`);
  await p.locator('#banner').waitFor({ state: 'visible', timeout: 5000 });
  await other.close();
  await api('POST', '/api/broadcasts/clear', {}, { Authorization: `Bearer ${args.admin}` });
});

// Issue 19: the page reports a banner it shows (broadcast_seen), and "Alert again" brings a banner
// it had hidden back, prominently — on a phone loading the page over plain http (not a secure context).
await check('a phone reports the banner as seen; Alert again makes it prominent', async () => {
  const auth = { Authorization: `Bearer ${args.admin}` };
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await page.goto(`${lanBase}/listen/tone`);
  const r = await api('POST', '/api/broadcasts', { message: 'Buses leave at 17:00', message_type: 'alert' }, auth);
  assert(r.status === 201 && r.body.type === 'alert', `created as an alert (${r.status} ${r.body && r.body.type})`);
  await page.locator('#banner').waitFor({ state: 'visible', timeout: 5000 });
  const who = 'client:' + await page.evaluate(() => localStorage.getItem('onair.client_id'));
  let receipts = null;
  for (let i = 0; i < 50; i++) {
    receipts = (await api('GET', `/api/broadcasts/${r.body.id}/receipts`, null, auth)).body;
    if (receipts.seen >= 1 && receipts.not_dismissed.includes(who)) break;
    await sleep(100);
  }
  console.log(`  receipts: delivered ${receipts.delivered}, seen ${receipts.seen}, dismissed ${receipts.dismissed}`);
  assert(receipts.seen >= 1 && receipts.not_dismissed.includes(who), `seen reported, ${who} not dismissed`);
  // Hidden on the page (scrolled away, or a page that lost it) but never acknowledged.
  await page.evaluate(() => { document.getElementById('banner').hidden = true; });
  const again = await api('POST', `/api/broadcasts/${r.body.id}/repeat`, {}, auth);
  assert(again.status === 200, `repeat ${again.status}`);
  await page.locator('#banner.again').waitFor({ state: 'visible', timeout: 5000 });
  assert(await page.locator('#banner').getAttribute('role') === 'alert', 'announced as an alert');
  await page.screenshot({ path: `${args.shots}/banner-again.png` });
  await phone.close();
  await api('POST', '/api/broadcasts/clear', {}, auth);
  assert((await api('POST', `/api/broadcasts/${r.body.id}/repeat`, {}, auth)).status === 409, 'no repeat once cleared');
});

await check('the stream list updates without reload; a browser speaker goes on air', async () => {
  const index = await context.newPage();
  await index.goto(`${base}/`);
  await index.locator('a[data-stream="tone"]').waitFor({ timeout: 5000 });
  assert(await index.locator('a[data-stream="guest"]').count() === 0, 'guest not listed yet');
  const speak = await context.newPage();
  await speak.goto(`${base}/speak/guest?token=${encodeURIComponent(args.speaker)}`);
  assert(!speak.url().includes('token='), 'token removed from the address bar');
  await speak.locator('#go').click();
  await waitFor(speak, () => window.onair.stats.state === 'onair', null, 10000);
  await index.locator('a[data-stream="guest"] .dot.live').waitFor({ timeout: 5000 });
  await index.screenshot({ path: `${args.shots}/index.png` });
  const hear = await context.newPage();
  await hear.goto(`${base}/listen/guest`);
  await waitFor(hear, () => window.onair.stats.framesDecoded > 50);
  const s = await stats(hear);
  const sp = await speak.evaluate(() => window.onair.stats);
  assert(sp.codec === 'opus' && s.codec === 'opus', `codecs ${sp.codec}/${s.codec}`);
  console.log(`  browser speaker sent ${sp.framesSent} frames (${Math.round(sp.bytesSent * 8 / sp.framesSent * 50 / 1000)} kb/s); listener decoded ${s.framesDecoded}`);
  await speak.screenshot({ path: `${args.shots}/speak.png` });
  // Off air: the listener is told the stream ended.
  await speak.locator('#go').click();
  await waitFor(hear, () => window.onair.stats.state === 'ended', null, 5000);
  assert((await hear.locator('#state').textContent()).includes('ended'), 'says ended');
  await index.locator('a[data-stream="guest"] .dot:not(.live)').waitFor({ timeout: 5000 });
  for (const p of [index, speak, hear]) await p.close();
});

await check('a wrong speaker token is refused with a clear message', async () => {
  const speak = await context.newPage();
  await speak.goto(`${base}/speak/guest`);
  await speak.locator('#token').fill('not-a-token');
  await speak.locator('#go').click();
  await waitFor(speak, () => window.onair.stats.state === 'error', null, 10000);
  assert((await speak.locator('#state').textContent()).includes('refused'), 'refusal shown');
  await speak.close();
});

await check('works on a phone screen: no sideways scrolling, readable contrast', async () => {
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const p = await phone.newPage();
  await p.goto(`${base}/listen/tone`);
  await waitFor(p, () => window.onair.stats.framesDecoded > 10);
  const m = await p.evaluate(() => {
    const lum = (rgb) => {
      const [r, g, b] = rgb.match(/\d+/g).slice(0, 3).map(Number).map((v) => {
        const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const bg = getComputedStyle(document.body).backgroundColor;
    const worst = Math.min(...['#state', 'h1', '.stats dt', '.stats dd', '.foot a'].map((s) =>
      ratio(getComputedStyle(document.querySelector(s)).color, bg)));
    const small = [...document.querySelectorAll('button, input, a')].filter((e) => e.offsetParent)
      .map((e) => e.getBoundingClientRect().height).filter((h) => h < 24).length;
    return { scrollWidth: document.documentElement.scrollWidth, worst, small };
  });
  await p.screenshot({ path: `${args.shots}/phone.png`, fullPage: true });
  assert(m.scrollWidth <= 360, `page is ${m.scrollWidth} px wide`);
  assert(m.worst >= 4.5, `contrast ${m.worst.toFixed(2)} (WCAG AA 4.5)`);
  await phone.close();
});

await check('autoplay blocked: an explicit tap-to-start, then audio', async () => {
  const strict = await chromium.launch(inEnglish({ executablePath: '/usr/bin/chromium', headless: true,
    args: [...flags, '--autoplay-policy=document-user-activation-required'] }));
  const p = await (await strict.newContext()).newPage();
  // As a phone on the LAN opens it: plain http to a name, not a secure context.
  await p.goto(`${lanBase}/listen/tone`);
  assert(!(await p.evaluate(() => window.isSecureContext)), 'not a secure context');
  await p.locator('#start').waitFor({ state: 'visible', timeout: 5000 });
  await sleep(1000);
  const before = await stats(p);
  assert(before.framesScheduled === 0, `nothing scheduled before the tap (${before.framesScheduled})`);
  assert(before.framesDecoded === 0 && before.framesReceived > 25, `received ${before.framesReceived}, decoded none (${before.framesDecoded})`);
  // On air but silent: the page must not claim to be live.
  assert(before.state === 'blocked', `state ${before.state}`);
  assert(await p.locator('#conn').textContent() === 'Tap to listen', `pill "${await p.locator('#conn').textContent()}"`);
  // ... and the operator sees it (listener_report): this page counts as tap-to-play, not as hearing.
  const me = `client:${await p.evaluate(() => localStorage.getItem('onair.client_id'))}`;
  const mine = async () => (await api('GET', '/api/streams/tone/listeners', null, { Authorization: `Bearer ${args.admin}` }))
    .body.listeners.filter((l) => l.identity === me);
  const blockedSeen = await until(async () => (await mine()).some((l) => l.state === 'blocked'), 4000);
  assert(blockedSeen, `the server sees the page blocked: ${JSON.stringify(await mine())}`);
  await p.locator('#start').click();
  await waitFor(p, () => window.onair.stats.framesScheduled > 25);
  assert(await p.locator('#start').isHidden(), 'button gone once playing');
  await waitFor(p, () => window.onair.stats.state === 'live', null, 3000);
  const playingSeen = await until(async () => (await mine()).some((l) => l.state === 'playing' && l.delay_ms > 0), 8000);
  assert(playingSeen, `the server sees it playing, with its delay: ${JSON.stringify(await mine())}`);
  await strict.close();
});

await check('the server goes away and comes back: the page reconnects by itself', async () => {
  const before = await stats(listen);
  execSync(`${args.ctl} stop`, { stdio: 'inherit' });
  await waitFor(listen, () => window.onair.stats.state === 'reconnecting', null, 5000);
  assert((await listen.locator('#state').textContent()).includes('Reconnecting'), 'says reconnecting');
  execSync(`${args.ctl} start`, { stdio: 'inherit' });
  const t0 = Date.now();
  await waitFor(listen, (n) => window.onair.stats.state === 'live' && window.onair.stats.framesDecoded > n + 50,
    before.framesDecoded, 20000);
  const after = await stats(listen);
  console.log(`  back live ${Date.now() - t0} ms after the restart; reconnect attempts ${after.reconnects}`);
});

// ---- plain http on the LAN, no WebCodecs, the <audio> element -------------------------------
// A page with its own browser context (own storage, so its own client id) that records errors.
const phoneView = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
async function pageWithErrors(ctx) {
  const page = await ctx.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  return page;
}
// Errors other than the ones a server restart causes on purpose.
const realErrors = (page) => page.errors.filter((e) => !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(e));
async function framesGrow(page, n, timeout = 10000) {
  const from = (await stats(page)).framesDecoded;
  await waitFor(page, ([f, k]) => window.onair.stats.framesDecoded >= f + k, [from, n], timeout);
}
// The admin creates a banner; the page shows it; Dismiss acknowledges it on the server.
async function bannerShownAndDismissed(page, message) {
  const r = await api('POST', '/api/broadcasts', { message, type: 'info' }, { Authorization: `Bearer ${args.admin}` });
  assert(r.status === 201, `create ${r.status}`);
  await page.locator('#banner').waitFor({ state: 'visible', timeout: 5000 });
  assert(await page.locator('#banner-text').textContent() === message, 'banner text');
  const id = await page.evaluate(() => localStorage.getItem('onair.client_id'));
  assert((await api('GET', '/api/broadcasts/active', null, { 'X-Client-Id': id })).body !== null, 'active before Dismiss');
  await page.locator('#banner-dismiss').click();
  await page.locator('#banner').waitFor({ state: 'hidden', timeout: 3000 });
  for (let i = 0; i < 30 && (await api('GET', '/api/broadcasts/active', null, { 'X-Client-Id': id })).body !== null; i++) await sleep(100);
  assert((await api('GET', '/api/broadcasts/active', null, { 'X-Client-Id': id })).body === null, 'acknowledged on the server');
  await api('POST', '/api/broadcasts/clear', {}, { Authorization: `Bearer ${args.admin}` });
}

// ---- resume after an outage (issue 18) ------------------------------------------------------
// The pages under test load through a TCP proxy the test can cut: "down" closes every connection
// through it and refuses new ones, as a dead Wi-Fi or a lost replica would, while the server
// stays up for the admin calls made meanwhile; "up" lets the pages back in.
function tcpProxy(targetPort) {
  const sockets = new Set();
  let server = null;
  let port = 0;
  const proxy = {
    // As a phone on the venue Wi-Fi opens it: plain http to a non-loopback name, not a secure context.
    get base() { return `http://onair.test:${port}`; },
    up: () => new Promise((resolve, reject) => {
      if (server && server.listening) { resolve(); return; }
      server = net.createServer((client) => {
        const upstream = net.connect(targetPort, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => {});
          s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy(); });
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => { port = server.address().port; resolve(); });
    }),
    down: () => new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
  return proxy;
}
const proxy = tcpProxy(Number(new URL(base).port));
await proxy.up();
// A check that cuts the proxy: it is up again afterwards, whatever happened.
const outageCheck = (name, fn) => check(name, async () => { try { await fn(); } finally { await proxy.up(); } });
// What a cut connection makes the browser log, besides the errors a server restart causes.
const outageErrors = (page) => realErrors(page).filter((e) => !/net::ERR_(CONNECTION_RESET|EMPTY_RESPONSE|CONNECTION_CLOSED)/.test(e));
const admin = { Authorization: `Bearer ${args.admin}` };
async function publishCaption(utterance, text, stream = 'tone') {
  const r = await api('POST', '/api/publish', { topic: `stream:${stream}`,
    data: { event: 'caption', stream_id: stream, utterance, lang: 'en', text } }, admin);
  assert(r.status === 202, `publish ${r.status}`);
}
// The listener page's captions: what was applied (in order) and what is on screen.
const captionsOf = (page) => page.evaluate(() => ({ ...window.onair.stats.captions,
  screen: [...document.querySelectorAll('#caption-lines .cap-main')].map((p) => p.textContent) }));
const appliedTexts = (c, prefix) => c.log.filter((l) => l.text.startsWith(prefix)).map((l) => l.text);
// Down, until the listener page has noticed (its listener connection is closed).
async function cut(page) {
  await proxy.down();
  await waitFor(page, () => ['reconnecting', 'connecting'].includes(window.onair.stats.state)
    && !window.onair.stats.captions.subscribed, null, 5000);
}
// Utterance numbers and texts of this run (web_test.sh may run the checks twice on one server).
const run = `r${Date.now().toString(36)}`;
const u0 = 1000 + (Date.now() % 100000);

await outageCheck('captions missed during an outage arrive after the reconnect, once each, the latest shown', async () => {
  const ctx = await browser.newContext();
  const p = await pageWithErrors(ctx);
  await p.goto(`${proxy.base}/listen/tone`);
  await waitFor(p, () => window.onair.stats.state === 'live' && window.onair.stats.captions.subscribed);
  const pre = `${run} before`;
  await publishCaption(u0, pre);
  await p.locator('#caption-lines .cap-main', { hasText: pre }).waitFor({ timeout: 5000 });
  await cut(p);
  // Five sentences while the page is away.
  const missed = [1, 2, 3, 4, 5].map((i) => `${run} missed ${i}`);
  for (let i = 0; i < missed.length; i++) await publishCaption(u0 + 1 + i, missed[i]);
  await proxy.up();
  await waitFor(p, (t) => window.onair.stats.captions.log.some((l) => l.text === t), missed[4], 20000);
  let c = await captionsOf(p);
  console.log(`  resume: ${JSON.stringify(c.lastResume)}; applied ${JSON.stringify(appliedTexts(c, run))}; screen ${JSON.stringify(c.screen)}`);
  assert(c.lastResume && c.lastResume.recovered === true && c.lastResume.events >= 5, `recovered ${JSON.stringify(c.lastResume)}`);
  assert(JSON.stringify(appliedTexts(c, run)) === JSON.stringify([pre, ...missed]), 'every caption once, in order');
  assert(c.log.filter((l) => missed.includes(l.text)).every((l) => l.recovered), 'the missed ones came with the resume');
  assert(c.duplicates === 0 && c.gaps === 0, `duplicates ${c.duplicates}, gaps ${c.gaps}`);
  // The latest three on screen at once (older ones are not replayed line by line).
  assert(JSON.stringify(c.screen) === JSON.stringify(missed.slice(2)), `screen ${JSON.stringify(c.screen)}`);
  // Live captions follow the resumed ones.
  const live = `${run} live after`;
  await publishCaption(u0 + 6, live);
  await p.locator('#caption-lines .cap-main', { hasText: live }).waitFor({ timeout: 5000 });
  c = await captionsOf(p);
  assert(appliedTexts(c, run).filter((t) => t === live).length === 1, 'live caption once');
  assert(JSON.stringify(c.screen) === JSON.stringify([...missed.slice(3), live]), `screen ${JSON.stringify(c.screen)}`);

  // The server restarts (same data directory) while the page is away: history is durable.
  const afterRestart = [`${run} after restart 1`, `${run} after restart 2`];
  await proxy.down();
  try {
    execSync(`${args.ctl} stop`, { stdio: 'inherit' });
    execSync(`${args.ctl} start`, { stdio: 'inherit' });
    for (let i = 0; i < 100; i++) { // the control room goes on air again: its speaker_joined comes first
      // (the first request may meet a keep-alive connection to the stopped server: once more)
      const s = await api('GET', '/api/streams').then((r) => r.body.streams.find((x) => x.id === 'tone'), () => null);
      if (s && s.speaker_live) break;
      await sleep(100);
    }
    await sleep(500);
    await publishCaption(u0 + 7, afterRestart[0]);
    await publishCaption(u0 + 8, afterRestart[1]);
  } finally {
    await proxy.up();
  }
  await waitFor(p, (t) => window.onair.stats.captions.log.some((l) => l.text === t), afterRestart[1], 30000);
  c = await captionsOf(p);
  console.log(`  after a restart: ${JSON.stringify(c.lastResume)}; screen ${JSON.stringify(c.screen)}`);
  assert(c.lastResume.recovered === true, `recovered across the restart ${JSON.stringify(c.lastResume)}`);
  assert(JSON.stringify(appliedTexts(c, run)) === JSON.stringify([pre, ...missed, live, ...afterRestart]), 'nothing twice, nothing lost');
  // The new speaker session started a new numbering: the lines before it are gone.
  assert(JSON.stringify(c.screen) === JSON.stringify(afterRestart), `screen ${JSON.stringify(c.screen)}`);
  assert(c.duplicates === 0, `duplicates ${c.duplicates}`);
  await waitFor(p, () => window.onair.stats.state === 'live', null, 20000);
  assert(outageErrors(p).length === 0, outageErrors(p).join('\n'));
  await ctx.close();
});

await outageCheck('an outage before the first event: the captions missed still arrive (resumed from the topic\'s head)', async () => {
  // A stream nobody has spoken on: no event on its topic yet, so none gave the page an offset.
  const id = `quiet-${run}`;
  const ctx = await browser.newContext();
  const p = await pageWithErrors(ctx);
  await p.goto(`${proxy.base}/listen/${id}`);
  await waitFor(p, () => window.onair.stats.state === 'waiting' && window.onair.stats.captions.seed !== null);
  const seed = (await captionsOf(p)).seed;
  assert(seed.offset === 0 && typeof seed.epoch === 'string', `seed ${JSON.stringify(seed)}`);
  await cut(p);
  const text = `${run} said while away`;
  await publishCaption(1, text, id);
  await proxy.up();
  await p.locator('#caption-lines .cap-main', { hasText: text }).waitFor({ timeout: 20000 });
  const c = await captionsOf(p);
  assert(c.lastResume && c.lastResume.recovered === true && c.lastResume.events === 1, `resume ${JSON.stringify(c.lastResume)}`);
  assert(c.log.length === 1 && c.log[0].recovered && c.log[0].offset === 1, `log ${JSON.stringify(c.log)}`);
  assert(outageErrors(p).length === 0, outageErrors(p).join('\n'));
  await ctx.close();
});

await check('an event delivered twice is applied once (the page filters by offset)', async () => {
  // Every event the server sends on /ws/events is handed to the page twice.
  const ctx = await browser.newContext();
  await ctx.routeWebSocket(/\/ws\/events/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((m) => {
      ws.send(m);
      if (typeof m === 'string' && m.includes('"type":"event"')) ws.send(m);
    });
  });
  const p = await pageWithErrors(ctx);
  await p.goto(`${base}/listen/tone`);
  await waitFor(p, () => window.onair.stats.state === 'live' && window.onair.stats.captions.subscribed);
  const texts = [`${run} twice 1`, `${run} twice 2`];
  await publishCaption(u0 + 20, texts[0]);
  await publishCaption(u0 + 21, texts[1]);
  await p.locator('#caption-lines .cap-main', { hasText: texts[1] }).waitFor({ timeout: 5000 });
  await sleep(300);
  const c = await captionsOf(p);
  assert(JSON.stringify(appliedTexts(c, run)) === JSON.stringify(texts), `applied ${JSON.stringify(appliedTexts(c, run))}`);
  assert(c.duplicates >= 2, `duplicates counted ${c.duplicates}`);
  assert(realErrors(p).length === 0, realErrors(p).join('\n'));
  await ctx.close();
});

await outageCheck('banners after a reconnect: exactly the server\'s, dismissed ones stay dismissed', async () => {
  const ctx = await browser.newContext();
  const p = await pageWithErrors(ctx);
  await p.goto(`${proxy.base}/listen/tone`);
  await waitFor(p, () => window.onair.stats.state === 'live');
  const create = async (message) => {
    const r = await api('POST', '/api/broadcasts', { message, type: 'info' }, admin);
    assert(r.status === 201, `create ${r.status}`);
    return r.body.id;
  };
  const clear = async () => assert((await api('POST', '/api/broadcasts/clear', {}, admin)).status === 200, 'clear');
  const back = () => waitFor(p, () => window.onair.stats.state === 'live', null, 20000);
  // Shown / hidden within 1.5 s of the reconnect.
  const shownSoon = async (text) => {
    await p.locator('#banner').waitFor({ state: 'visible', timeout: 1500 });
    assert(await p.locator('#banner-text').textContent() === text, `banner "${await p.locator('#banner-text').textContent()}"`);
  };
  const hiddenSoon = () => p.locator('#banner').waitFor({ state: 'hidden', timeout: 1500 });

  await create(`${run} A`);
  await shownSoon(`${run} A`);
  // Cleared while away: gone after the reconnect (no broadcast_cleared is replayed).
  await cut(p);
  await clear();
  await proxy.up();
  await back();
  await hiddenSoon();
  // Created while away: shown after the reconnect.
  await cut(p);
  await create(`${run} B`);
  await proxy.up();
  await back();
  await shownSoon(`${run} B`);
  // Cleared and another one created while away: the new one.
  await cut(p);
  await clear();
  await create(`${run} C`);
  await proxy.up();
  await back();
  await shownSoon(`${run} C`);
  // Still active and not dismissed: stays on screen through the reconnect, never blinks off.
  await p.evaluate(() => {
    window.bannerHides = 0;
    new MutationObserver(() => { if (document.getElementById('banner').hidden) window.bannerHides++; })
      .observe(document.getElementById('banner'), { attributes: true, attributeFilter: ['hidden'] });
  });
  await cut(p);
  await proxy.up();
  await back();
  await sleep(1500);
  assert(await p.locator('#banner').isVisible(), 'still shown');
  assert(await p.evaluate(() => window.bannerHides) === 0, 'never hidden meanwhile');
  // Dismissed while away (the acknowledgement could not be sent): stays dismissed, and the
  // server learns it after the reconnect.
  const id = await p.evaluate(() => localStorage.getItem('onair.client_id'));
  assert((await api('GET', '/api/broadcasts/active', null, { 'X-Client-Id': id })).body !== null, 'C active for this page');
  await cut(p);
  await p.locator('#banner-dismiss').click();
  await hiddenSoon();
  await proxy.up();
  await back();
  await sleep(1500);
  assert(await p.locator('#banner').isHidden(), 'dismissed during the outage, still hidden');
  for (let i = 0; i < 30 && (await api('GET', '/api/broadcasts/active', null, { 'X-Client-Id': id })).body !== null; i++) await sleep(100);
  assert((await api('GET', '/api/broadcasts/active', null, { 'X-Client-Id': id })).body === null, 'acknowledged on the server');
  // And through one more reconnect.
  await cut(p);
  await proxy.up();
  await back();
  await sleep(1500);
  assert(await p.locator('#banner').isHidden(), 'still dismissed');
  await clear();
  assert(outageErrors(p).length === 0, outageErrors(p).join('\n'));
  await ctx.close();
});

await outageCheck('the stream list after a reconnect: a stream that started meanwhile is listed', async () => {
  const ctx = await browser.newContext();
  const index = await pageWithErrors(ctx);
  await index.goto(`${proxy.base}/`);
  await index.locator('a[data-stream="tone"]').waitFor({ timeout: 5000 });
  await index.locator('#conn', { hasText: 'Live updates' }).waitFor({ timeout: 5000 });
  assert(await index.locator('a[data-stream="late"] .dot.live').count() === 0, '"late" not on air yet');
  await api('POST', '/api/broadcasts', { message: `${run} index banner`, type: 'info' }, admin);
  await index.locator('#banner').waitFor({ state: 'visible', timeout: 5000 });
  await proxy.down();
  await index.locator('#conn', { hasText: 'Reconnecting' }).waitFor({ timeout: 5000 });
  // While the page is away: a speaker goes on air on "late", the banner is cleared.
  const speaker = await context.newPage();
  await speaker.goto(`${base}/`);
  const opened = await speaker.evaluate((url) => new Promise((resolve) => {
    window.speakerWs = new WebSocket(url);
    window.speakerWs.onmessage = (ev) => resolve(ev.data);
    window.speakerWs.onclose = (ev) => resolve(`closed ${ev.code} ${ev.reason}`);
  }), `${base.replace('http:', 'ws:')}/ws/speak/late?token=${encodeURIComponent(args['late-speaker'])}`);
  assert(JSON.parse(opened).type === 'connected', `speaker: ${opened}`);
  await api('POST', '/api/broadcasts/clear', {}, admin);
  await sleep(500);
  assert(await index.locator('a[data-stream="late"]').count() === 0, 'not listed while the page is away');
  await proxy.up();
  await index.locator('#conn', { hasText: 'Live updates' }).waitFor({ timeout: 20000 });
  // Well inside the 15 s periodic refresh: it is the reconnect that brings the list up to date.
  const t0 = Date.now();
  await index.locator('a[data-stream="late"] .dot.live').waitFor({ timeout: 3000 });
  await index.locator('#banner').waitFor({ state: 'hidden', timeout: 1500 });
  console.log(`  "late" listed ${Date.now() - t0} ms after the page said Live updates`);
  // And the live updates go on: the speaker leaves, the list says so (off air, or gone).
  await speaker.evaluate(() => window.speakerWs.close());
  await index.locator('a[data-stream="late"] .dot.live').waitFor({ state: 'detached', timeout: 5000 });
  await speaker.close();
  assert(outageErrors(index).length === 0, outageErrors(index).join('\n'));
  await ctx.close();
});

await check('the vendored WebAssembly decoder and its licences are served as pinned; the CSP allows wasm, not eval', async () => {
  const readme = readFileSync(new URL('../../resources/web/assets/vendor/README.md', import.meta.url), 'utf8');
  const pinned = /sha256 `([0-9a-f]{64})`/.exec(readme)[1];
  const res = await fetch(`${base}/assets/vendor/opus-decoder.min.js`);
  const body = Buffer.from(await res.arrayBuffer());
  assert(res.status === 200 && res.headers.get('content-type').startsWith('text/javascript'), `decoder ${res.status} ${res.headers.get('content-type')}`);
  assert(res.headers.get('x-content-type-options') === 'nosniff', 'nosniff');
  assert(createHash('sha256').update(body).digest('hex') === pinned, 'the embedded file is the one vendor/README.md pins');
  for (const name of ['LICENSE-opus-decoder.txt', 'LICENSE-libopus.txt', 'LICENSE-puff.txt']) {
    const r = await fetch(`${base}/assets/vendor/${name}`);
    assert(r.status === 200 && r.headers.get('content-type').startsWith('text/plain'), `${name} ${r.status}`);
  }
  for (const bad of ['README.md', '..%2F..%2Findex.html', 'nope.js']) {
    assert((await fetch(`${base}/assets/vendor/${bad}`)).status === 404, `${bad} not served`);
  }
  const csp = (await fetch(`${base}/listen/tone`)).headers.get('content-security-policy');
  const scriptSrc = /script-src ([^;]*)/.exec(csp)[1].trim().split(/\s+/);
  assert(scriptSrc.join(' ') === "'self' 'wasm-unsafe-eval'", `script-src ${scriptSrc.join(' ')}`);
});

const lanContext = await browser.newContext(phoneView);
const lan = await pageWithErrors(lanContext);

await check('plain http on a LAN name (not a secure context): Opus through WebAssembly, live', async () => {
  await lan.goto(`${lanBase}/listen/tone`);
  const env = await lan.evaluate(() => ({ secure: window.isSecureContext, webCodecs: 'AudioDecoder' in window,
    mic: !!navigator.mediaDevices }));
  assert(env.secure === false && env.webCodecs === false && env.mic === false, `context ${JSON.stringify(env)}`);
  await waitFor(lan, () => window.onair.stats.framesDecoded > 25);
  const a = await stats(lan);
  assert(a.path === 'wasm', `path ${a.path}`);
  assert(a.codec === 'opus', `codec ${a.codec}`);
  assert(a.state === 'live', `state ${a.state}`);
  await sleep(3000);
  const b = await stats(lan);
  const decoded = b.framesDecoded - a.framesDecoded;
  const scheduled = b.framesScheduled - a.framesScheduled;
  console.log(`  3 s: ${decoded} frames decoded, ${scheduled} scheduled, underruns ${a.underruns}→${b.underruns}, ` +
    `wasm decode ${(b.decodeMsTotal / b.decodeCalls * 1000).toFixed(0)} µs/frame, delay ${b.delayMs} ms (${b.delayKind})`);
  assert(decoded >= 100 && decoded <= 200, `~150 frames in 3 s (got ${decoded})`);
  assert(scheduled >= 90, `frames scheduled (${scheduled})`);
  assert(b.decodeErrors === 0, `decode errors ${b.decodeErrors}`);
  assert(b.decodeCalls >= b.framesDecoded - 5, `decoded by the wasm decoder (${b.decodeCalls} calls)`);
  assert(await lan.locator('#conn').textContent() === 'Live', 'pill says Live');
  const audioStat = `${await lan.locator('#codec').textContent()} / ${await lan.locator('#path').textContent()}`;
  assert(audioStat === 'Opus 32 kb/s / WebAssembly', `Audio stat "${audioStat}"`);
  await waitFor(lan, () => window.onair.stats.marks.length >= 2);
  assert((await stats(lan)).delayKind === 'measured', 'delay measured from the marks');
  assert(await lan.locator('#other-app').getAttribute('href') === '/stream/tone.m3u', 'Listen in another app → the .m3u');
  await lan.screenshot({ path: `${args.shots}/listen-wasm-phone.png`, fullPage: true });
  const width = await lan.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 390, `page is ${width} px wide on a 390 px phone`);
  assert(realErrors(lan).length === 0, realErrors(lan).join('\n'));
});

await check('plain http: banner shown and dismissed, captions shown', async () => {
  await bannerShownAndDismissed(lan, 'Plain-http phones get banners too');
  // A caption on the stream's topic, as the interpreter publishes it.
  const r = await api('POST', '/api/publish', { topic: 'stream:tone',
    data: { event: 'caption', stream_id: 'tone', utterance: 1, lang: 'en', text: 'Captions on plain http' } },
  { Authorization: `Bearer ${args.admin}` });
  assert(r.status === 202, `publish ${r.status}`);
  await lan.locator('#caption-lines .cap-main', { hasText: 'Captions on plain http' }).waitFor({ timeout: 5000 });
  assert(realErrors(lan).length === 0, realErrors(lan).join('\n'));
});

await check('plain http: the server goes away and comes back, the page goes live again', async () => {
  const before = await stats(lan);
  execSync(`${args.ctl} stop`, { stdio: 'inherit' });
  await waitFor(lan, () => window.onair.stats.state === 'reconnecting', null, 5000);
  assert(await lan.locator('#conn').textContent() !== 'Live', 'not live while the server is gone');
  execSync(`${args.ctl} start`, { stdio: 'inherit' });
  await waitFor(lan, (n) => window.onair.stats.state === 'live' && window.onair.stats.framesDecoded > n + 50,
    before.framesDecoded, 20000);
  const s = await stats(lan);
  assert(s.path === 'wasm' && s.decodeErrors === 0, `path ${s.path}, decode errors ${s.decodeErrors}`);
  assert(realErrors(lan).length === 0, realErrors(lan).join('\n'));
});

await check('plain http: the stream list, with links for other apps', async () => {
  const index = await pageWithErrors(lanContext);
  await index.goto(`${lanBase}/`);
  await index.locator('a[data-stream="tone"]').waitFor({ timeout: 5000 });
  const links = await index.evaluate(() => Object.fromEntries([...document.querySelectorAll('li[data-id="tone"] a[data-player]')]
    .map((a) => [a.dataset.player, a.getAttribute('href')])));
  assert(links.m3u === '/stream/tone.m3u' && links.mp3 === '/stream/tone.mp3' && links.ogg === '/stream/tone.ogg',
    `player links ${JSON.stringify(links)}`);
  assert(/Other apps: M3U · MP3 · Ogg/.test(await index.locator('li[data-id="tone"] .players').textContent()), 'compact line');
  await index.screenshot({ path: `${args.shots}/index-phone.png`, fullPage: true });
  assert(realErrors(index).length === 0, realErrors(index).join('\n'));
  await index.close();
});

await check('plain http: the speaker page says the microphone needs HTTPS, and throws nothing', async () => {
  const speak = await pageWithErrors(lanContext);
  await speak.goto(`${lanBase}/speak/guest`);
  assert(await speak.evaluate(() => navigator.mediaDevices === undefined), 'no navigator.mediaDevices');
  assert((await speak.locator('#state').textContent()).includes('HTTPS'), 'explained before any click');
  await speak.locator('#token').fill(args.speaker);
  await speak.locator('#go').click();
  await waitFor(speak, () => window.onair.stats.state === 'error', null, 5000);
  assert((await speak.locator('#state').textContent()).includes('needs HTTPS'), 'explained after the click');
  assert(speak.errors.length === 0, speak.errors.join('\n'));
  await speak.close();
});
await lanContext.close();

await check('WebCodecs switched off in a secure context: WebAssembly takes over', async () => {
  const ctx = await browser.newContext();
  await ctx.addInitScript(() => { delete window.AudioDecoder; delete window.AudioEncoder; });
  const p = await pageWithErrors(ctx);
  await p.goto(`${base}/listen/tone`);
  assert(await p.evaluate(() => window.isSecureContext && !('AudioDecoder' in window)), 'secure, without AudioDecoder');
  await waitFor(p, () => window.onair.stats.framesDecoded > 25);
  await framesGrow(p, 50);
  const s = await stats(p);
  assert(s.path === 'wasm' && s.state === 'live' && s.decodeErrors === 0, `path ${s.path}, state ${s.state}, errors ${s.decodeErrors}`);
  assert(realErrors(p).length === 0, realErrors(p).join('\n'));
  await ctx.close();
});

await check('"Live" only while it plays: not while the decoder is still loading', async () => {
  // The decoder arrives 2 s late (a slow phone network): on air, but nothing can play yet.
  const ctx = await browser.newContext();
  await ctx.route('**/assets/vendor/opus-decoder.min.js', async (route) => { await sleep(2000); await route.continue(); });
  const p = await pageWithErrors(ctx);
  await p.goto(`${base}/listen/tone?decoder=wasm`);
  await waitFor(p, () => window.onair.stats.framesReceived > 20, null, 5000);
  const s = await stats(p);
  assert(s.framesScheduled === 0, `nothing played yet (${s.framesScheduled})`);
  assert(s.state === 'buffering', `state ${s.state}`);
  assert(await p.locator('#conn').textContent() !== 'Live', 'pill not Live');
  assert((await p.locator('#state').textContent()).includes('decoder'), `says why: "${await p.locator('#state').textContent()}"`);
  await waitFor(p, () => window.onair.stats.state === 'live' && window.onair.stats.path === 'wasm', null, 10000);
  assert(realErrors(p).length === 0, realErrors(p).join('\n'));
  await ctx.close();
});

await check('nothing can decode and the MP3 stream is refused: the page says so and links the playlist', async () => {
  const ctx = await browser.newContext();
  await ctx.addInitScript(() => { delete window.AudioDecoder; delete window.WebAssembly; });
  await ctx.route('**/stream/tone.mp3*', (route) => route.fulfill({ status: 404, contentType: 'application/json',
    body: '{"error":"not_found","message":"no such stream"}' }));
  const p = await ctx.newPage();
  await p.goto(`${base}/listen/tone`);
  await waitFor(p, () => window.onair.stats.state === 'error', null, 15000);
  const text = await p.locator('#state').textContent();
  assert(/cannot play this stream/.test(text), `says "${text}"`);
  assert(await p.locator('#state a').getAttribute('href') === '/stream/tone.m3u', 'links the playlist');
  assert(await p.locator('#conn').textContent() === 'Problem', 'pill says Problem');
  await p.screenshot({ path: `${args.shots}/listen-cannot-play.png` });
  await ctx.close();
});

// The <audio> element on GET /stream/{id}.mp3 (the server's Icecast-style stream).
await check('the media player path (?decoder=audio): the <audio> element plays the MP3 stream', async () => {
  const ctx = await browser.newContext(phoneView);
  const p = await pageWithErrors(ctx);
  await p.goto(`${base}/listen/tone?decoder=audio`);
  await waitFor(p, () => window.onair.stats.path === 'audio-element' && window.onair.stats.state === 'live', null, 20000);
  const t0 = await p.evaluate(() => document.getElementById('player').currentTime);
  await sleep(2000);
  const t1 = await p.evaluate(() => document.getElementById('player').currentTime);
  const s = await stats(p);
  console.log(`  <audio> advanced ${(t1 - t0).toFixed(2)} s in 2 s; delay ${s.delayMs} ms (${s.delayKind}); ` +
    `restarts ${s.playerRestarts}`);
  assert(t1 - t0 > 1.5, `currentTime advances (${t0} → ${t1})`);
  assert(s.state === 'live', `state ${s.state}`);
  assert(s.framesScheduled === 0, 'Web Audio schedules nothing meanwhile');
  assert(await p.locator('#codec').textContent() === 'MP3 stream' && await p.locator('#path').textContent() === 'media player', 'Audio stat');
  assert(/^≈ (\d+ ms|\d+\.\d\ss)$/.test(await p.locator('#delay').textContent()), `delay "${await p.locator('#delay').textContent()}"`);
  assert(s.delayKind === 'estimated' && s.delayMs > 0 && s.delayMs < 10000, `delay ${s.delayMs} (${s.delayKind})`);
  assert(await p.locator('#frames-stat').isHidden(), 'no Web Audio frame count on the media player');
  await bannerShownAndDismissed(p, 'Banners reach the media player page too');
  await p.screenshot({ path: `${args.shots}/listen-audio-phone.png`, fullPage: true });
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 390, `page is ${width} px wide on a 390 px phone`);
  assert(realErrors(p).length === 0, realErrors(p).join('\n'));
  await ctx.close();
});

await check('the background switch: to the media player and back to low delay', async () => {
  const ctx = await browser.newContext(phoneView);
  const p = await pageWithErrors(ctx);
  await p.goto(`${lanBase}/listen/tone`);
  await waitFor(p, () => window.onair.stats.state === 'live' && window.onair.stats.path === 'wasm');
  const label = await p.locator('#background').textContent();
  assert(/Keep playing with the screen off \(about \d+\ss more delay\)/.test(label), `label "${label}"`);
  await p.locator('#background').click();
  await waitFor(p, () => window.onair.stats.path === 'audio-element' && window.onair.stats.state === 'live', null, 20000);
  const scheduled = (await stats(p)).framesScheduled;
  await sleep(1000);
  assert((await stats(p)).framesScheduled === scheduled, 'Web Audio stopped');
  await p.locator('#background').click();
  await waitFor(p, () => window.onair.stats.path === 'wasm' && window.onair.stats.state === 'live', null, 10000);
  await framesGrow(p, 25);
  assert(await p.evaluate(() => document.getElementById('player').paused), 'the <audio> element stopped');
  assert(realErrors(p).length === 0, realErrors(p).join('\n'));
  await ctx.close();
});

await check('no WebCodecs and no WebAssembly: the media player is the last resort', async () => {
  const ctx = await browser.newContext();
  await ctx.addInitScript(() => { delete window.AudioDecoder; delete window.WebAssembly; });
  const p = await pageWithErrors(ctx);
  await p.goto(`${base}/listen/tone`);
  await waitFor(p, () => window.onair.stats.path === 'audio-element' && window.onair.stats.state === 'live', null, 20000);
  assert(await p.locator('#background').isHidden(), 'no switch back: nothing else plays here');
  assert(realErrors(p).length === 0, realErrors(p).join('\n'));
  await ctx.close();
});

if (args['tls-base']) {
  await check('over HTTPS/WSS (self-signed): a browser speaker and a listener', async () => {
    const tlsBase = args['tls-base'];
    const secure = await browser.newContext({ ignoreHTTPSErrors: true });
    const speak = await secure.newPage();
    await speak.goto(`${tlsBase}/speak/secure?token=${encodeURIComponent(args['tls-speaker'])}`);
    assert(await speak.evaluate(() => window.isSecureContext && location.protocol === 'https:'), 'secure context');
    await speak.locator('#go').click();
    await waitFor(speak, () => window.onair.stats.state === 'onair', null, 10000);
    const hear = await secure.newPage();
    await hear.goto(`${tlsBase}/listen/secure`);
    await waitFor(hear, () => window.onair.stats.framesDecoded > 50);
    await speak.locator('#go').click();
    await secure.close();
  });
}

if (args['interp-base']) {
  await check('live interpretation: subtitles under the player, the Spanish channel and its links', async () => {
    // A control room speaks a looping English WAV on "talk" with --translate es.
    const ib = args['interp-base'];
    const es = await context.newPage();
    const errors = [];
    es.on('pageerror', (e) => errors.push(String(e)));
    await es.goto(`${ib}/listen/talk~es`);
    assert(/talk \(Español\)/.test(await es.title()), `title ${await es.title()}`);
    // Pocketsphinx warms up, then each sentence ends after 500 ms of silence: a caption within a minute.
    await waitFor(es, () => (window.onair.stats.captions.lines || []).some((l) => l.original && l.translated), null, 90000);
    const cap = await es.evaluate(() => window.onair.stats.captions.lines.filter((l) => l.original && l.translated));
    console.log(`  captions: ${cap.map((l) => `"${l.original}" → "${l.translated}"`).join(' | ')}`);
    // Shown under the player: the Spanish text large, the English smaller underneath.
    const shown = await es.evaluate(() => [...document.querySelectorAll('#caption-lines .cap')].map((c) =>
      ({ main: c.querySelector('.cap-main').textContent, mainLang: c.querySelector('.cap-main').lang,
        sub: c.querySelector('.cap-sub').textContent })));
    const last = cap[cap.length - 1];
    assert(shown.some((c) => c.main === last.translated && c.mainLang === 'es' && c.sub === last.original),
      `shown ${JSON.stringify(shown)}`);
    const box = await es.locator('#captions').boundingBox();
    const player = await es.locator('.controls').boundingBox();
    assert(box && player && box.y < player.y + player.height + 400, 'subtitles near the player');
    // Translated speech arrives on talk~es as Opus.
    await waitFor(es, () => window.onair.stats.framesDecoded > 25, null, 30000);
    assert((await stats(es)).decodeErrors === 0, 'no decode errors on talk~es');
    // A link back to the original, and the mode (translated speech: no note).
    await es.locator('#channel-list a[data-stream="talk"]').waitFor({ timeout: 5000 });
    // The mode note shows exactly when the channel is not translated speech (it may fall back on a busy machine).
    const mode = await es.evaluate(() => window.onair.stats.captions.mode);
    console.log(`  talk~es mode: ${mode}`);
    assert(await es.locator('#mode').isHidden() === (mode === 'speech'), `mode note vs mode ${mode}`);
    await es.screenshot({ path: `${args.shots}/subtitles.png` });
    // The original page links to the Spanish channel and shows the English captions.
    const en = await context.newPage();
    await en.goto(`${ib}/listen/talk`);
    await en.locator('#channel-list a[data-stream="talk~es"]').waitFor({ timeout: 10000 });
    await waitFor(en, () => (window.onair.stats.captions.lines || []).some((l) => l.original), null, 60000);
    assert(await en.evaluate(() => [...document.querySelectorAll('#caption-lines .cap-main')]
      .some((p) => p.lang === 'en' && p.textContent.length > 0)), 'English captions on the original');
    // The stream list offers the channel as a chip.
    const index = await context.newPage();
    await index.goto(`${ib}/`);
    await index.locator('a[data-stream="talk~es"]').waitFor({ timeout: 5000 });
    // The Captions toggle hides them, and is remembered.
    await es.locator('#cc').click();
    assert(await es.locator('#captions').isHidden(), 'captions hidden by the toggle');
    await es.reload();
    await es.locator('#cc[aria-pressed="false"]').waitFor({ timeout: 5000 });
    await es.locator('#cc').click();
    assert(errors.length === 0, errors.join('\n'));
    for (const p of [es, en, index]) await p.close();
  });
}

await check('cross-site WebSocket hijacking: a page of another origin cannot open a stream', async () => {
  // A malicious site (served by the test under http://evil.localhost:8081, no CSP of ours)
  // opens a WebSocket to OnAir in the visitor's browser; Chromium's own Local Network Access
  // check is switched off here so that OnAir's Origin check is what is tested.
  const b2 = await chromium.launch(inEnglish({ executablePath: '/usr/bin/chromium', headless: true,
    args: [...flags, '--disable-features=LocalNetworkAccessChecks'] }));
  const ctx = await b2.newContext();
  await ctx.route('http://evil.localhost:8081/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>a page elsewhere</title>' }));
  const tryOpen = (page, url) => page.evaluate((u) => new Promise((resolve) => {
    const ws = new WebSocket(u);
    ws.onopen = () => { ws.close(); resolve('open'); };
    ws.onerror = () => resolve('refused');
  }), url);
  const counted = async () => Number((await (await fetch(`${base}/metrics`)).text())
    .match(/onair_refusals_total\{reason="origin_not_allowed"\} (\d+)/)[1]);
  const before = await counted();
  const evil = await ctx.newPage();
  await evil.goto('http://evil.localhost:8081/');
  const foreign = await tryOpen(evil, `${base.replace('http:', 'ws:')}/ws/listen/tone`);
  const own = await ctx.newPage();
  await own.goto(`${base}/`);
  const same = await tryOpen(own, `${base.replace('http:', 'ws:')}/ws/listen/tone`);
  const after = await counted();
  console.log(`  from http://evil.localhost:8081 → ${foreign}; from ${base} → ${same}; origin refusals ${before} → ${after}`);
  await b2.close();
  assert(foreign === 'refused', 'a foreign origin must not open the stream');
  assert(same === 'open', 'the own origin opens');
  assert(after === before + 1, 'refused by the Origin check, once');
});

await check('no script errors in the page', async () => {
  const relevant = consoleErrors.filter((e) => !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(e));
  assert(relevant.length === 0, relevant.join('\n'));
});

await browser.close();
writeFileSync(`${args.shots}/result.txt`, failures() ? 'fail\n' : 'ok\n');
console.log(failures() ? `${failures()} check(s) failed` : 'all checks passed');
process.exit(failures() ? 1 : 0);

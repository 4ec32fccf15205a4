// The archive page (/recordings) in the system's headless Chromium with playwright-core, against
// a real onair-server run with --record-all --public-recordings (recordings_test.sh).
// A speaker (a WebSocket in a page of the server's origin: 48 kHz PCM, a 440 Hz tone) talks on "main" for ~8 s;
// captions are published and a banner is posted in the middle; once the recording is finished,
// the page is opened as a phone over plain http to a LAN-like name (not a secure context).
// Each check prints "ok - …" or "not ok - …"; the exit status is 0 only when all passed.
//   node recordings.mjs --base URL --admin TOKEN --ctl SCRIPT --shots DIR
// SCRIPT private: restarts the server without --public-recordings (same port, same recordings).
import { assert, check, fail, failures, inEnglish, sleep } from './harness.mjs';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : '1']);
  return acc;
}, []));
const base = args.base;
// onair.test → 127.0.0.1: http://onair.test:PORT is what a phone on the LAN gets — not a secure
// context — while the traffic stays on loopback (as in e2e.mjs).
const lanBase = base.replace('//127.0.0.1:', '//onair.test:');
const flags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP onair.test 127.0.0.1',
  '--autoplay-policy=no-user-gesture-required'];

async function until(cond, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) { if (await cond()) return true; await sleep(200); }
  return cond();
}
async function api(method, path, body, headers = {}) {
  const res = await fetch(base + path, { method, headers: { 'Content-Type': 'application/json', ...headers },
    body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (_) { json = { raw: text }; }
  return { status: res.status, body: json };
}
const admin = { Authorization: `Bearer ${args.admin}` };
const CAPTION_1 = 'Welcome to the recorded service';
const CAPTION_2 = 'Please take your seats';
const BANNER = 'Doors close in five minutes';

const browser = await chromium.launch(inEnglish({ executablePath: '/usr/bin/chromium', headless: true, args: flags }));
let recording = null;   // RecordingInfo
let timeline = [];

await check('a spoken tone with captions and a banner is recorded', async () => {
  const speakerContext = await browser.newContext();
  const speaker = await speakerContext.newPage();
  // On the server's own origin: WebSocket upgrades from another origin are refused (CSWSH).
  await speaker.goto(`${base}/api/streams`);
  const wsUrl = `${base.replace('http:', 'ws:')}/ws/speak/main?token=${encodeURIComponent(args.admin)}`;
  // 20 ms frames of 48 kHz mono s16le, paced by the clock.
  await speaker.evaluate((url) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    window.speakerWs = ws;
    ws.onerror = () => reject(new Error('speaker WebSocket failed'));
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (m.type !== 'connected') return;
      ws.send(JSON.stringify({ type: 'hello', format: { codec: 'pcm', sample_rate: 48000, channels: 1, sample_format: 's16le', frame_ms: 20 } }));
      const t0 = performance.now();
      let sent = 0;
      window.speakerTimer = setInterval(() => {
        while (sent * 20 <= performance.now() - t0) {
          const pcm = new Int16Array(960);
          for (let i = 0; i < 960; i++) pcm[i] = Math.round(8000 * Math.sin(2 * Math.PI * 440 * (sent * 960 + i) / 48000));
          ws.send(pcm.buffer);
          sent++;
        }
      }, 10);
      resolve();
    };
  }), wsUrl);
  const t0 = Date.now();
  const at = async (ms) => { const w = ms - (Date.now() - t0); if (w > 0) await sleep(w); };
  const caption = (text) => api('POST', '/api/publish',
    { topic: 'stream:main', data: { event: 'caption', lang: 'en', text, final: true } }, admin);
  await at(1500);
  const c1 = await caption(CAPTION_1);
  assert(c1.status === 202, `caption published (${c1.status} ${JSON.stringify(c1.body)})`);
  await at(4000);
  const b = await api('POST', '/api/broadcasts', { message: BANNER, type: 'warning' }, admin);
  assert(b.status === 201, `banner posted (${b.status} ${JSON.stringify(b.body)})`);
  await at(5000);
  await caption(CAPTION_2);
  const mark = await api('POST', '/api/streams/main/recording/marks', { text: 'chapter: test' }, admin);
  console.log(`  mark: ${mark.status}`);
  await at(8000);
  await speaker.evaluate(() => { clearInterval(window.speakerTimer); window.speakerWs.close(); });
  await speakerContext.close();
  // The recording ends --recording-idle-stop (2 s) after the speaker left.
  const done = await until(async () => {
    const r = await api('GET', '/api/recordings');
    const list = (r.body && r.body.recordings) || [];
    recording = list.find((x) => x.stream_id === 'main' && x.state === 'finished') || null;
    return recording !== null;
  }, 25000);
  const last = await api('GET', '/api/recordings');
  assert(done, `a finished recording of main is listed (${last.status} ${JSON.stringify(last.body).slice(0, 300)})`);
  const detail = await api('GET', `/api/recordings/${encodeURIComponent(recording.id)}`);
  assert(detail.status === 200, `GET /api/recordings/{id}: ${detail.status}`);
  timeline = (detail.body.timeline || []).map((l) => (typeof l === 'string' ? JSON.parse(l) : l));
  console.log(`  ${recording.id}: ${recording.duration_ms} ms, ${recording.bytes} bytes, ${timeline.length} timeline lines`);
  assert(recording.duration_ms >= 8000 && recording.duration_ms <= 14000, `duration ${recording.duration_ms} ms`);
  assert(timeline.some((l) => l.type === 'banner' && l.event === 'new'), 'the banner is on the timeline');
  assert(timeline.filter((l) => l.type === 'caption').length >= 2, 'the captions are on the timeline');
});

if (!recording) { // nothing for the page to show: the checks below would only time out
  await browser.close();
  console.log('1 check(s) failed; the page checks need the recording');
  process.exit(1);
}
const bannerT = (timeline.find((l) => l.type === 'banner' && l.event === 'new') || {}).t;
const captionT = (timeline.find((l) => l.type === 'caption' && l.text === CAPTION_1) || {}).t;
const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
const page = await phone.newPage();
const errors = [];
// The MP3 answers 503 `preparing` until it is made (the page waits it out): not an error.
page.on('console', (m) => { if (m.type() === 'error' && !/status of 503/.test(m.text())) errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(String(e)));
const media = []; // the audio element's requests and their answers
page.on('response', async (r) => {
  if (!/\/api\/recordings\/[^/]+\.(ogg|mp3)/.test(r.url())) return;
  const req = r.request();
  media.push({ url: r.url(), status: r.status(), range: (await req.allHeaders()).range || null,
    contentRange: r.headers()['content-range'] || null, location: r.headers().location || null });
});

await check('the page lists the recording (phone, plain http: not a secure context)', async () => {
  assert(recording, 'a recording to look for');
  await page.goto(`${lanBase}/recordings?lang=en`);
  assert(await page.evaluate(() => window.isSecureContext) === false, 'not a secure context');
  const item = page.locator(`.rec[data-id="${recording.id}"]`);
  await item.waitFor({ timeout: 10000 });
  const text = await item.textContent();
  assert(text.includes('main'), `the stream is named (${text})`);
  assert(/finished/.test(text), `the state is shown (${text})`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `no sideways scrolling at 390 px (${overflow} px too wide)`);
  await page.screenshot({ path: `${args.shots}/recordings-phone-list.png`, fullPage: true });
});

await check('opening it loads the audio, the banner marker and the captions', async () => {
  await page.locator(`.rec[data-id="${recording.id}"]`).click();
  await page.waitForFunction(() => document.getElementById('audio').readyState >= 1, null, { timeout: 10000 });
  const s = await page.evaluate(() => ({ source: window.onair.state.source, src: document.getElementById('audio').src,
    duration: document.getElementById('audio').duration, cues: window.onair.state.vttCues,
    tracks: document.getElementById('audio').textTracks.length, markers: window.onair.state.markers }));
  console.log(`  source ${s.source}, duration ${s.duration} s, ${s.cues} caption cues, ${s.markers.length} markers`);
  assert(s.source === 'ogg', `Chromium plays Ogg Opus (${s.source})`);
  assert(Math.abs(s.duration * 1000 - recording.duration_ms) < 1500, `the element's duration ${s.duration} s`);
  assert(s.tracks === 1 && s.cues >= 2, `a WebVTT track with the captions (${s.tracks} tracks, ${s.cues} cues)`);
  const pin = page.locator('.seek-markers .marker.kind-banner');
  assert(await pin.count() === 1, 'one banner marker on the seek bar');
  assert(Number(await pin.getAttribute('data-t')) === bannerT, 'at the banner\'s offset');
  const entry = page.locator('#markers .marker-entry.kind-banner');
  assert((await entry.textContent()).includes(BANNER), 'the banner is in the list under the player');
  const cues = await page.evaluate(() => {
    const tr = document.getElementById('audio').textTracks[0];
    return tr.cues ? Array.from(tr.cues, (c) => c.text) : [];
  });
  assert(cues.includes(CAPTION_1), `the track's cues were parsed (${JSON.stringify(cues)})`);
  await page.screenshot({ path: `${args.shots}/recordings-phone-player.png`, fullPage: true });
});

await check('clicking the banner marker seeks there and plays', async () => {
  await page.locator('.seek-markers .marker.kind-banner').click();
  await page.waitForFunction((t) => {
    const a = document.getElementById('audio');
    return !a.paused && a.currentTime >= t / 1000 - 0.3;
  }, bannerT, { timeout: 10000 });
  const a = await page.evaluate(() => document.getElementById('audio').currentTime);
  assert(Math.abs(a - bannerT / 1000) < 1.5, `currentTime ${a} s near the banner at ${bannerT / 1000} s`);
  await sleep(1200);
  const b = await page.evaluate(() => document.getElementById('audio').currentTime);
  assert(b > a + 0.4, `it plays: currentTime ${a} → ${b}`);
  const shown = await page.locator('#play').textContent();
  assert(shown === 'Pause', `the button says Pause (${shown})`);
});

await check('captions show under the player at their time', async () => {
  await page.evaluate((t) => { const a = document.getElementById('audio'); a.pause(); a.currentTime = t / 1000 + 0.5; }, captionT);
  await page.waitForFunction((text) => document.getElementById('caption-now').textContent === text, CAPTION_1, { timeout: 5000 });
  // The list entry seeks too.
  await page.locator('#markers .marker-entry.kind-banner').click();
  await page.waitForFunction((t) => Math.abs(document.getElementById('audio').currentTime - t / 1000) < 1.5, bannerT, { timeout: 5000 });
});

await check('seeking to the middle is served by HTTP Range (206)', async () => {
  await page.evaluate(() => { const a = document.getElementById('audio'); a.currentTime = a.duration / 2; });
  await page.waitForFunction(() => !document.getElementById('audio').seeking, null, { timeout: 5000 });
  const ranged = media.filter((m) => m.status === 206 && m.range && m.contentRange);
  console.log(`  media answers: ${JSON.stringify(media.map((m) => `${m.status} ${m.range} ${m.contentRange || m.location}`))}`);
  assert(ranged.length >= 1, 'the element asked with Range and got 206 with Content-Range');
  // A range in the middle, as a seek into a long recording asks: 206 with that part.
  const mid = Math.floor(recording.bytes / 2);
  const r = await page.evaluate(async ([id, from]) => {
    const res = await fetch(`/api/recordings/${encodeURIComponent(id)}.ogg`, { headers: { Range: `bytes=${from}-` } });
    return { status: res.status, contentRange: res.headers.get('content-range'), length: (await res.arrayBuffer()).byteLength };
  }, [recording.id, mid]);
  assert(r.status === 206 && r.contentRange === `bytes ${mid}-${recording.bytes - 1}/${recording.bytes}`,
    `Range bytes=${mid}-: ${JSON.stringify(r)}`);
});

await check('the MP3 rendition plays where Ogg Opus does not (?audio=mp3)', async () => {
  const p = await phone.newPage();
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(`${lanBase}/recordings?audio=mp3`);
  await p.locator(`.rec[data-id="${recording.id}"]`).click();
  await p.waitForFunction(() => document.getElementById('audio').readyState >= 1, null, { timeout: 60000 });
  const s = await p.evaluate(() => ({ source: window.onair.state.source, src: document.getElementById('audio').src,
    duration: document.getElementById('audio').duration }));
  assert(s.source === 'mp3' && s.src.includes('.mp3'), `the MP3 (${JSON.stringify(s)})`);
  assert(Math.abs(s.duration * 1000 - recording.duration_ms) < 1500, `its duration ${s.duration} s`);
  await p.locator('.seek-markers .marker.kind-banner').click();
  await p.waitForFunction((t) => { const a = document.getElementById('audio'); return !a.paused && a.currentTime >= t / 1000 - 0.3; },
    bannerT, { timeout: 10000 });
  await p.close();
});

await check('the filter, Dutch, 360 px and 1366×768', async () => {
  await page.selectOption('#stream-filter', 'main');
  assert(await page.locator('.rec').count() >= 1, 'filtered to main');
  const nl = await phone.newPage();
  await nl.setViewportSize({ width: 360, height: 740 });
  await nl.goto(`${lanBase}/recordings?lang=nl`);
  await nl.locator(`.rec[data-id="${recording.id}"]`).waitFor({ timeout: 10000 });
  assert(await nl.locator('h1').textContent() === 'Opnames', 'Dutch title');
  assert(/klaar/.test(await nl.locator(`.rec[data-id="${recording.id}"]`).textContent()), 'Dutch state');
  await nl.locator(`.rec[data-id="${recording.id}"]`).click();
  await nl.locator('.seek-markers .marker.kind-banner').waitFor({ timeout: 10000 });
  const overflow = await nl.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `no sideways scrolling at 360 px (${overflow} px)`);
  await nl.close();
  const desk = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const d = await desk.newPage();
  await d.goto(`${base}/recordings`);
  await d.locator(`.rec[data-id="${recording.id}"]`).click();
  await d.locator('.seek-markers .marker.kind-banner').waitFor({ timeout: 10000 });
  await d.screenshot({ path: `${args.shots}/recordings-1366x768.png` });
  await desk.close();
});

await check('a token in the URL fragment is kept for the tab and sent as Bearer', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const p = await ctx.newPage();
  const auth = [];
  p.on('request', async (req) => {
    if (req.url().includes('/api/recordings')) auth.push({ url: req.url(), authorization: (await req.allHeaders()).authorization || null });
  });
  await p.goto(`${base}/recordings#token=${encodeURIComponent(args.admin)}`);
  await p.locator(`.rec[data-id="${recording.id}"]`).waitFor({ timeout: 10000 });
  assert(!(await p.evaluate(() => location.href)).includes('token='), 'the token left the address bar');
  assert(await p.evaluate(() => sessionStorage.getItem('onair.recordings.token')) === args.admin, 'kept in sessionStorage');
  await p.locator(`.rec[data-id="${recording.id}"]`).click();
  await p.waitForFunction(() => document.getElementById('audio').src.includes('token='), null, { timeout: 5000 });
  await sleep(300);
  const list = auth.find((a) => /\/api\/recordings$/.test(new URL(a.url).pathname));
  assert(list && list.authorization === `Bearer ${args.admin}`, `the list was asked with the token (${JSON.stringify(auth.slice(0, 2))})`);
  await ctx.close();
});

await check('without --public-recordings the page asks for a token, then lists and plays with it', async () => {
  execFileSync(args.ctl, ['private'], { stdio: 'inherit' });
  const open = await fetch(`${base}/api/recordings/${encodeURIComponent(recording.id)}.ogg`);
  assert(open.status === 401, `the audio needs a token now (${open.status})`);
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const p = await ctx.newPage();
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(`${lanBase}/recordings?lang=en`);
  await p.locator('#token-form').waitFor({ state: 'visible', timeout: 10000 });
  assert(/admin token/.test(await p.locator('#token-why').textContent()), 'it says why');
  await p.locator('#token').fill('not-a-token');
  await p.locator('#token-form button[type=submit]').click();
  await p.waitForFunction(() => /refused/.test(document.getElementById('token-why').textContent), null, { timeout: 5000 });
  await p.locator('#token').fill(args.admin);
  await p.locator('#token-form button[type=submit]').click();
  await p.locator(`.rec[data-id="${recording.id}"]`).click({ timeout: 10000 });
  assert(await p.locator('#token-form').isHidden(), 'the form goes once the token works');
  await p.waitForFunction(() => document.getElementById('audio').readyState >= 1, null, { timeout: 10000 });
  const s = await p.evaluate(() => ({ src: document.getElementById('audio').src, blob: window.onair.state.blob }));
  assert(s.src.includes('token=') && !s.blob, `played by URL with ?token= (${s.src.replace(/token=[^&]+/, 'token=…')}, blob ${s.blob})`);
  await p.locator('.seek-markers .marker.kind-banner').click();
  await p.waitForFunction(() => { const a = document.getElementById('audio'); return !a.paused && a.currentTime > 0; }, null, { timeout: 10000 });
  await ctx.close();
});

if (errors.length)
  fail(`the page logged errors: ${errors.join(' | ')}`);
await browser.close();
console.log(failures() ? `${failures()} check(s) failed` : 'all checks passed');
process.exit(failures() ? 1 : 0);

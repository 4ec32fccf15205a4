// The listener page: one stream over /ws/listen/{id}. Opus is decoded with WebCodecs where the
// browser has it, else with a WebAssembly libopus (a page that is not a secure context — a phone
// on http://192.168.x.y — or an older Safari); both feed the same small adaptive jitter buffer
// on AudioBufferSourceNodes, which jumps back to live after a stall. PCM is played as is. Last
// resort, and for playing on with a phone's screen off: an <audio> element on the server's MP3
// stream. The page says "Live" only while sound is really being played. Counters are exposed as
// window.onair for tests and benchmarks.
//   ?decoder=webcodecs|wasm|audio picks the path (tests, the benchmark, a listener with a problem).
import { $, BannerBox, Backoff, ClockSync, clientId, languageName, pageToken, splitChannel, streamFromPath, tokenQuery, wsUrl } from './common.js';
import { startInterpretation } from './captions.js';
import { WasmDecoder, WebCodecsDecoder, loadWasmOpus, webCodecsOpus } from './decoders.js';
import { PLAYER_EXTRA_MS, StreamPlayer } from './player.js';

const streamId = streamFromPath();
const forced = new URLSearchParams(location.search).get('decoder');
const channel = splitChannel(streamId); // main~es: the Spanish channel of main
$('stream-name').textContent = channel.base;
if (channel.lang) {
  $('stream-lang').textContent = ` · ${languageName(channel.lang)} (${channel.lang})`;
  $('stream-lang').hidden = false;
}
document.title = channel.lang ? `OnAir — ${channel.base} (${languageName(channel.lang)})` : `OnAir — ${streamId}`;
const playlistUrl = `/stream/${encodeURIComponent(streamId)}.m3u${tokenQuery()}`;
$('other-app').href = playlistUrl;

const stats = {
  state: 'connecting', path: null, framesReceived: 0, framesDecoded: 0, framesScheduled: 0, underruns: 0,
  catchups: 0, trims: 0, dropped: 0, decodeErrors: 0, reconnects: 0, targetMs: 30, leadMs: 0,
  delayMs: null, delayKind: null, codec: null, marks: [], decodeCalls: 0, decodeMsTotal: 0,
  secureContext: window.isSecureContext,
};
window.onair = { stats };
startInterpretation(streamId, stats);

// ---- audio output ---------------------------------------------------------------------------
// Web Audio is there in every current browser, secure context or not; an old one without it
// (or one that refuses a context) plays through the <audio> element only.
function createContext() {
  const AC = window.AudioContext || window.webkitAudioContext;
  if (!AC) return null;
  try { return new AC({ latencyHint: 'interactive', sampleRate: 48000 }); } catch (_) { /* options unsupported */ }
  try { return new AC(); } catch (_) { return null; }
}
const ctx = createContext();
const gain = ctx ? ctx.createGain() : null;
if (gain) gain.connect(ctx.destination);
// client_id: the server matches this page's reports (on its WebSocket) to its player connection.
const player = new StreamPlayer($('player'), `/stream/${encodeURIComponent(streamId)}.mp3?` +
  new URLSearchParams(pageToken() ? { token: pageToken() } : { client_id: clientId() }).toString());
let mode = 'webaudio'; // or 'player': the <audio> element plays, binary frames are ignored
let fallbackToPlayer = false; // the player is the only way this browser plays the stream

// target: the safety margin the latest-arriving frame of the last couple of seconds should
// still have ahead of the play head. It grows by 20 ms on an underrun and shrinks by 5 ms after
// 10 calm seconds. When every frame of the last second had whole frames more than the target
// ahead, that many frames are dropped: the page returns to live instead of keeping a delay.
const jb = { target: 0.03, min: 0.015, max: 0.4, lastUnderrunAt: 0, lastShrinkAt: 0, windowStart: 0, windowMinLead: Infinity, trimBudget: 0 };
let nextTime = 0;          // context time where the next frame starts; 0: not primed
let lastArrival = 0;       // performance.now() of the previous frame
let lastScheduledAt = 0;   // performance.now() of the last frame given to the speakers
let lastReceivedAt = 0;    // performance.now() of the last binary frame from the server

function setTarget(t) {
  jb.target = Math.min(jb.max, Math.max(jb.min, t));
  stats.targetMs = Math.round(jb.target * 1000);
}

function resetPlayout() { nextTime = 0; }

// Every decoded frame, whichever decoder made it, comes through here.
function onBuffer(buffer, mark) {
  stats.framesDecoded++;
  schedule(buffer, mark);
}

function schedule(buffer, mark) {
  const nowPerf = performance.now();
  const flowing = nowPerf - lastArrival < 1000;
  lastArrival = nowPerf;
  if (mode !== 'webaudio') return;
  if (ctx.state !== 'running') { stats.dropped++; return; } // not audible yet: stay live
  const now = ctx.currentTime;
  let lead = nextTime - now;
  if (nextTime === 0 || lead < 0.003) {
    if (nextTime !== 0 && flowing) { // ran dry mid-stream: a real underrun, buffer more
      stats.underruns++;
      jb.lastUnderrunAt = nowPerf;
      setTarget(jb.target + 0.02);
    }
    nextTime = now + jb.target;
    lead = jb.target;
  } else if (lead > jb.target + Math.max(0.08, jb.target)) {
    // Far behind live (a stall, then a burst): drop frames until we are back near the target.
    stats.catchups++;
    stats.dropped++;
    return;
  }
  // Calm for 10 s: try a smaller margin again.
  if (nowPerf - jb.lastUnderrunAt > 10000 && nowPerf - jb.lastShrinkAt > 10000) {
    jb.lastShrinkAt = nowPerf;
    setTarget(jb.target - 0.005);
  }
  jb.windowMinLead = Math.min(jb.windowMinLead, lead);
  if (nowPerf - jb.windowStart > 1000) {
    // Every frame of the last second had this much more than the target ahead of it: drop
    // that many whole frames (rounded; one per arrival) to come back towards live. The audio clock
    // falls behind when the device stalls; this is what keeps the delay from creeping up.
    jb.trimBudget = Math.max(0, Math.round((jb.windowMinLead - jb.target) / buffer.duration));
    jb.windowStart = nowPerf;
    jb.windowMinLead = Infinity;
  }
  if (jb.trimBudget > 0 && !mark) {
    jb.trimBudget--;
    stats.trims++;
    stats.dropped++;
    return;
  }
  const src = ctx.createBufferSource();
  src.buffer = buffer;
  src.connect(gain);
  src.start(nextTime);
  if (mark) reportMark(mark, nextTime);
  nextTime += buffer.duration;
  stats.framesScheduled++;
  stats.leadMs = Math.round(lead * 1000);
  lastScheduledAt = nowPerf;
  if (stats.state !== 'live') updateState();
}

// The page-clock wall time (ms) at which context time `t` reaches the speakers.
function playWallMs(t) {
  const ts = ctx.getOutputTimestamp ? ctx.getOutputTimestamp() : null;
  const perfToWall = Date.now() - performance.now();
  if (ts && ts.performanceTime) return perfToWall + ts.performanceTime + (t - ts.contextTime) * 1000;
  return Date.now() + (t - ctx.currentTime + (ctx.outputLatency || ctx.baseLatency || 0)) * 1000;
}

const clock = new ClockSync();
let lastMarkAt = 0;
function reportMark(mark, when) {
  // mark.t: capture time of the frame's first sample on the speaker's clock (the server's, for
  // the control room's own microphone); translate it to ours with the measured offset.
  const play = playWallMs(when);
  const captured = mark.t - clock.offsetMs;
  const delay = play - captured;
  const now = Date.now();
  // Where the delay goes: to arrival (capture, server, network), decoding, then the buffer
  // ahead of the play head and the output device.
  stats.marks.push({ id: mark.id, t: mark.t, play, delayMs: delay, arrivalMs: mark.arrivedAt - captured,
    decodeMs: now - mark.arrivedAt, aheadMs: (when - ctx.currentTime) * 1000, outputMs: play - now - (when - ctx.currentTime) * 1000 });
  if (stats.marks.length > 2000) stats.marks.shift();
  stats.delayMs = Math.round(delay);
  stats.delayKind = 'measured';
  lastMarkAt = performance.now();
}

// ---- decoding -------------------------------------------------------------------------------
let format = null;
let decoder = null;
let decoderLoading = false;
let formatGen = 0;          // a format change while a decoder loads makes that one stale
let pendingMark = null;
let opusPath = null;        // promise of 'webcodecs' | 'wasm' | 'player', decided once per page
let webCodecsFailures = [];  // times of recent WebCodecs errors

function closeDecoder() {
  if (decoder) decoder.close();
  decoder = null;
  decoderLoading = false;
}

// Which way this page decodes Opus: WebCodecs where it can (?decoder= may say otherwise),
// then WebAssembly, then the <audio> element.
function chooseOpusPath() {
  if (!opusPath) {
    opusPath = (async () => {
      if (forced !== 'wasm' && await webCodecsOpus(format)) return 'webcodecs';
      if (typeof WebAssembly === 'object') return 'wasm';
      return 'player';
    })();
  }
  return opusPath;
}

async function setFormat(f) {
  closeDecoder();
  format = f || null;
  const gen = ++formatGen;
  stats.codec = format ? format.codec : null;
  if (format && (!ctx || forced === 'audio')) {
    fallBackToPlayer(ctx ? 'asked for by ?decoder=audio' : 'no Web Audio');
  } else if (format && format.codec === 'opus') {
    const path = await chooseOpusPath();
    if (gen !== formatGen) return;
    openDecoder(path, gen);
  }
  showPath();
  updateState();
}

function openDecoder(path, gen) {
  if (path === 'player') { fallBackToPlayer('no Opus decoder'); return; }
  if (path === 'webcodecs') {
    try {
      decoder = new WebCodecsDecoder(ctx, format, onBuffer, onWebCodecsError);
      return;
    } catch (e) {
      console.warn('WebCodecs decoder', e);
      opusPath = Promise.resolve('wasm');
    }
  }
  decoderLoading = true;
  loadWasmOpus().then((OpusDecoder) => {
    if (gen !== formatGen) return null;
    decoder = new WasmDecoder(ctx, OpusDecoder, format, onBuffer, stats);
    return decoder.whenReady;
  }).then(() => {
    if (gen !== formatGen) return;
    decoderLoading = false;
    showPath();
    updateState();
  }, (e) => {
    if (gen !== formatGen) return;
    console.warn('the WebAssembly decoder', e);
    decoderLoading = false;
    opusPath = Promise.resolve('player');
    fallBackToPlayer('no WebAssembly');
  });
}

// A decoder error: start a new one. Three within 10 s: WebCodecs does not work here, use wasm.
function onWebCodecsError(e) {
  stats.decodeErrors++;
  console.warn('decoder', e);
  const now = performance.now();
  webCodecsFailures = webCodecsFailures.filter((t) => now - t < 10000).concat(now);
  if (webCodecsFailures.length >= 3) opusPath = Promise.resolve('wasm');
  setFormat(format);
}

function onAudio(bytes) {
  stats.framesReceived++;
  lastReceivedAt = performance.now();
  const mark = pendingMark;
  pendingMark = null;
  if (!format || mode !== 'webaudio') return; // the <audio> element plays: nothing to decode
  // Autoplay blocked (or iOS interrupted the context): nothing could be heard, so decode nothing
  // either (a phone's battery); playback starts fresh at live after the tap.
  if (ctx.state !== 'running') { stats.dropped++; return; }
  if (format.codec === 'opus') {
    if (!decoder || !decoder.ready) { stats.dropped++; return; }
    if (decoder.backlog > 25) { stats.dropped++; return; } // decoder starved of CPU: stay live
    try {
      decoder.decode(bytes, mark);
    } catch (e) {
      stats.decodeErrors++;
      console.warn('decode', e);
    }
    return;
  }
  // PCM: s16le or f32le, interleaved.
  const ch = format.channels || 1;
  const rate = format.sample_rate || 48000;
  const f32 = format.sample_format === 'f32le';
  const samples = f32 ? new Float32Array(bytes) : new Int16Array(bytes, 0, bytes.byteLength >> 1);
  const frames = Math.floor(samples.length / ch);
  if (!frames) return;
  const buffer = ctx.createBuffer(ch, frames, rate);
  for (let c = 0; c < ch; c++) {
    const out = buffer.getChannelData(c);
    for (let i = 0; i < frames; i++) out[i] = f32 ? samples[i * ch + c] : samples[i * ch + c] / 32768;
  }
  onBuffer(buffer, mark);
}

// ---- the <audio> element path ---------------------------------------------------------------
function fallBackToPlayer(why) {
  console.warn(`playing the MP3 stream with the media player: ${why}`);
  fallbackToPlayer = true;
  usePlayer(true);
}

function usePlayer(on) {
  if (on === (mode === 'player')) { showPath(); return; }
  resetPlayout();
  if (on) {
    mode = 'player';
    if (ctx) ctx.suspend().catch(() => {});
    player.start().finally(updateState);
  } else {
    player.stop();
    mode = 'webaudio';
    ctx.resume().catch(() => {});
    setFormat(format); // a fresh decoder: the old one's state is from before the gap
  }
  showPath();
  updateState();
  reopenSocket();
}

// The server learns at connect time whether this page wants audio: a switch of path opens the
// WebSocket again at once (no backoff, no "connection lost").
function reopenSocket() {
  if (!ws) return;
  const old = ws;
  old.onclose = null;
  old.onmessage = null;
  old.close(1000, 'switching the audio path');
  ws = null;
  clearTimeout(retryTimer);
  connect();
}

function setText(el, text) { if (el.textContent !== text) el.textContent = text; }

// What plays the sound, for the Audio stat, stats.path and the background toggle.
function showPath() {
  const kbps = format && format.bitrate ? ` ${Math.round(format.bitrate / 1000)} kb/s` : '';
  let codec = '–';
  let how = '';
  if (mode === 'player') {
    stats.path = 'audio-element';
    codec = 'MP3 stream';
    how = 'media player';
  } else if (format && format.codec === 'opus') {
    stats.path = decoder instanceof WasmDecoder || decoderLoading ? 'wasm' : decoder ? 'webcodecs' : null;
    codec = `Opus${kbps}`;
    how = stats.path === 'wasm' ? 'WebAssembly' : stats.path === 'webcodecs' ? 'WebCodecs' : '';
  } else if (format) {
    stats.path = 'pcm';
    codec = 'PCM';
    how = 'Web Audio';
  }
  setText($('codec'), codec);
  setText($('path'), how);
  // Decoded frames and underruns are the Web Audio player's; the media player has neither.
  $('frames-stat').hidden = $('underruns-stat').hidden = mode === 'player';
  const toggle = $('background');
  // Phones (a coarse pointer) lock their screens and suspend Web Audio; and whoever switched
  // needs the way back.
  toggle.hidden = fallbackToPlayer || !ctx || !(mode === 'player' || matchMedia('(pointer: coarse)').matches);
  toggle.setAttribute('aria-pressed', String(mode === 'player'));
  setText(toggle, mode === 'player' ? 'Back to low delay (stops with the screen off)'
    : `Keep playing with the screen off (about ${playerExtraSeconds()}\u00a0s more delay)`);
}

// How much later the <audio> element plays than Web Audio: as estimated on this page once it
// has played, else what Chromium typically does (~3 s: it reads the stream in large blocks).
let playerDelayMs = null;
function playerExtraSeconds() {
  const webAudio = stats.delayKind === 'measured' && mode === 'webaudio' ? stats.delayMs : 150;
  const extra = (playerDelayMs !== null ? playerDelayMs : 3000) - webAudio;
  return Math.max(1, Math.round(extra / 1000));
}

$('background').addEventListener('click', () => usePlayer(mode !== 'player'));

// ---- state: what the listener hears, and what to do about it ---------------------------------
let ws = null;
let speakerLive = false;
let ended = false;
let closedFor = null;        // a refusal we should not retry
let reconnectText = '';
let retryTimer = 0;
const backoff = new Backoff();
const banner = new BannerBox((m) => {
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(JSON.stringify(m));
  return true;
});

const PILLS = { live: 'Live', waiting: 'Off air', ended: 'Ended', buffering: 'Buffering…', blocked: 'Tap to listen',
  connecting: 'Connecting…', reconnecting: 'Reconnecting…', error: 'Problem' };

function setState(state, text, link) {
  stats.state = state;
  const el = $('state');
  const key = `${state}|${text}|${link ? link.href : ''}`;
  if (el.dataset.key !== key) { // unchanged: leave the live region alone (no repeated announcements)
    el.dataset.key = key;
    el.textContent = text;
    if (link) {
      const a = document.createElement('a');
      a.href = link.href;
      a.textContent = link.text;
      el.append(' ', a);
    }
  }
  const pill = $('conn');
  pill.textContent = PILLS[state] || state;
  pill.className = 'pill' + (state === 'live' ? ' live' : ['error', 'reconnecting', 'blocked'].includes(state) ? ' bad' : '');
  $('start').hidden = !needsTap();
}

// Autoplay blocked: the context (or the element) waits for a tap.
function needsTap() {
  if (mode === 'player') return player.blocked;
  return !!ctx && ctx.state !== 'running' && !closedFor && !(player.failed && fallbackToPlayer);
}

// Derives the state from the facts, so that "Live" is said only while sound is being played.
function updateState() {
  if (closedFor) {
    setState('error', `Not allowed to listen: ${closedFor}. Open the link with a valid ?token=.`);
    return;
  }
  if (mode === 'player' && player.state() === 'failed') {
    if (fallbackToPlayer) {
      setState('error', 'This browser cannot play this stream. Open it in another app:', { href: playlistUrl, text: 'stream playlist (.m3u)' });
      return;
    }
    console.warn('media player', player.failed);
    usePlayer(false); // the background player failed: back to the one that worked
    return;
  }
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    if (stats.reconnects) setState('reconnecting', reconnectText || 'Reconnecting…');
    else setState('connecting', 'Connecting…');
    return;
  }
  if (!speakerLive) {
    if (ended) setState('ended', 'The broadcast has ended. This page picks it up again if it resumes.');
    else setState('waiting', 'Connected. Waiting for the speaker to go on air…');
    return;
  }
  if (mode === 'player') {
    const s = player.state();
    if (s === 'blocked') setState('blocked', 'On air. The browser waits for a tap before it plays sound: tap the button below.');
    else if (s === 'live') setState('live', 'Playing live through the media player; it keeps playing with the screen off.');
    else setState('buffering', 'On air. The media player is buffering…');
    return;
  }
  if (ctx.state !== 'running') {
    setState('blocked', 'On air. The browser waits for a tap before it plays sound: tap the button below.');
    return;
  }
  const now = performance.now();
  if (decoderLoading) setState('buffering', 'On air. Loading the audio decoder…');
  else if (now - lastScheduledAt < 600 && nextTime > ctx.currentTime) setState('live', 'Playing live.');
  else if (now - lastReceivedAt > 1000) setState('buffering', 'On air, but no audio is arriving. Waiting for it…');
  else setState('buffering', 'Buffering…');
}

// ---- connection -----------------------------------------------------------------------------
function connect() {
  // On the media player the WebSocket carries only messages (banners, captions, the speaker's
  // state): ?audio=0 spares the Opus it would ignore, and the server counts the player, once.
  ws = new WebSocket(wsUrl(`/ws/listen/${encodeURIComponent(streamId)}`,
    { client_id: clientId(), token: pageToken(), audio: mode === 'player' ? '0' : '' }));
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (ev) => {
    if (typeof ev.data !== 'string') { banner.activity(); onAudio(ev.data); return; } // audio after `connected`: no banner
    let msg;
    try { msg = JSON.parse(ev.data); } catch (_) { return; }
    onMessage(msg);
  };
  ws.onopen = () => { clock.ping(ws); liveSinceConnect = false; reported = { state: null, at: 0 }; };
  ws.onclose = (ev) => {
    ws = null;
    resetPlayout();
    if (ev.code === 1008 && /^(unauthorized|forbidden)/.test(ev.reason)) {
      closedFor = ev.reason;
      if (mode === 'player') player.stop();
      updateState();
      return;
    }
    const delay = backoff.next();
    stats.reconnects++;
    const why = ev.code === 1001 && ev.reason ? ` (${ev.reason})` : '';
    reconnectText = `Connection lost${why}. Reconnecting in ${Math.ceil(delay / 1000)} s…`;
    retryTimer = setTimeout(connect, delay);
    updateState();
  };
  updateState();
}

function onMessage(msg) {
  if (banner.handle(msg)) return;
  switch (msg.type) {
  case 'connected':
    backoff.reset();
    speakerLive = !!msg.speaker_live;
    ended = false;
    setFormat(msg.format);
    if (mode === 'player' && player.state() !== 'live') player.start(); // the HTTP stream may have dropped too
    break;
  case 'format':
    setFormat(msg.format);
    break;
  case 'speaker_joined':
    speakerLive = true;
    ended = false;
    resetPlayout();
    updateState();
    break;
  case 'speaker_left':
    speakerLive = false;
    ended = true;
    resetPlayout();
    updateState();
    break;
  case 'mark':
    msg.arrivedAt = Date.now();
    pendingMark = msg;
    break;
  case 'pong':
    clock.pong(msg);
    break;
  default:
    break;
  }
}

// ---- controls and status --------------------------------------------------------------------
$('start').addEventListener('click', async () => {
  if (mode === 'player') await player.play();
  else await ctx.resume();
  updateState();
});
if (ctx) {
  ctx.addEventListener('statechange', updateState);
  if (forced !== 'audio') ctx.resume().catch(() => {}); // autoplay blocked: stays pending until a tap
}

function volume() {
  const muted = $('mute').getAttribute('aria-pressed') === 'true';
  const v = muted ? 0 : Number($('volume').value);
  if (gain) gain.gain.value = v;
  player.el.volume = v;
}
$('volume').addEventListener('input', volume);
$('mute').addEventListener('click', (e) => {
  const muted = e.currentTarget.getAttribute('aria-pressed') !== 'true';
  e.currentTarget.setAttribute('aria-pressed', String(muted));
  e.currentTarget.textContent = muted ? 'Unmute' : 'Mute';
  volume();
});

function showDelay() {
  if (mode === 'player') {
    player.tick();
    const ahead = player.aheadS();
    $('buffer').textContent = ahead === null ? '–' : `${Math.round(ahead * 1000)} ms`;
    stats.delayMs = player.delayMs();
    stats.delayKind = stats.delayMs === null ? null : 'estimated';
    if (stats.delayMs !== null && player.state() === 'live') playerDelayMs = stats.delayMs;
    stats.playerCatchups = player.catchups;
    stats.playerRestarts = player.restarts;
  } else {
    const lead = nextTime && ctx ? Math.max(0, nextTime - ctx.currentTime) : 0;
    $('buffer').textContent = nextTime ? `${Math.round(lead * 1000)} ms` : '–';
    if (performance.now() - lastMarkAt > 10000) {
      // No recent mark from the speaker: estimate from what this page knows.
      if (nextTime && clock.rttMs !== null) {
        const out = (ctx.outputLatency || ctx.baseLatency || 0) * 1000;
        stats.delayMs = Math.round(clock.rttMs / 2 + lead * 1000 + out + (format ? format.frame_ms || 20 : 20));
        stats.delayKind = 'estimated';
      } else {
        stats.delayMs = null;
      }
    }
  }
  $('frames').textContent = String(stats.framesDecoded);
  $('underruns').textContent = String(stats.underruns);
  const d = stats.delayMs;
  setText($('delay'), d === null ? '–' : d < 1000 ? `≈ ${d} ms` : `≈ ${(d / 1000).toFixed(1)}\u00a0s`);
  $('delay').title = mode === 'player' ? `the media player's distance to the newest audio + ~${PLAYER_EXTRA_MS} ms (capture, encoder, output)` : '';
}

// ---- "are they hearing me?": what this page plays, for the operator -----------------------------
// Every 5 s, and soon after the state changes (at most one a second; the server ignores more).
const REPORT_STATE = { live: 'playing', buffering: 'buffering', blocked: 'blocked', reconnecting: 'reconnecting' };
let reported = { state: null, at: 0 };
let liveSinceConnect = false; // since the last (re)connection: "reconnecting" until sound plays again
function report(force) {
  if (!ws || ws.readyState !== WebSocket.OPEN || !speakerLive || closedFor) return;
  if (stats.state === 'live') liveSinceConnect = true;
  let state = REPORT_STATE[stats.state] || 'buffering';
  if (state === 'buffering' && stats.reconnects && !liveSinceConnect) state = 'reconnecting';
  const now = performance.now();
  const key = `${state}|${document.visibilityState}`;
  if (!force && key === reported.state && now - reported.at < 5000) return;
  if (now - reported.at < 1100) return;
  reported = { state: key, at: now };
  const decoder = (stats.path === 'audio-element' ? 'media' : stats.path) || undefined;
  ws.send(JSON.stringify({ type: 'listener_report', state,
    delay_ms: state === 'playing' && stats.delayMs !== null ? Math.max(0, Math.min(600000, stats.delayMs)) : null,
    underruns: stats.underruns, decoder, hidden: document.visibilityState === 'hidden' }));
}
document.addEventListener('visibilitychange', () => report(true));
setInterval(() => report(false), 500);

setInterval(() => clock.ping(ws), 5000);
setInterval(() => {
  showDelay();
  updateState();
  if (mode === 'webaudio' && !fallbackToPlayer) showPath(); // the background label follows the delay
}, 250);

window.addEventListener('online', () => {
  if (ws || closedFor) return;
  clearTimeout(retryTimer);
  connect();
});
showPath();
connect();

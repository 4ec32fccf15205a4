// The listener page: one stream over /ws/listen/{id}, Opus decoded with WebCodecs (PCM played
// as is), scheduled on AudioBufferSourceNodes with a small adaptive jitter buffer that jumps
// back to live after a stall. Counters are exposed as window.onair for tests and benchmarks.
import { $, BannerBox, Backoff, ClockSync, clientId, languageName, pageToken, splitChannel, streamFromPath, wsUrl } from './common.js';
import { startInterpretation } from './captions.js';

const streamId = streamFromPath();
const channel = splitChannel(streamId); // main~es: the Spanish channel of main
$('stream-name').textContent = channel.base;
if (channel.lang) {
  $('stream-lang').textContent = ` · ${languageName(channel.lang)} (${channel.lang})`;
  $('stream-lang').hidden = false;
}
document.title = channel.lang ? `OnAir — ${channel.base} (${languageName(channel.lang)})` : `OnAir — ${streamId}`;

const stats = {
  state: 'connecting', framesReceived: 0, framesDecoded: 0, framesScheduled: 0, underruns: 0,
  catchups: 0, trims: 0, dropped: 0, decodeErrors: 0, reconnects: 0, targetMs: 30, leadMs: 0,
  delayMs: null, delayKind: null, codec: null, marks: [],
};
window.onair = { stats };
startInterpretation(streamId, stats);

// ---- audio output ---------------------------------------------------------------------------
const ctx = new AudioContext({ latencyHint: 'interactive', sampleRate: 48000 });
const gain = ctx.createGain();
gain.connect(ctx.destination);
// target: the safety margin the latest-arriving frame of the last couple of seconds should
// still have ahead of the play head. It grows by 20 ms on an underrun and shrinks by 5 ms after
// 10 calm seconds. When every frame of the last second had whole frames more than the target
// ahead, that many frames are dropped: the page returns to live instead of keeping a delay.
const jb = { target: 0.03, min: 0.015, max: 0.4, lastUnderrunAt: 0, lastShrinkAt: 0, windowStart: 0, windowMinLead: Infinity, trimBudget: 0 };
let nextTime = 0;          // context time where the next frame starts; 0: not primed
let lastArrival = 0;       // performance.now() of the previous frame

function setTarget(t) {
  jb.target = Math.min(jb.max, Math.max(jb.min, t));
  stats.targetMs = Math.round(jb.target * 1000);
}

function resetPlayout() { nextTime = 0; }

function schedule(buffer, mark) {
  const nowPerf = performance.now();
  const flowing = nowPerf - lastArrival < 1000;
  lastArrival = nowPerf;
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
let timestampUs = 0;
let pendingMark = null;
const marksByTs = new Map();

function closeDecoder() {
  if (decoder && decoder.state !== 'closed') decoder.close();
  decoder = null;
  marksByTs.clear();
}

function setFormat(f) {
  closeDecoder();
  format = f || null;
  if (!format) { stats.codec = null; $('codec').textContent = 'unknown'; return; }
  stats.codec = format.codec;
  const kbps = format.bitrate ? ` ${Math.round(format.bitrate / 1000)} kb/s` : '';
  $('codec').textContent = `${format.codec}${kbps}`;
  if (format.codec === 'opus') {
    if (!('AudioDecoder' in window)) {
      setState('error', window.isSecureContext
        ? 'This browser cannot decode Opus (no WebCodecs). Try a current Chrome, Edge, Firefox or Safari.'
        : 'This page needs HTTPS (or localhost) to decode audio in this browser. Ask the operator for the https:// address.');
      return;
    }
    decoder = new AudioDecoder({
      output: onDecoded,
      error: (e) => { stats.decodeErrors++; console.warn('decoder', e); setFormat(format); },
    });
    decoder.configure({ codec: 'opus', sampleRate: format.sample_rate || 48000, numberOfChannels: format.channels || 1 });
  }
}

function onDecoded(data) {
  const buffer = ctx.createBuffer(data.numberOfChannels, data.numberOfFrames, data.sampleRate);
  for (let c = 0; c < data.numberOfChannels; c++) data.copyTo(buffer.getChannelData(c), { planeIndex: c, format: 'f32-planar' });
  const mark = marksByTs.get(data.timestamp);
  marksByTs.delete(data.timestamp);
  data.close();
  stats.framesDecoded++;
  schedule(buffer, mark);
}

function onAudio(bytes) {
  stats.framesReceived++;
  if (!format) return;
  const mark = pendingMark;
  pendingMark = null;
  if (format.codec === 'opus') {
    if (!decoder || decoder.state !== 'configured') return;
    if (decoder.decodeQueueSize > 25) { stats.dropped++; return; } // decoder starved of CPU: stay live
    const ts = timestampUs;
    timestampUs += Math.round((format.frame_ms || 20) * 1000);
    if (mark) marksByTs.set(ts, mark);
    decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: ts, data: bytes }));
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
  stats.framesDecoded++;
  schedule(buffer, mark);
}

// ---- connection -----------------------------------------------------------------------------
let ws = null;
let speakerLive = false;
let closedFor = null; // a refusal we should not retry
let retryTimer = 0;
const backoff = new Backoff();
const banner = new BannerBox((m) => { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m)); });

function setState(state, text) {
  stats.state = state;
  $('state').textContent = text;
  const pill = $('conn');
  const labels = { live: 'Live', waiting: 'Connected', ended: 'Ended', connecting: 'Connecting…',
    reconnecting: 'Reconnecting…', error: 'Problem' };
  pill.textContent = labels[state] || state;
  pill.className = 'pill' + (state === 'live' ? ' live' : (state === 'error' || state === 'reconnecting') ? ' bad' : '');
}

function connect() {
  setState(stats.reconnects ? 'reconnecting' : 'connecting', stats.reconnects ? 'Reconnecting…' : 'Connecting…');
  ws = new WebSocket(wsUrl(`/ws/listen/${encodeURIComponent(streamId)}`, { client_id: clientId(), token: pageToken() }));
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (ev) => {
    if (typeof ev.data !== 'string') { onAudio(ev.data); return; }
    let msg;
    try { msg = JSON.parse(ev.data); } catch (_) { return; }
    onMessage(msg);
  };
  ws.onopen = () => clock.ping(ws);
  ws.onclose = (ev) => {
    ws = null;
    resetPlayout();
    if (ev.code === 1008 && /^(unauthorized|forbidden)/.test(ev.reason)) {
      closedFor = ev.reason;
      setState('error', `Not allowed to listen: ${ev.reason}. Open the link with a valid ?token=.`);
      return;
    }
    const delay = backoff.next();
    stats.reconnects++;
    const why = ev.code === 1001 && ev.reason ? ` (${ev.reason})` : '';
    setState('reconnecting', `Connection lost${why}. Reconnecting in ${Math.ceil(delay / 1000)} s…`);
    retryTimer = setTimeout(connect, delay);
  };
}

function onMessage(msg) {
  if (banner.handle(msg)) return;
  switch (msg.type) {
  case 'connected':
    backoff.reset();
    speakerLive = !!msg.speaker_live;
    setFormat(msg.format);
    showLiveness();
    break;
  case 'format':
    setFormat(msg.format);
    break;
  case 'speaker_joined':
    speakerLive = true;
    resetPlayout();
    showLiveness();
    break;
  case 'speaker_left':
    speakerLive = false;
    resetPlayout();
    setState('ended', 'The broadcast has ended. This page picks it up again if it resumes.');
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

function showLiveness() {
  if (speakerLive) setState('live', ctx.state === 'running' ? 'On air.' : 'On air. Tap the button to listen.');
  else setState('waiting', 'Connected. Waiting for the speaker to go on air…');
}

// ---- controls and status --------------------------------------------------------------------
const startButton = $('start');
function updateStartButton() { startButton.hidden = ctx.state === 'running'; }
startButton.addEventListener('click', async () => {
  await ctx.resume();
  updateStartButton();
  if (stats.state === 'live') showLiveness();
});
ctx.addEventListener('statechange', updateStartButton);
ctx.resume().catch(() => {}).finally(updateStartButton);
setTimeout(updateStartButton, 300); // autoplay blocked: resume() stays pending

$('volume').addEventListener('input', (e) => { gain.gain.value = Number(e.target.value); });
$('mute').addEventListener('click', (e) => {
  const muted = e.currentTarget.getAttribute('aria-pressed') !== 'true';
  e.currentTarget.setAttribute('aria-pressed', String(muted));
  e.currentTarget.textContent = muted ? 'Unmute' : 'Mute';
  gain.gain.value = muted ? 0 : Number($('volume').value);
});

setInterval(() => clock.ping(ws), 5000);
setInterval(() => {
  const lead = nextTime ? Math.max(0, nextTime - ctx.currentTime) : 0;
  $('buffer').textContent = nextTime ? `${Math.round(lead * 1000)} ms` : '–';
  $('frames').textContent = String(stats.framesDecoded);
  $('underruns').textContent = String(stats.underruns);
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
  $('delay').textContent = stats.delayMs === null ? '–' : `≈ ${stats.delayMs} ms`;
}, 250);

window.addEventListener('online', () => {
  if (ws || closedFor) return;
  clearTimeout(retryTimer);
  connect();
});
connect();

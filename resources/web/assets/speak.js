// The browser speaker page: microphone (getUserMedia) → AudioWorklet frames → Opus through
// WebCodecs AudioEncoder → /ws/speak/{id}. PCM when the browser has no AudioEncoder. Needs a
// speaker token (kept in sessionStorage, never in the address bar).
import { $, Backoff, ClockSync, streamFromPath, wsUrl } from './common.js';

const streamId = streamFromPath();
$('stream-name').textContent = streamId;
document.title = `OnAir — speak on ${streamId}`;
$('listen-link').href = `/listen/${encodeURIComponent(streamId)}`;

// On a plain-http page (a phone on http://192.168.x.y) browsers hide the microphone
// (navigator.mediaDevices is undefined), AudioWorklet and WebCodecs.
const INSECURE = 'Speaking from a browser needs HTTPS: browsers open the microphone only on secure pages '
  + '(https://, or localhost on this computer). Ask the operator for the https:// address. Listening works here.';

const FRAME_MS = 20;
const RATE = 48000;
const FRAME_SAMPLES = RATE * FRAME_MS / 1000;
const stats = { state: 'off', framesSent: 0, bytesSent: 0, codec: null, error: null, listeners: null };
window.onair = { stats };

// A token handed over as ?token=… is moved out of the address bar into this tab's storage.
const params = new URLSearchParams(location.search);
if (params.get('token')) {
  sessionStorage.setItem('onair.speak_token', params.get('token'));
  params.delete('token');
  history.replaceState(null, '', location.pathname + (params.toString() ? `?${params}` : ''));
}
$('token').value = sessionStorage.getItem('onair.speak_token') || '';

let wantOnAir = false;
let ws = null;
let media = null;
let ctx = null;
let node = null;
let encoder = null;
let timestampUs = 0;
let markId = 0;
let lastMarkAt = 0;
let retryTimer = 0;
let currentFormat = null;
const backoff = new Backoff();
let wasOnAirAt = 0; // when an on-air connection was lost (0: not reconnecting)
const clock = new ClockSync();

function setState(state, text) {
  stats.state = state;
  $('state').textContent = text;
  const pill = $('conn');
  pill.textContent = state === 'onair' ? 'ON AIR' : state === 'connecting' ? 'Connecting…' : state === 'error' ? 'Problem' : 'Off air';
  pill.className = 'pill' + (state === 'onair' ? ' onair' : state === 'error' ? ' bad' : '');
  $('go').textContent = wantOnAir ? '■ Go off air' : '● Go on air';
}

function fail(text) {
  stats.error = text;
  wantOnAir = false;
  stopAudio();
  if (ws) ws.close(1000, 'off air');
  setState('error', text);
}

async function listDevices() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
  const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
  const sel = $('device');
  const current = sel.value;
  sel.replaceChildren(new Option('Default microphone', ''));
  devices.forEach((d, i) => { if (d.deviceId) sel.append(new Option(d.label || `Microphone ${i + 1}`, d.deviceId)); });
  sel.value = current;
}

function send(bytes) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return;
  if (ws.bufferedAmount > 64 * 1024) return; // the network is not keeping up: stay live, skip
  ws.send(bytes);
  stats.framesSent++;
  stats.bytesSent += bytes.byteLength;
}

// Once a second a mark: "the next frame was captured at t" (server clock), so listeners can
// measure their mouth-to-ear delay.
function maybeMark(captureWallMs) {
  if (performance.now() - lastMarkAt < 1000 || !ws || ws.readyState !== WebSocket.OPEN) return;
  lastMarkAt = performance.now();
  ws.send(JSON.stringify({ type: 'mark', id: ++markId, t: Math.round(captureWallMs + clock.offsetMs) }));
}

async function startAudio() {
  const deviceId = $('device').value;
  media = await navigator.mediaDevices.getUserMedia({
    audio: { deviceId: deviceId ? { exact: deviceId } : undefined, channelCount: 1,
      echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  listDevices();
  ctx = new AudioContext({ sampleRate: RATE, latencyHint: 'interactive' });
  await ctx.audioWorklet.addModule('/assets/capture-worklet.js');
  node = new AudioWorkletNode(ctx, 'onair-capture', { processorOptions: { frameSamples: FRAME_SAMPLES } });
  const silent = ctx.createGain();
  silent.gain.value = 0;
  ctx.createMediaStreamSource(media).connect(node);
  node.connect(silent).connect(ctx.destination); // keeps the graph pulling the worklet
  const bitrate = Number($('bitrate').value) || 32000;
  const opusConfig = { codec: 'opus', sampleRate: RATE, numberOfChannels: 1, bitrate,
    opus: { frameDuration: FRAME_MS * 1000, useinbandfec: true, packetlossperc: 5 } };
  let useOpus = 'AudioEncoder' in window;
  if (useOpus) {
    try { useOpus = (await AudioEncoder.isConfigSupported(opusConfig)).supported; } catch (_) { useOpus = false; }
  }
  stats.codec = useOpus ? 'opus' : 'pcm';
  $('codec').textContent = useOpus ? `opus ${bitrate / 1000} kb/s` : 'pcm 768 kb/s';
  if (useOpus) {
    encoder = new AudioEncoder({
      output: (chunk) => {
        const bytes = new Uint8Array(chunk.byteLength);
        chunk.copyTo(bytes);
        maybeMark(chunk.timestamp / 1000);
        send(bytes);
      },
      error: (e) => fail(`The Opus encoder failed: ${e.message}`),
    });
    encoder.configure(opusConfig);
  }
  node.port.onmessage = ({ data }) => {
    $('level').style.width = `${Math.min(100, Math.round(Math.sqrt(data.peak) * 100))}%`;
    // The frame's first sample was captured one frame plus the input latency ago.
    const capturedAt = Date.now() - FRAME_MS - (ctx.baseLatency || 0) * 1000;
    if (encoder) {
      if (encoder.encodeQueueSize > 10) return; // CPU starved: skip rather than lag
      const ad = new AudioData({ format: 'f32-planar', sampleRate: RATE, numberOfFrames: data.frame.length,
        numberOfChannels: 1, timestamp: Math.round(capturedAt * 1000), data: data.frame });
      encoder.encode(ad);
      ad.close();
    } else {
      const pcm = new Int16Array(data.frame.length);
      for (let i = 0; i < pcm.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(data.frame[i] * 32767)));
      maybeMark(capturedAt);
      send(pcm.buffer);
    }
  };
  return useOpus ? { codec: 'opus', sample_rate: RATE, channels: 1, frame_ms: FRAME_MS, bitrate, fec: true }
    : { codec: 'pcm', sample_rate: RATE, channels: 1, frame_ms: FRAME_MS, sample_format: 's16le' };
}

function stopAudio() {
  if (node) { node.port.onmessage = null; node.disconnect(); node = null; }
  if (encoder && encoder.state !== 'closed') encoder.close();
  encoder = null;
  if (ctx) { ctx.close(); ctx = null; }
  if (media) { media.getTracks().forEach((t) => t.stop()); media = null; }
  $('level').style.width = '0';
}

async function connect() {
  const token = $('token').value.trim();
  setState('connecting', 'Connecting…');
  try {
    if (!media) currentFormat = await startAudio();
  } catch (e) {
    fail(e && e.name === 'NotAllowedError' ? 'Microphone access was refused. Allow it in the browser and try again.'
      : `The microphone could not start: ${e && e.message ? e.message : e}`);
    return;
  }
  ws = new WebSocket(wsUrl(`/ws/speak/${encodeURIComponent(streamId)}`, { token }));
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    ws.send(JSON.stringify({ type: 'hello', format: currentFormat }));
    clock.ping(ws);
  };
  ws.onmessage = (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch (_) { return; }
    if (msg.type === 'connected') {
      backoff.reset();
      stats.listeners = msg.listeners;
      $('listeners').textContent = String(msg.listeners);
    } else if (msg.type === 'format_accepted') {
      wasOnAirAt = 0;
      setState('onair', `On air on “${streamId}”. Everyone on the listen page hears you.`);
    } else if (msg.type === 'pong') {
      clock.pong(msg);
    } else if (msg.type === 'error') {
      stats.error = msg.message;
    }
  };
  ws.onclose = (ev) => {
    ws = null;
    if (!wantOnAir) { setState('off', 'Off air.'); return; }
    if (stats.state === 'onair') wasOnAirAt = Date.now();
    if (ev.code === 4409) {
      // Right after a lost connection the stream may still be held for us by a replica that
      // died: the cluster hands it over within seconds, so keep trying for a while.
      if (wasOnAirAt && Date.now() - wasOnAirAt < 20000) {
        const delay = backoff.next();
        setState('connecting', `The stream is still held by the server we lost. Retrying in ${Math.ceil(delay / 1000)} s…`);
        retryTimer = setTimeout(connect, delay);
        return;
      }
      fail('Someone else is already speaking on this stream.');
      return;
    }
    if (ev.code === 1008) { fail(`The server refused: ${ev.reason || 'not allowed'}. Check the token.`); return; }
    const delay = backoff.next();
    setState('connecting', `Connection lost. Reconnecting in ${Math.ceil(delay / 1000)} s…`);
    retryTimer = setTimeout(connect, delay);
  };
}
$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (wantOnAir) {
    wantOnAir = false;
    wasOnAirAt = 0;
    clearTimeout(retryTimer);
    if (ws) ws.close(1000, 'off air');
    stopAudio();
    currentFormat = null;
    setState('off', 'Off air.');
    return;
  }
  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    fail(INSECURE);
    return;
  }
  sessionStorage.setItem('onair.speak_token', $('token').value.trim());
  wantOnAir = true;
  stats.error = null;
  await connect();
});

setInterval(() => { $('sent').textContent = String(stats.framesSent); }, 500);
setInterval(() => clock.ping(ws), 5000);
setState('off', window.isSecureContext ? 'Off air.' : `Off air. ${INSECURE}`);
listDevices();

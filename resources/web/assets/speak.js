// The browser speaker page: the microphone (capture.js: Opus through WebCodecs, PCM without it)
// → /ws/speak/{id}. Needs a speaker token (kept in sessionStorage, never in the address bar).
import { $, Backoff, ClockSync, streamFromPath, wsUrl } from './common.js';
import { MIC_TEXT, Microphone, listMicrophones, microphoneAvailable, microphoneError } from './capture.js';
import { texts, translatePage } from './i18n.js';

const t = texts('speak', {
  en: {
    pageTitle: (id) => `OnAir — speak on ${id}`, speakOn: 'Speak on', tokenLabel: 'Speaker token',
    tokenPlaceholder: 'paste the token the operator gave you', microphone: 'Microphone', quality: 'Quality',
    speech32: '32 kb/s (speech)', music64: '64 kb/s (music)', go: '● Go on air', stop: '■ Go off air',
    sent: 'Sent', listeners: 'Listeners', audio: 'Audio', listenLink: 'Listen to this stream',
    onAirPill: 'ON AIR', connectingPill: 'Connecting…', errorPill: 'Problem', offAirPill: 'Off air',
    offAir: 'Off air.', connecting: 'Connecting…',
    // On a plain-http page (a phone on http://192.168.x.y) browsers hide the microphone
    // (navigator.mediaDevices is undefined), AudioWorklet and WebCodecs.
    insecure: 'Speaking from a browser needs HTTPS: browsers open the microphone only on secure pages '
      + '(https://, or localhost on this computer). Ask the operator for the https:// address. Listening works here.',
    onAir: (id) => `On air on “${id}”. Everyone on the listen page hears you.`,
    heldByLost: (s) => `The stream is still held by the server we lost. Retrying in ${s} s…`,
    taken: 'Someone else is already speaking on this stream.',
    refused: (why) => `The server refused: ${why}. Check the token.`, notAllowed: 'not allowed',
    lost: (s) => `Connection lost. Reconnecting in ${s} s…`,
  },
  nl: {
    pageTitle: (id) => `OnAir — spreken op ${id}`, speakOn: 'Spreken op', tokenLabel: 'Sprekerstoken',
    tokenPlaceholder: 'plak het token van de technicus', microphone: 'Microfoon', quality: 'Kwaliteit',
    speech32: '32 kb/s (spraak)', music64: '64 kb/s (muziek)', go: '● Uitzending starten', stop: '■ Uitzending stoppen',
    sent: 'Verzonden', listeners: 'Luisteraars', audio: 'Geluid', listenLink: 'Luisteren naar deze stream',
    onAirPill: 'IN DE LUCHT', connectingPill: 'Verbinden…', errorPill: 'Probleem', offAirPill: 'Niet in de lucht',
    offAir: 'Niet in de lucht.', connecting: 'Verbinden…',
    insecure: 'Spreken vanuit een browser kan alleen via HTTPS: browsers geven de microfoon alleen vrij op beveiligde '
      + 'pagina’s (https://, of localhost op deze computer). Vraag de technicus om het https://-adres. Luisteren kan hier wel.',
    onAir: (id) => `In de lucht op “${id}”. Iedereen op de luisterpagina hoort u.`,
    heldByLost: (s) => `De stream wordt nog vastgehouden door de server waarmee de verbinding wegviel. Opnieuw proberen over ${s} s…`,
    taken: 'Er spreekt al iemand anders op deze stream.',
    refused: (why) => `De server weigerde: ${why}. Controleer het token.`, notAllowed: 'niet toegestaan',
    lost: (s) => `Verbinding verbroken. Opnieuw verbinden over ${s} s…`,
  },
});

const streamId = streamFromPath();
translatePage({ ...MIC_TEXT, ...t }, t.pageTitle(streamId));
$('stream-name').textContent = streamId;
$('listen-link').href = `/listen/${encodeURIComponent(streamId)}`;

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
let mic = null;
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
  pill.textContent = state === 'onair' ? t.onAirPill : state === 'connecting' ? t.connectingPill : state === 'error' ? t.errorPill : t.offAirPill;
  pill.className = 'pill' + (state === 'onair' ? ' onair' : state === 'error' ? ' bad' : '');
  $('go').textContent = wantOnAir ? t.stop : t.go;
}

function fail(text) {
  stats.error = text;
  wantOnAir = false;
  stopAudio();
  if (ws) ws.close(1000, 'off air');
  setState('error', text);
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
  const bitrate = Number($('bitrate').value) || 32000;
  mic = new Microphone({ deviceId: $('device').value, bitrate,
    onPacket: (bytes, capturedAtMs) => { maybeMark(capturedAtMs); send(bytes); },
    onLevel: (peak) => { $('level').style.width = `${Math.min(100, Math.round(Math.sqrt(peak) * 100))}%`; },
    onError: (text) => fail(text) });
  const format = await mic.start();
  listMicrophones($('device'));
  stats.codec = mic.codec;
  $('codec').textContent = mic.codec === 'opus' ? `opus ${bitrate / 1000} kb/s` : 'pcm 768 kb/s';
  return format;
}

function stopAudio() {
  if (mic) mic.stop();
  mic = null;
  $('level').style.width = '0';
}

async function connect() {
  const token = $('token').value.trim();
  setState('connecting', t.connecting);
  try {
    if (!mic) currentFormat = await startAudio();
  } catch (e) {
    fail(microphoneError(e));
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
      setState('onair', t.onAir(streamId));
    } else if (msg.type === 'pong') {
      clock.pong(msg);
    } else if (msg.type === 'error') {
      stats.error = msg.message;
    }
  };
  ws.onclose = (ev) => {
    ws = null;
    if (!wantOnAir) { setState('off', t.offAir); return; }
    if (stats.state === 'onair') wasOnAirAt = Date.now();
    if (ev.code === 4409) {
      // Right after a lost connection the stream may still be held for us by a replica that
      // died: the cluster hands it over within seconds, so keep trying for a while.
      if (wasOnAirAt && Date.now() - wasOnAirAt < 20000) {
        const delay = backoff.next();
        setState('connecting', t.heldByLost(Math.ceil(delay / 1000)));
        retryTimer = setTimeout(connect, delay);
        return;
      }
      fail(t.taken);
      return;
    }
    if (ev.code === 1008) { fail(t.refused(ev.reason || t.notAllowed)); return; }
    const delay = backoff.next();
    setState('connecting', t.lost(Math.ceil(delay / 1000)));
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
    setState('off', t.offAir);
    return;
  }
  if (!microphoneAvailable()) {
    fail(t.insecure);
    return;
  }
  sessionStorage.setItem('onair.speak_token', $('token').value.trim());
  wantOnAir = true;
  stats.error = null;
  await connect();
});

setInterval(() => { $('sent').textContent = String(stats.framesSent); }, 500);
setInterval(() => clock.ping(ws), 5000);
setState('off', window.isSecureContext ? t.offAir : `${t.offAir} ${t.insecure}`);
listMicrophones($('device'));

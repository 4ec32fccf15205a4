// The interpreter's booth, /interpret/{stream}/{lang} (docs/interpretation.md "Human
// interpreters", "The booth page"). Two halves:
//  - the headphones: the floor (/ws/listen/{stream}) or a relay channel ({stream}~{other}),
//    played by a StreamReceiver (receiver.js) with its level and the floor's captions;
//  - the microphone (capture.js) on /ws/speak/{stream}~{lang}: an on-air light, the level, a
//    cough key (silence while held, the channel stays ours), Hand over, and the booth partner's
//    refusal (4409) with a take-over as soon as they hand over.
// The microphone needs a secure context; on plain http the page says so and still listens.
// Counters are exposed as window.onair.stats for tests and benchmarks.
import { $, Backoff, ClockSync, clientId, languageName, listenHref, sourceText, wsUrl } from './common.js';
import { startInterpretation } from './captions.js';
import { MIC_TEXT, Microphone, listMicrophones, microphoneAvailable, microphoneError } from './capture.js';
import { StreamReceiver, createPlaybackContext, outputLevel, receiverStats } from './receiver.js';
import { texts, translatePage } from './i18n.js';

const t = texts('interpret', {
  en: {
    pageTitle: (floor, language) => `OnAir — booth ${floor} → ${language}`, booth: 'Booth',
    hearTitle: 'In your headphones', source: 'Source', floor: 'Floor', floorOf: (id) => `Floor (${id})`,
    relay: (language, code, how) => `Relay: ${language} (${code})${how ? ` — ${how}` : ''}`,
    tapToHear: '▶ Tap to hear the floor', volume: 'Volume', captions: 'Captions', floorCaptions: 'Floor captions',
    delay: 'Delay', audio: 'Audio', micTitle: 'Your microphone', tokenLabel: 'Interpreter token',
    tokenPlaceholder: 'paste the token the operator gave you', microphone: 'Microphone',
    go: '● Go on air', stop: '■ Go off air', stopWaiting: '■ Stop waiting',
    cough: 'Cough', coughHint: '(hold, or hold C / Space)', handOver: 'Hand over', cancelHandOver: 'Cancel hand-over',
    sent: 'Sent', listeners: 'Listeners', listenLink: 'Listen to this channel',
    pills: { onair: 'ON AIR', pending: 'ON AIR · handing over', connecting: 'Connecting…', partner: 'Partner on air',
      handed: 'Off air', error: 'Problem', off: 'Off air' },
    offAirPill: 'Off air',
    light: { onair: 'ON AIR', muted: 'MUTED', partner: 'PARTNER', off: 'OFF AIR' },
    lightLabel: { onair: 'On air', muted: 'On air, muted', partner: 'Your partner is on air', off: 'Off air' },
    insecure: 'Speaking from a browser needs HTTPS: browsers open the microphone only on secure pages '
      + '(https://, or localhost on this computer). Ask the operator for the https:// address, or interpret from the '
      + 'OnAir desktop app. You can still listen to the floor here.',
    partner: 'Your booth partner is on air — wait for their hand-over. You take over the moment they hand over.',
    theFloor: 'the floor', relayChannel: (language) => `the ${language} channel (relay)`,
    hearFailed: 'This browser cannot decode the audio. Use another browser, or the desktop app.',
    hearRefused: (why) => `Not allowed to listen: ${why}. Check the token.`,
    hearLost: 'Connection lost. Reconnecting…', connecting: 'Connecting…',
    hearWaiting: (what) => `Waiting for ${what} to go on air…`,
    hearBlocked: 'The browser waits for a tap before it plays sound.', hearLoading: 'Loading the audio decoder…',
    hearLive: (what) => `Hearing ${what}.`, hearBuffering: (what) => `On air: waiting for ${what}'s audio…`,
    onAir: (language) => `On air on ${language}. Everyone on this channel hears you.`,
    pending: 'Still on air. Your partner takes over the moment they go on air.',
    cancelled: (language) => `On air on ${language}. Hand-over cancelled.`,
    pendingFor: (s) => ` The hand-over is withdrawn if nobody takes it within ${s >= 120 ? `${Math.round(s / 60)} minutes` : `${s} s`}.`,
    withdrawn: (language) => `On air on ${language}. Nobody took over in time: the hand-over was withdrawn, you are still on air.`,
    handed: 'You handed over: your partner is on air. Off air.', offAir: 'Off air.',
    refused: (why) => `The server refused: ${why}. Check the token.`, notAllowed: 'not allowed',
    lost: (wasOnAir, s) => `${wasOnAir ? 'Connection lost' : 'Could not connect'}. Reconnecting in ${s} s…`,
    noMicrophone: 'Off air: this page cannot open the microphone (see above).',
  },
  nl: {
    pageTitle: (floor, language) => `OnAir — tolkcabine ${floor} → ${language}`, booth: 'Cabine',
    hearTitle: 'In uw koptelefoon', source: 'Bron', floor: 'Zaal', floorOf: (id) => `Zaal (${id})`,
    relay: (language, code, how) => `Relais: ${language} (${code})${how ? ` — ${how}` : ''}`,
    tapToHear: '▶ Tik om de zaal te horen', volume: 'Volume', captions: 'Ondertitels', floorCaptions: 'Ondertitels van de zaal',
    delay: 'Vertraging', audio: 'Geluid', micTitle: 'Uw microfoon', tokenLabel: 'Tolktoken',
    tokenPlaceholder: 'plak het token van de technicus', microphone: 'Microfoon',
    go: '● Microfoon aan', stop: '■ Microfoon uit', stopWaiting: '■ Niet meer wachten',
    cough: 'Hoesttoets', coughHint: '(ingedrukt houden, of C / spatie)',
    handOver: 'Overdragen', cancelHandOver: 'Overdracht annuleren',
    sent: 'Verzonden', listeners: 'Luisteraars', listenLink: 'Luisteren naar dit kanaal',
    pills: { onair: 'IN DE LUCHT', pending: 'IN DE LUCHT · overdracht', connecting: 'Verbinden…', partner: 'Collega in de lucht',
      handed: 'Niet in de lucht', error: 'Probleem', off: 'Niet in de lucht' },
    offAirPill: 'Niet in de lucht',
    light: { onair: 'IN DE LUCHT', muted: 'GEDEMPT', partner: 'COLLEGA', off: 'NIET IN DE LUCHT' },
    lightLabel: { onair: 'In de lucht', muted: 'In de lucht, gedempt', partner: 'Uw collega is in de lucht', off: 'Niet in de lucht' },
    insecure: 'Spreken vanuit een browser kan alleen via HTTPS: browsers geven de microfoon alleen vrij op beveiligde '
      + 'pagina’s (https://, of localhost op deze computer). Vraag de technicus om het https://-adres, of tolk met de '
      + 'OnAir-desktopapp. De zaal kunt u hier wel beluisteren.',
    partner: 'Uw cabinecollega is in de lucht — wacht op de overdracht. Zodra die overdraagt, neemt u het over.',
    theFloor: 'de zaal', relayChannel: (language) => `het kanaal ${language} (relais)`,
    hearFailed: 'Deze browser kan het geluid niet decoderen. Gebruik een andere browser of de desktopapp.',
    hearRefused: (why) => `U mag niet luisteren: ${why}. Controleer het token.`,
    hearLost: 'Verbinding verbroken. Opnieuw verbinden…', connecting: 'Verbinden…',
    hearWaiting: (what) => `Wachten tot ${what} in de lucht is…`,
    hearBlocked: 'De browser wacht op een tik voordat hij geluid afspeelt.', hearLoading: 'De audiodecoder wordt geladen…',
    hearLive: (what) => `U hoort ${what}.`, hearBuffering: (what) => `In de lucht: wachten op het geluid van ${what}…`,
    onAir: (language) => `In de lucht op het kanaal ${language}. Iedereen op dit kanaal hoort u.`,
    pending: 'Nog in de lucht. Uw collega neemt het over zodra die in de lucht komt.',
    cancelled: (language) => `In de lucht op het kanaal ${language}. Overdracht geannuleerd.`,
    pendingFor: (s) => ` De overdracht vervalt als niemand die binnen ${s >= 120 ? `${Math.round(s / 60)} minuten` : `${s} s`} overneemt.`,
    withdrawn: (language) => `In de lucht op het kanaal ${language}. Niemand nam het op tijd over: de overdracht is vervallen, u bent nog in de lucht.`,
    handed: 'U hebt overgedragen: uw collega is in de lucht. U bent niet meer in de lucht.', offAir: 'Niet in de lucht.',
    refused: (why) => `De server weigerde: ${why}. Controleer het token.`, notAllowed: 'niet toegestaan',
    lost: (wasOnAir, s) => `${wasOnAir ? 'Verbinding verbroken' : 'Kon geen verbinding maken'}. Opnieuw verbinden over ${s} s…`,
    noMicrophone: 'Niet in de lucht: deze pagina kan de microfoon niet openen (zie hierboven).',
  },
});

const parts = location.pathname.split('/').filter(Boolean);
const floor = decodeURIComponent(parts[1] || '');
const lang = decodeURIComponent(parts[2] || '');
const channelId = `${floor}~${lang}`;
const forced = new URLSearchParams(location.search).get('decoder');
translatePage({ ...MIC_TEXT, ...t }, t.pageTitle(floor, languageName(lang)));
$('floor-name').textContent = floor;
$('lang-name').textContent = `${languageName(lang)} (${lang})`;
const RETRY_PARTNER_MS = 1000; // how often a waiting interpreter asks again

const stats = {
  state: 'off', framesSent: 0, bytesSent: 0, codec: null, error: null, listeners: null, onAir: false,
  muted: false, silentFrames: 0, handOver: 'none', refusals: 0, handedOver: 0, handOversWithdrawn: 0, closes: [],
  secureContext: window.isSecureContext, micAvailable: microphoneAvailable(),
  hear: { state: 'connecting', source: floor, speakerLive: false, peak: 0, rms: 0, path: null, ...receiverStats() },
};
window.onair = { stats, analyser: null };

// A token handed over as ?token=… is moved out of the address bar into this tab's storage.
const TOKEN_KEY = 'onair.interpret_token';
const params = new URLSearchParams(location.search);
if (params.get('token')) {
  sessionStorage.setItem(TOKEN_KEY, params.get('token'));
  params.delete('token');
  history.replaceState(null, '', location.pathname + (params.toString() ? `?${params}` : ''));
}
$('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
const token = () => $('token').value.trim();
$('listen-link').href = listenHref(channelId);

function setText(el, text) { if (el.textContent !== text) el.textContent = text; }

// ---- the headphones ---------------------------------------------------------------------------
const ctx = createPlaybackContext();
const volume = ctx.createGain();
const analyser = ctx.createAnalyser();
analyser.fftSize = 2048;
volume.connect(ctx.destination);
volume.connect(analyser);
window.onair.analyser = analyser; // what the headphones play (tests)
const hearClock = new ClockSync();
const receiver = new StreamReceiver(ctx, volume, stats.hear, { forced: forced === 'wasm' ? 'wasm' : null, clock: hearClock,
  onFallback: () => { hear.failed = true; showHear(); }, onChange: () => showHear() });
// failed: nothing here decodes the audio; refused: the server's reason (no retry); lost: the
// connection dropped and is being retried.
const hear = { ws: null, backoff: new Backoff(), retryTimer: 0, failed: false, refused: null, lost: false };
startInterpretation(floor, stats); // the floor's captions, when its speech is recognised

function hearConnect() {
  clearTimeout(hear.retryTimer);
  const ws = new WebSocket(wsUrl(`/ws/listen/${encodeURIComponent(stats.hear.source)}`, { client_id: clientId(), token: token() }));
  hear.ws = ws;
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => hearClock.ping(ws);
  ws.onmessage = (ev) => {
    if (typeof ev.data !== 'string') {
      stats.hear.speakerLive = true; // a relay channel's next source may come before the last one's speaker_left
      receiver.push(ev.data);
      return;
    }
    let msg;
    try { msg = JSON.parse(ev.data); } catch (_) { return; }
    onHearMessage(msg);
  };
  ws.onclose = (ev) => {
    if (hear.ws !== ws) return;
    hear.ws = null;
    receiver.reset();
    hear.lost = true;
    if (ev.code === 1008) hear.refused = ev.reason || 'refused';
    else hear.retryTimer = setTimeout(hearConnect, hear.backoff.next());
    showHear();
  };
  showHear();
}

function onHearMessage(msg) {
  switch (msg.type) {
  case 'connected':
    hear.backoff.reset();
    hear.lost = false;
    stats.hear.speakerLive = !!msg.speaker_live;
    receiver.setFormat(msg.format).then(showHear);
    break;
  case 'format':
    receiver.setFormat(msg.format).then(showHear);
    break;
  case 'speaker_joined':
  case 'speaker_left':
    stats.hear.speakerLive = msg.type === 'speaker_joined';
    receiver.reset();
    break;
  case 'mark':
    receiver.mark(msg);
    break;
  case 'pong':
    hearClock.pong(msg);
    break;
  default:
    break;
  }
  showHear();
}

// Floor or a relay channel: the other socket, at once.
function setHearSource(id) {
  stats.hear.source = id || floor;
  const old = hear.ws;
  hear.ws = null;
  if (old) old.close(1000, 'another source');
  receiver.close();
  stats.hear.speakerLive = false;
  hear.backoff.reset();
  hear.lost = false;
  hearConnect();
}
$('relay').addEventListener('change', (e) => setHearSource(e.currentTarget.value));
$('relay').addEventListener('focus', () => refreshChannels()); // a channel declared meanwhile

function hearState() {
  const what = stats.hear.source === floor ? t.theFloor : t.relayChannel(languageName(stats.hear.source.split('~')[1] || ''));
  if (hear.failed) return ['error', t.hearFailed];
  if (hear.refused) return ['error', t.hearRefused(hear.refused)];
  if (!hear.ws || hear.ws.readyState !== WebSocket.OPEN) return hear.lost ? ['reconnecting', t.hearLost] : ['connecting', t.connecting];
  if (!stats.hear.speakerLive) return ['waiting', t.hearWaiting(what)];
  if (ctx.state !== 'running') return ['blocked', t.hearBlocked];
  if (receiver.loading) return ['buffering', t.hearLoading];
  if (receiver.playing) return ['live', t.hearLive(what)];
  return ['buffering', t.hearBuffering(what)];
}

function showHear() {
  const [state, text] = hearState();
  stats.hear.state = state;
  stats.hear.path = receiver.path;
  setText($('hear-state'), text);
  $('start').hidden = state !== 'blocked';
  const f = receiver.format;
  setText($('hear-codec'), f ? (f.codec === 'opus' ? `Opus${f.bitrate ? ` ${Math.round(f.bitrate / 1000)} kb/s` : ''}` : 'PCM') : '–');
  setText($('hear-path'), { wasm: 'WebAssembly', webcodecs: 'WebCodecs', pcm: 'Web Audio' }[receiver.path] || '');
}

$('start').addEventListener('click', async () => { await ctx.resume(); showHear(); });
ctx.addEventListener('statechange', showHear);
ctx.resume().catch(() => {}); // autoplay blocked: stays pending until a tap
$('volume').addEventListener('input', (e) => { volume.gain.value = Number(e.currentTarget.value); });

// What the headphones play: the meter, the delay (measured from the floor's marks).
const levelBuf = new Float32Array(analyser.fftSize);
setInterval(() => {
  const { peak, rms } = outputLevel(analyser, levelBuf);
  stats.hear.peak = peak;
  stats.hear.rms = rms;
  $('hear-level').style.width = `${Math.min(100, Math.round(Math.sqrt(peak) * 100))}%`;
  if (performance.now() - receiver.lastMarkAt > 10000) {
    stats.hear.delayMs = receiver.estimateDelayMs();
    if (stats.hear.delayMs !== null) stats.hear.delayKind = 'estimated';
  }
  const d = stats.hear.delayMs;
  setText($('hear-delay'), d === null ? '–' : `≈ ${d} ms`);
}, 100);
setInterval(() => { hearClock.ping(hear.ws && hear.ws.readyState === WebSocket.OPEN ? hear.ws : null); showHear(); }, 5000);

// The relay choices: the floor and the stream's other language channels.
async function refreshChannels() {
  const headers = token() ? { Authorization: `Bearer ${token()}` } : {};
  let all = [];
  try {
    let res = await fetch(`/api/streams/${encodeURIComponent(floor)}/channels`, { headers, cache: 'no-store' });
    if (res.status === 401 || res.status === 403) res = await fetch(`/api/streams/${encodeURIComponent(floor)}/channels`, { cache: 'no-store' });
    if (!res.ok) return;
    all = ((await res.json()).channels || []).filter((c) => c && typeof c.stream_id === 'string');
  } catch (_) { return; } // offline: the sockets say so
  const sel = $('relay');
  const options = [new Option(t.floorOf(floor), floor)];
  for (const c of all.filter((x) => x.lang !== lang)) {
    const how = sourceText(c.source);
    options.push(new Option(t.relay(languageName(c.lang), c.lang, how.toLowerCase()), c.stream_id));
  }
  const own = all.find((c) => c.stream_id === channelId);
  if (own && Number.isInteger(own.listeners) && stats.onAir) {
    stats.listeners = own.listeners;
    setText($('listeners'), String(own.listeners));
  }
  if (!options.some((o) => o.value === stats.hear.source)) options.push(new Option(stats.hear.source, stats.hear.source));
  const key = options.map((o) => `${o.value}|${o.text}`).join('\n');
  if (key !== [...sel.options].map((o) => `${o.value}|${o.text}`).join('\n')) { // unchanged: leave an open list alone
    sel.replaceChildren(...options);
    sel.value = stats.hear.source;
  }
  stats.relayChoices = options.map((o) => o.value);
}
setInterval(refreshChannels, 5000); // new relay channels, and this channel's listeners

// ---- the microphone ---------------------------------------------------------------------------
let wantOnAir = false;
let ws = null;
let mic = null;
let format = null;
let retryTimer = 0;
let markId = 0;
let lastMarkAt = 0;
const backoff = new Backoff();
const speakClock = new ClockSync();

function setState(state, text) {
  stats.state = state;
  stats.onAir = state === 'onair' || state === 'pending';
  setText($('state'), text);
  const pill = $('conn');
  pill.textContent = t.pills[state] || state;
  pill.className = 'pill' + (stats.onAir ? ' onair' : state === 'error' ? ' bad' : '');
  showLight();
  $('go').textContent = state === 'partner' ? t.stopWaiting : wantOnAir ? t.stop : t.go;
  $('handover').disabled = !stats.onAir;
  $('handover').textContent = state === 'pending' ? t.cancelHandOver : t.handOver;
  $('handover').setAttribute('aria-pressed', String(state === 'pending'));
  $('cough').disabled = !mic;
}

function showLight() {
  const light = $('light');
  const which = stats.onAir ? (stats.muted ? 'muted' : 'onair') : stats.state === 'partner' ? 'partner' : 'off';
  setText(light, t.light[which]);
  light.className = 'light' + { muted: ' muted', onair: ' on', partner: ' partner', off: '' }[which];
  light.setAttribute('aria-label', t.lightLabel[which]);
}

function send(bytes) {
  if (!ws || ws.readyState !== WebSocket.OPEN || !stats.onAir) return;
  if (ws.bufferedAmount > 64 * 1024) return; // the network is not keeping up: stay live, skip
  ws.send(bytes);
  stats.framesSent++;
  stats.bytesSent += bytes.byteLength;
}

// Once a second a mark, so listeners of the channel measure interpreter → ear.
function maybeMark(captureWallMs) {
  if (performance.now() - lastMarkAt < 1000 || !ws || ws.readyState !== WebSocket.OPEN || !stats.onAir) return;
  lastMarkAt = performance.now();
  ws.send(JSON.stringify({ type: 'mark', id: ++markId, t: Math.round(captureWallMs + speakClock.offsetMs) }));
}

async function startMic() {
  mic = new Microphone({ deviceId: $('device').value, bitrate: 32000,
    onPacket: (bytes, capturedAtMs) => { maybeMark(capturedAtMs); send(bytes); },
    onLevel: (peak) => {
      stats.silentFrames = mic ? mic.silentFrames : 0;
      $('level').style.width = `${Math.min(100, Math.round(Math.sqrt(peak) * 100))}%`;
    },
    onError: (text) => fail(text) });
  mic.muted = stats.muted;
  format = await mic.start();
  listMicrophones($('device'));
  stats.codec = mic.codec;
  setText($('codec'), mic.codec === 'opus' ? 'opus 32 kb/s' : 'pcm 768 kb/s');
}

function stopMic() {
  if (mic) mic.stop();
  mic = null;
  format = null;
  $('level').style.width = '0';
}

function fail(text) {
  stats.error = text;
  goOffAir();
  setState('error', text);
}

function goOffAir() {
  wantOnAir = false;
  clearTimeout(retryTimer);
  const old = ws;
  ws = null;
  if (old) old.close(1000, 'off air');
  stopMic();
}

async function connect() {
  clearTimeout(retryTimer);
  if (!wantOnAir) return;
  if (stats.state !== 'partner') setState('connecting', t.connecting);
  try {
    if (!mic) await startMic();
  } catch (e) {
    fail(microphoneError(e));
    return;
  }
  const sock = new WebSocket(wsUrl(`/ws/speak/${encodeURIComponent(channelId)}`, { token: token() }));
  ws = sock;
  sock.binaryType = 'arraybuffer';
  sock.onopen = () => { sock.send(JSON.stringify({ type: 'hello', format })); speakClock.ping(sock); };
  sock.onmessage = (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch (_) { return; }
    if (ws === sock) onSpeakMessage(msg);
  };
  sock.onclose = (ev) => { if (ws === sock) onSpeakClose(ev); };
}

function onSpeakMessage(msg) {
  switch (msg.type) {
  case 'connected':
    backoff.reset();
    stats.listeners = msg.listeners;
    setText($('listeners'), String(msg.listeners ?? '–'));
    stats.handOver = 'none';
    setState('onair', t.onAir(languageName(lang)));
    refreshChannels();
    break;
  case 'hand_over_pending':
    stats.handOver = 'pending';
    setState('pending', t.pending + (msg.expires_in > 0 ? t.pendingFor(msg.expires_in) : ''));
    break;
  case 'hand_over_cancelled':
    stats.handOver = 'none';
    if (msg.reason === 'timeout') stats.handOversWithdrawn++; // --hand-over-timeout: nobody took it
    setState('onair', msg.reason === 'timeout' ? t.withdrawn(languageName(lang)) : t.cancelled(languageName(lang)));
    break;
  case 'handed_over':
    stats.handOver = 'done';
    stats.handedOver++;
    break;
  case 'pong':
    speakClock.pong(msg);
    break;
  case 'error':
    stats.error = msg.message || msg.error;
    break;
  default:
    break;
  }
}

function onSpeakClose(ev) {
  ws = null;
  stats.closes.push({ code: ev.code, reason: ev.reason });
  const wasOnAir = stats.onAir;
  stats.onAir = false;
  if (stats.handOver === 'done' || (ev.code === 1000 && ev.reason === 'handed over')) {
    goOffAir();
    stats.handOver = 'none';
    setState('handed', t.handed);
    return;
  }
  if (!wantOnAir) { setState('off', t.offAir); return; }
  if (ev.code === 4409) {
    // The partner holds the channel: ask again every second; the moment they hand over, the
    // next connection takes the channel (the microphone is already open: no gap).
    stats.refusals++;
    setState('partner', t.partner);
    retryTimer = setTimeout(connect, RETRY_PARTNER_MS);
    return;
  }
  if (ev.code === 1008) { fail(t.refused(ev.reason || t.notAllowed)); return; }
  const delay = backoff.next();
  setState('connecting', t.lost(wasOnAir, Math.ceil(delay / 1000)));
  retryTimer = setTimeout(connect, delay);
}

$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  ctx.resume().catch(() => {}); // a click: the headphones may play now
  if (wantOnAir) {
    goOffAir();
    setState('off', t.offAir);
    return;
  }
  if (!microphoneAvailable()) { fail(t.insecure); return; }
  sessionStorage.setItem(TOKEN_KEY, token());
  wantOnAir = true;
  stats.error = null;
  await connect();
});

$('handover').addEventListener('click', () => {
  if (!ws || ws.readyState !== WebSocket.OPEN || !stats.onAir) return;
  ws.send(JSON.stringify({ type: stats.state === 'pending' ? 'cancel_hand_over' : 'hand_over' }));
});

// ---- the cough key: silence while held (button, or the C key) --------------------------------
function setMuted(on) {
  if (stats.muted === on) return;
  stats.muted = on;
  if (mic) mic.muted = on;
  $('cough').setAttribute('aria-pressed', String(on));
  showLight();
}
const cough = $('cough');
cough.addEventListener('pointerdown', (e) => { if (!cough.disabled) { cough.setPointerCapture(e.pointerId); setMuted(true); } });
for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) cough.addEventListener(type, () => setMuted(false));
const typing = (el) => el && (el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA');
// C anywhere but in a field; Space when nothing else takes it (the page, or the Cough button
// itself, where it would otherwise "click").
const coughKey = (e) => e.code === 'KeyC' ? !typing(e.target)
  : e.code === 'Space' && (e.target === document.body || e.target === cough);
document.addEventListener('keydown', (e) => {
  if (!coughKey(e) || e.ctrlKey || e.metaKey || e.altKey || !mic) return;
  e.preventDefault();
  setMuted(true);
});
document.addEventListener('keyup', (e) => {
  if (e.code !== 'KeyC' && e.code !== 'Space') return;
  if (e.code === 'Space' && e.target === cough) e.preventDefault(); // no click on release
  setMuted(false);
});
window.addEventListener('blur', () => setMuted(false)); // a key released elsewhere must not stay held

setInterval(() => { setText($('sent'), String(stats.framesSent)); }, 500);
setInterval(() => speakClock.ping(ws), 5000);

if (!microphoneAvailable()) {
  $('insecure').textContent = t.insecure;
  $('insecure').hidden = false;
  $('go').disabled = true;
  // Nothing to fill in where nothing can be sent.
  for (const el of document.querySelectorAll('#form label, #form input, #form select')) el.hidden = true;
}
setState('off', microphoneAvailable() ? t.offAir : t.noMicrophone);
listMicrophones($('device'));
refreshChannels();
hearConnect();

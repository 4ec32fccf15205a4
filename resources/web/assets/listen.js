// The listener page: one stream over /ws/listen/{id}, played by a StreamReceiver (receiver.js:
// WebCodecs or WebAssembly Opus, a small adaptive jitter buffer). Last resort, and for playing
// on with a phone's screen off: an <audio> element on the server's MP3 stream. On a language
// channel (main~nl) it says who interprets (channel_source) and can mix the original faintly
// underneath (original.js). The page says "Live" only while sound is really being played.
// Counters are exposed as window.onair for tests and benchmarks.
//   ?decoder=webcodecs|wasm|audio picks the path (tests, the benchmark, a listener with a problem).
import { $, BannerBox, Backoff, ClockSync, clientId, languageName, pageToken, sourceText, splitChannel, streamFromPath, tokenQuery, wsUrl } from './common.js';
import { startInterpretation } from './captions.js';
import { OriginalMix } from './original.js';
import { PLAYER_EXTRA_MS, StreamPlayer } from './player.js';
import { StreamReceiver, createPlaybackContext, receiverStats } from './receiver.js';
import { texts, translatePage } from './i18n.js';

const t = texts('listen', {
  en: {
    listeningTo: 'Listening to', languages: 'Languages', tap: '▶ Tap to listen', captions: 'Captions', volume: 'Volume',
    mute: 'Mute', unmute: 'Unmute', original: 'Original at 15\u00a0%', originalTitle: 'Hear the speaker faintly under the interpreter',
    keepPlayingShort: 'Keep playing with the screen off',
    keepPlaying: (s) => `Keep playing with the screen off (about ${s}\u00a0s more delay)`,
    backToLowDelay: 'Back to low delay (stops with the screen off)',
    otherApp: 'Listen in another app', otherAppNote: '(VLC, a radio app)', delay: 'Delay', buffer: 'Buffer', audio: 'Audio',
    frames: 'Frames', underruns: 'Underruns', allStreams: 'All streams', mp3Stream: 'MP3 stream', mediaPlayer: 'media player',
    delayTitle: (ms) => `the media player's distance to the newest audio + ~${ms} ms (capture, encoder, output)`,
    pills: { live: 'Live', waiting: 'Off air', ended: 'Ended', buffering: 'Buffering…', blocked: 'Tap to listen',
      connecting: 'Connecting…', reconnecting: 'Reconnecting…', error: 'Problem' },
    notAllowed: (why) => `Not allowed to listen: ${why}. Open the link with a valid ?token=.`,
    cannotPlay: 'This browser cannot play this stream. Open it in another app:', playlist: 'stream playlist (.m3u)',
    connecting: 'Connecting…', reconnecting: 'Reconnecting…',
    lost: (why, s) => `Connection lost${why}. Reconnecting in ${s} s…`,
    ended: 'The broadcast has ended. This page picks it up again if it resumes.',
    waiting: 'Connected. Waiting for the speaker to go on air…',
    blocked: 'On air. The browser waits for a tap before it plays sound: tap the button below.',
    playerLive: 'Playing live through the media player; it keeps playing with the screen off.',
    playerBuffering: 'On air. The media player is buffering…', loadingDecoder: 'On air. Loading the audio decoder…',
    live: 'Playing live.', noAudio: 'On air, but no audio is arriving. Waiting for it…', buffering: 'Buffering…',
  },
  nl: {
    listeningTo: 'U luistert naar', languages: 'Talen', tap: '▶ Tik om te luisteren', captions: 'Ondertitels', volume: 'Volume',
    mute: 'Geluid uit', unmute: 'Geluid aan', original: 'Origineel op 15\u00a0%', originalTitle: 'Hoor de spreker zacht onder de tolk',
    keepPlayingShort: 'Blijven spelen met het scherm uit',
    keepPlaying: (s) => `Blijven spelen met het scherm uit (ongeveer ${s}\u00a0s meer vertraging)`,
    backToLowDelay: 'Terug naar weinig vertraging (stopt als het scherm uitgaat)',
    otherApp: 'Luisteren in een andere app', otherAppNote: '(VLC, een radio-app)', delay: 'Vertraging', buffer: 'Buffer', audio: 'Geluid',
    frames: 'Frames', underruns: 'Haperingen', allStreams: 'Alle streams', mp3Stream: 'MP3-stream', mediaPlayer: 'mediaspeler',
    delayTitle: (ms) => `hoe ver de mediaspeler achter het nieuwste geluid zit + ~${ms} ms (opname, encoder, weergave)`,
    pills: { live: 'Live', waiting: 'Niet in de lucht', ended: 'Afgelopen', buffering: 'Bufferen…', blocked: 'Tik om te luisteren',
      connecting: 'Verbinden…', reconnecting: 'Opnieuw verbinden…', error: 'Probleem' },
    notAllowed: (why) => `U mag niet luisteren: ${why}. Open de link met een geldig ?token=.`,
    cannotPlay: 'Deze browser kan deze stream niet afspelen. Open hem in een andere app:', playlist: 'afspeellijst van de stream (.m3u)',
    connecting: 'Verbinden…', reconnecting: 'Opnieuw verbinden…',
    lost: (why, s) => `Verbinding verbroken${why}. Opnieuw verbinden over ${s} s…`,
    ended: 'De uitzending is afgelopen. Gaat ze verder, dan speelt deze pagina vanzelf weer.',
    waiting: 'Verbonden. Wachten tot de spreker in de lucht komt…',
    blocked: 'In de lucht. De browser wacht op een tik voordat hij geluid afspeelt: tik op de knop hieronder.',
    playerLive: 'Live via de mediaspeler; die blijft spelen met het scherm uit.',
    playerBuffering: 'In de lucht. De mediaspeler buffert…', loadingDecoder: 'In de lucht. De audiodecoder wordt geladen…',
    live: 'U hoort de uitzending live.', noAudio: 'In de lucht, maar er komt geen geluid binnen. Even wachten…', buffering: 'Bufferen…',
  },
});
translatePage(t);

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
  state: 'connecting', path: null, reconnects: 0, secureContext: window.isSecureContext, source: null,
  ...receiverStats(),
};
window.onair = { stats, analyser: null };
const interpretation = startInterpretation(streamId, stats);

// ---- audio output ---------------------------------------------------------------------------
// An old browser without Web Audio (or one that refuses a context) plays through the <audio>
// element only.
const ctx = createPlaybackContext();
const gain = ctx ? ctx.createGain() : null;
if (gain) gain.connect(ctx.destination);
// What the page plays, for tests (window.onair.analyser: the mix of channel and original).
const analyser = ctx ? ctx.createAnalyser() : null;
if (analyser) { analyser.fftSize = 2048; gain.connect(analyser); }
// client_id: the server matches this page's reports (on its WebSocket) to its player connection.
const player = new StreamPlayer($('player'), `/stream/${encodeURIComponent(streamId)}.mp3?` +
  new URLSearchParams(pageToken() ? { token: pageToken() } : { client_id: clientId() }).toString());
let mode = 'webaudio'; // or 'player': the <audio> element plays, binary frames are ignored
let fallbackToPlayer = false; // the player is the only way this browser plays the stream
const clock = new ClockSync();
const receiver = ctx ? new StreamReceiver(ctx, gain, stats, { forced: forced === 'wasm' ? 'wasm' : null, clock,
  onFallback: (why) => fallBackToPlayer(why), onChange: () => { showPath(); updateState(); } }) : null;
// On a language channel: the original, faintly underneath, on request.
const original = channel.lang && ctx ? new OriginalMix(ctx, gain, channel.base, stats) : null;
window.onair.analyser = analyser;

// channel_source: who the channel carries (a person, the machine, the original, silence).
function showSource(source) {
  const text = sourceText(source);
  stats.source = text ? source : null;
  const el = $('source');
  el.textContent = text;
  el.className = `source source-${stats.source || 'none'}`;
  el.hidden = !text;
  interpretation.refresh();
}

function resetPlayout() { if (receiver) receiver.reset(); }
const format = () => (receiver && receiver.format) || pendingFormat;
let pendingFormat = null; // the format when no receiver plays (no Web Audio)

async function setFormat(f) {
  if (f && (!ctx || forced === 'audio')) {
    pendingFormat = f;
    stats.codec = f.codec;
    fallBackToPlayer(ctx ? 'asked for by ?decoder=audio' : 'no Web Audio');
  } else if (receiver) {
    await receiver.setFormat(f);
  }
  showPath();
  updateState();
}

function onAudio(bytes) {
  // On a language channel, audio after `speaker_left` is its next source: the server may
  // announce the fallback (speaker_joined, channel_source, format) before the person's
  // speaker_left, and the channel is not over while audio comes.
  if (channel.lang && !speakerLive) { speakerLive = true; ended = false; }
  if (receiver) receiver.push(bytes);
  else stats.framesReceived++;
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
  if (receiver) receiver.enabled = !on;
  if (on) {
    mode = 'player';
    if (ctx) ctx.suspend().catch(() => {});
    player.start().finally(updateState);
  } else {
    player.stop();
    mode = 'webaudio';
    ctx.resume().catch(() => {});
    setFormat(format()); // a fresh decoder: the old one's state is from before the gap
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
  const f = format();
  const kbps = f && f.bitrate ? ` ${Math.round(f.bitrate / 1000)} kb/s` : '';
  let codec = '–';
  let how = '';
  if (mode === 'player') {
    stats.path = 'audio-element';
    codec = t.mp3Stream;
    how = t.mediaPlayer;
  } else if (f && f.codec === 'opus') {
    stats.path = receiver.path;
    codec = `Opus${kbps}`;
    how = stats.path === 'wasm' ? 'WebAssembly' : stats.path === 'webcodecs' ? 'WebCodecs' : '';
  } else if (f) {
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
  if (original) original.setAvailable(mode !== 'player');
  toggle.setAttribute('aria-pressed', String(mode === 'player'));
  setText(toggle, mode === 'player' ? t.backToLowDelay : t.keepPlaying(playerExtraSeconds()));
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
  pill.textContent = t.pills[state] || state;
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
    setState('error', t.notAllowed(closedFor));
    return;
  }
  if (mode === 'player' && player.state() === 'failed') {
    if (fallbackToPlayer) {
      setState('error', t.cannotPlay, { href: playlistUrl, text: t.playlist });
      return;
    }
    console.warn('media player', player.failed);
    usePlayer(false); // the background player failed: back to the one that worked
    return;
  }
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    if (stats.reconnects) setState('reconnecting', reconnectText || t.reconnecting);
    else setState('connecting', t.connecting);
    return;
  }
  if (!speakerLive) {
    if (ended) setState('ended', t.ended);
    else setState('waiting', t.waiting);
    return;
  }
  if (mode === 'player') {
    const s = player.state();
    if (s === 'blocked') setState('blocked', t.blocked);
    else if (s === 'live') setState('live', t.playerLive);
    else setState('buffering', t.playerBuffering);
    return;
  }
  if (ctx.state !== 'running') {
    setState('blocked', t.blocked);
    return;
  }
  const now = performance.now();
  if (receiver.loading) setState('buffering', t.loadingDecoder);
  else if (receiver.playing) setState('live', t.live);
  else if (now - receiver.lastReceivedAt > 1000) setState('buffering', t.noAudio);
  else setState('buffering', t.buffering);
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
    reconnectText = t.lost(why, Math.ceil(delay / 1000));
    retryTimer = setTimeout(connect, delay);
    updateState();
  };
  updateState();
}

function onMessage(msg) {
  // Before the banner box: the server sends it between `connected` and `active_broadcast`, and
  // it says nothing about banners.
  if (msg.type === 'channel_source') {
    if (msg.stream_id === streamId) showSource(msg.source);
    return;
  }
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
    if (receiver) receiver.mark(msg);
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
  e.currentTarget.textContent = muted ? t.unmute : t.mute;
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
  } else if (receiver) {
    $('buffer').textContent = receiver.nextTime ? `${Math.round(receiver.lead * 1000)} ms` : '–';
    if (performance.now() - receiver.lastMarkAt > 10000) {
      // No recent mark from the speaker: estimate from what this page knows.
      stats.delayMs = receiver.estimateDelayMs();
      if (stats.delayMs !== null) stats.delayKind = 'estimated';
    }
  }
  $('frames').textContent = String(stats.framesDecoded);
  $('underruns').textContent = String(stats.underruns);
  const d = stats.delayMs;
  setText($('delay'), d === null ? '–' : d < 1000 ? `≈ ${d} ms` : `≈ ${(d / 1000).toFixed(1)}\u00a0s`);
  $('delay').title = mode === 'player' ? t.delayTitle(PLAYER_EXTRA_MS) : '';
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

// The archive (docs/recording.md): the recordings listed by /api/recordings, newest first, and a
// player for one of them — an <audio> element on /api/recordings/{id}.ogg (or .mp3 where the
// browser cannot play Ogg Opus; HTTP Range does the seeking), its timeline's captions as a WebVTT
// track and a caption line, its banners and marks as markers on the seek bar and as a list.
// Plain <audio>: works on a LAN address over plain http (not a secure context).
// Access: an admin token (unless the server runs with --public-recordings), from #token=… or
// the token field, kept in sessionStorage, sent as Authorization: Bearer (and as ?token= on the
// audio URL, which an <audio> element cannot send headers for). English, or Dutch when the
// browser prefers it (?lang=en|nl overrides: i18n.js). State for tests: window.onair.
import { $ } from './common.js';
import { lang, texts, translatePage } from './i18n.js';

const t = texts('recordings', {
  en: {
    skip: 'Skip to the recordings', loading: 'Loading…', title: 'Recordings', tokenLabel: 'Admin token',
    tokenUse: 'Use this token', play: 'Play', pause: 'Pause', speed: 'Speed', captions: 'Captions',
    markers: 'Banners and marks', download: 'Download:', stream: 'Stream', allStreams: 'All streams',
    refresh: 'Refresh', empty: 'No recordings yet.', allLive: 'Live streams', position: 'Position',
    captionLang: 'Caption language', listed: (n) => `${n} recording${n === 1 ? '' : 's'}`, offline: 'Offline',
    needToken: 'The archive needs an admin token.', badToken: 'This token was refused: ',
    notAdmin: 'This token is not an admin\'s.', banner: 'Banner', mark: 'Mark', open: 'Open',
    states: { recording: 'recording', finished: 'finished', interrupted: 'interrupted', failed: 'failed' },
    preparing: 'Preparing the MP3…', playError: 'This recording cannot be played here.', noAudio: 'Your browser plays neither Ogg Opus nor MP3.',
  },
  nl: {
    skip: 'Naar de opnames', loading: 'Laden…', title: 'Opnames', tokenLabel: 'Beheerderstoken',
    tokenUse: 'Dit token gebruiken', play: 'Afspelen', pause: 'Pauze', speed: 'Snelheid', captions: 'Ondertitels',
    markers: 'Banners en markeringen', download: 'Downloaden:', stream: 'Stream', allStreams: 'Alle streams',
    refresh: 'Vernieuwen', empty: 'Nog geen opnames.', allLive: 'Live streams', position: 'Positie',
    captionLang: 'Taal van de ondertitels', listed: (n) => `${n} opname${n === 1 ? '' : 's'}`, offline: 'Offline',
    needToken: 'Het archief vraagt een beheerderstoken.', badToken: 'Dit token werd geweigerd: ',
    notAdmin: 'Dit token is niet van een beheerder.', banner: 'Banner', mark: 'Markering', open: 'Openen',
    states: { recording: 'neemt op', finished: 'klaar', interrupted: 'onderbroken', failed: 'mislukt' },
    preparing: 'De MP3 wordt gemaakt…', playError: 'Deze opname kan hier niet worden afgespeeld.', noAudio: 'Uw browser speelt Ogg Opus noch MP3.',
  },
});
const CAPTION_MAX_MS = 4000; // a caption stays until the next one, or this long
const TOKEN_KEY = 'onair.recordings.token';

const audio = $('audio');
const state = {
  lang, recordings: [], selected: null, source: null, blob: false, attempts: [], attempt: 0, markers: [], captions: [], captionLang: null,
  vttCues: 0, caption: '', errors: [],
};
window.onair = { state };


// ---- the token ------------------------------------------------------------------------------
function takeToken() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  const given = hash.get('token') || query.get('token');
  if (given) {
    try { sessionStorage.setItem(TOKEN_KEY, given); } catch (_) { /* storage off */ }
    // Out of the address bar (and the history): a token is not something to share by accident.
    hash.delete('token');
    query.delete('token');
    const q = query.toString();
    const h = hash.toString();
    history.replaceState(null, '', location.pathname + (q ? `?${q}` : '') + (h ? `#${h}` : ''));
  }
}
function token() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (_) { return ''; }
}
function authHeaders() {
  return token() ? { Authorization: `Bearer ${token()}` } : {};
}
// The audio URL: <audio> cannot send headers, so the token rides along as ?token=.
function mediaUrl(id, ext) {
  const u = `/api/recordings/${encodeURIComponent(id)}.${ext}`;
  return token() ? `${u}?token=${encodeURIComponent(token())}` : u;
}
function askForToken(why) {
  $('token-why').textContent = why;
  $('token-form').hidden = false;
  $('token').value = '';
}

async function api(path) {
  const res = await fetch(path, { headers: authHeaders(), cache: 'no-store' });
  if (res.status === 401 || res.status === 403) {
    let detail = '';
    try { detail = (await res.json()).message || ''; } catch (_) { /* not JSON */ }
    const err = new Error(detail || `HTTP ${res.status}`);
    err.auth = res.status;
    throw err;
  }
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

function authFailed(e) {
  if (e.auth === 403) askForToken(t.notAdmin);
  else if (token()) askForToken(t.badToken + e.message);
  else askForToken(t.needToken);
}

// ---- formatting -----------------------------------------------------------------------------
function clock(ms) {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
function size(bytes) {
  if (!Number.isFinite(bytes)) return '–';
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} kB`;
  return `${(bytes / 1024 / 1024).toFixed(bytes < 100 * 1024 * 1024 ? 1 : 0)} MB`;
}
const dateFormat = new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB',
  { dateStyle: 'medium', timeStyle: 'short' });
function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? (iso || '') : dateFormat.format(d);
}

// ---- the list -------------------------------------------------------------------------------
async function refresh() {
  $('conn').textContent = t.loading;
  $('conn').className = 'pill';
  try {
    const body = await api('/api/recordings');
    state.recordings = (body.recordings || []).slice()
      .sort((a, b) => String(b.start || '').localeCompare(String(a.start || '')));
    $('token-form').hidden = true;
    $('conn').textContent = t.listed(state.recordings.length);
    $('conn').className = 'pill live';
    fillFilter();
    render();
  } catch (e) {
    $('conn').textContent = t.offline;
    $('conn').className = 'pill bad';
    if (e.auth) authFailed(e);
    state.errors.push(String(e.message || e));
  }
}

function fillFilter() {
  const select = $('stream-filter');
  const keep = select.value;
  const streams = [...new Set(state.recordings.map((r) => r.stream_id))].sort();
  select.replaceChildren(new Option(t.allStreams, ''), ...streams.map((s) => new Option(s, s)));
  select.value = streams.includes(keep) ? keep : '';
}

function render() {
  const filter = $('stream-filter').value;
  const shown = state.recordings.filter((r) => !filter || r.stream_id === filter);
  $('empty').hidden = shown.length > 0;
  $('recordings').replaceChildren(...shown.map(recordingItem));
}

function recordingItem(r) {
  const li = document.createElement('li');
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'rec' + (state.selected && state.selected.id === r.id ? ' selected' : '');
  b.dataset.id = r.id;
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = r.stream_id;
  const start = document.createElement('span');
  start.className = 'when';
  start.textContent = when(r.start);
  const meta = document.createElement('span');
  meta.className = 'muted meta';
  meta.textContent = `${clock(r.duration_ms)} · ${size(r.bytes)}`;
  const st = document.createElement('span');
  const known = Object.prototype.hasOwnProperty.call(t.states, r.state || "");
  st.className = `pill state-${known ? r.state : 'other'}`;
  st.textContent = known ? t.states[r.state] : String(r.state || '');
  if (r.reason) st.title = r.reason;
  b.append(name, start, meta, st);
  b.setAttribute('aria-label', `${t.open}: ${r.stream_id}, ${start.textContent}, ${meta.textContent}, ${st.textContent}`);
  b.addEventListener('click', () => open(r.id));
  li.append(b);
  return li;
}

// ---- the player -----------------------------------------------------------------------------
function timelineOf(body) {
  return (body.timeline || []).map((l) => {
    if (typeof l !== 'string') return l;
    try { return JSON.parse(l); } catch (_) { return null; }
  }).filter((l) => l && typeof l === 'object' && Number.isFinite(l.t));
}

async function open(id) {
  let body;
  try {
    body = await api(`/api/recordings/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e.auth) authFailed(e);
    state.errors.push(String(e.message || e));
    return;
  }
  const rec = body.recording || state.recordings.find((r) => r.id === id) || { id };
  const timeline = timelineOf(body);
  state.selected = rec;
  $('player-box').hidden = false;
  $('play-error').hidden = true;
  $('player-title').textContent = rec.stream_id || id;
  $('player-meta').textContent = `${when(rec.start)} · ${clock(rec.duration_ms)} · ${size(rec.bytes)}`;
  $('dl-ogg').href = mediaUrl(id, 'ogg');
  $('dl-mp3').href = mediaUrl(id, 'mp3');
  for (const tr of audio.querySelectorAll('track')) { URL.revokeObjectURL(tr.src); tr.remove(); }
  state.attempts = sourcesFor();
  state.attempt = 0;
  if (!state.attempts.length) showError(t.noAudio);
  else loadSource();
  state.markers = markersOf(timeline);
  setupCaptions(timeline, rec.stream_id || '');
  drawMarkers();
  render();
  $('player-box').scrollIntoView({ block: 'start' });
  updateTime();
}

// The ways to play the selected recording, in order: Ogg Opus where the browser plays it, else
// MP3 (made on the server for browsers without Opus; also the fallback when the Ogg fails, as on
// an old Safari that says it plays Ogg and then cannot). With a token, each is first asked with
// ?token= (an <audio> element cannot send headers), then fetched whole with the header into a
// blob: URL, for a server that takes tokens in headers only.
function sourcesFor() {
  const out = [];
  const forced = new URLSearchParams(location.search).get('audio'); // ?audio=ogg|mp3: tests, a listener with a problem
  const ogg = forced !== 'mp3' && audio.canPlayType('audio/ogg; codecs=opus') !== '';
  const mp3 = forced !== 'ogg' && audio.canPlayType('audio/mpeg') !== '';
  for (const ext of [ogg ? 'ogg' : null, mp3 ? 'mp3' : null].filter(Boolean)) {
    out.push({ ext, blob: false });
    if (token()) out.push({ ext, blob: true });
  }
  return out;
}

async function loadSource() {
  const rec = state.selected;
  const { ext, blob } = state.attempts[state.attempt];
  state.source = ext;
  state.blob = blob;
  if (audio.src.startsWith('blob:')) URL.revokeObjectURL(audio.src);
  try {
    // The MP3 is made on the first request: 503 `preparing` (Retry-After) until it is ready,
    // which an <audio> element would take for an error.
    if (ext === 'mp3' && !(await mp3Ready(rec))) throw new Error('MP3 not ready');
    if (state.selected !== rec) return;
    if (!blob) {
      audio.src = mediaUrl(rec.id, ext);
      audio.load();
      return;
    }
    const res = await fetch(`/api/recordings/${encodeURIComponent(rec.id)}.${ext}`, { headers: authHeaders() });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const url = URL.createObjectURL(await res.blob());
    if (state.selected !== rec) { URL.revokeObjectURL(url); return; }
    audio.src = url;
    audio.load();
  } catch (e) {
    state.errors.push(`${ext}: ${e.message || e}`);
    if (state.selected !== rec) return;
    if (++state.attempt < state.attempts.length) loadSource();
    else showError(t.playError);
  }
}

async function mp3Ready(rec) {
  const deadline = Date.now() + 120000;
  while (Date.now() < deadline && state.selected === rec) {
    const res = await fetch(mediaUrl(rec.id, 'mp3'), { headers: { ...authHeaders(), Range: 'bytes=0-0' }, cache: 'no-store' });
    if (res.status !== 503) {
      $('play-error').hidden = true;
      return res.ok;
    }
    $('play-error').textContent = t.preparing;
    $('play-error').hidden = false;
    const wait = Math.min(10, Math.max(1, Number(res.headers.get('retry-after')) || 1));
    await new Promise((r) => setTimeout(r, wait * 1000));
  }
  return false;
}

function markersOf(timeline) {
  const out = [];
  for (const l of timeline) {
    if (l.type === 'banner' && l.event === 'new') {
      const b = l.broadcast || {};
      out.push({ t: l.t, kind: 'banner', text: l.message || b.message || '',
        style: l.banner_type || b.message_type || 'info' });
    } else if (l.type === 'mark') {
      out.push({ t: l.t, kind: 'mark', text: l.text || '' });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

// The recording's length in ms: the element's once it knows it, else the store's, else the timeline's.
function durationMs() {
  if (Number.isFinite(audio.duration) && audio.duration > 0) return audio.duration * 1000;
  const rec = state.selected || {};
  if (Number.isFinite(rec.duration_ms) && rec.duration_ms > 0) return rec.duration_ms;
  const last = Math.max(0, ...state.markers.map((m) => m.t), ...state.captions.map((c) => c.end));
  return last || 1;
}

function drawMarkers() {
  const bar = $('seek-markers');
  const list = $('markers');
  const dur = durationMs();
  bar.replaceChildren();
  list.replaceChildren();
  $('markers-title').hidden = state.markers.length === 0;
  for (const m of state.markers) {
    const label = `${clock(m.t)} ${m.kind === 'banner' ? t.banner : t.mark}: ${m.text}`;
    const pin = document.createElement('button');
    pin.type = 'button';
    pin.className = `marker kind-${m.kind}${m.style ? ` style-${m.style}` : ''}`;
    pin.style.left = `${Math.min(100, Math.max(0, (m.t / dur) * 100))}%`;
    pin.dataset.t = String(m.t);
    pin.title = label;
    pin.setAttribute('aria-label', label);
    pin.addEventListener('click', (e) => { e.stopPropagation(); jump(m.t); });
    bar.append(pin);
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `marker-entry kind-${m.kind}`;
    b.dataset.t = String(m.t);
    const when_ = document.createElement('span');
    when_.className = 'at';
    when_.textContent = clock(m.t);
    const kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = m.kind === 'banner' ? t.banner : t.mark;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = m.text;
    b.append(when_, kind, text);
    b.addEventListener('click', () => jump(m.t));
    li.append(b);
    list.append(li);
  }
}

function jump(ms) {
  audio.currentTime = ms / 1000;
  play();
}

function play() {
  const p = audio.play();
  if (p && p.catch) p.catch((e) => { if (e.name !== 'AbortError') state.errors.push(`play: ${e.name}`); });
}

// ---- captions -------------------------------------------------------------------------------
function vttTime(ms) {
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  const f = Math.floor(ms % 1000);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(f).padStart(3, '0')}`;
}
function vttText(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n+/g, ' ')
    .replace(/-->/g, '--&gt;');
}

// The final captions of one language, each shown from its t until the next caption (or 4 s).
function captionsIn(lines, code) {
  const list = lines.filter((l) => (l.lang || '') === code).sort((a, b) => a.t - b.t);
  return list.map((l, i) => {
    const next = list[i + 1];
    const end = Math.min(next ? next.t : Infinity, l.t + CAPTION_MAX_MS);
    return { start: l.t, end: Math.max(end, l.t + 1), text: String(l.text || '') };
  }).filter((c) => c.text.trim() !== '');
}

// Which language to show: a channel recording's own ("main~es": es), else the original speech
// (captions that are not translations), else the first there is.
function defaultCaptionLang(lines, streamId) {
  const langs = [...new Set(lines.map((l) => l.lang || ''))];
  const m = /~([a-z]{2,3})$/.exec(streamId);
  if (m && langs.includes(m[1])) return m[1];
  const original = lines.find((l) => !l.source_lang && !l.channel);
  return original ? (original.lang || '') : langs[0];
}

function setupCaptions(timeline, streamId) {
  const lines = timeline.filter((l) => l.type === 'caption' && l.final !== false);
  const langs = [...new Set(lines.map((l) => l.lang || ''))].sort();
  const select = $('cc-lang');
  select.replaceChildren(...langs.map((code) => new Option(code || '–', code)));
  select.hidden = langs.length < 2;
  $('cc').hidden = langs.length === 0;
  state.captionLines = lines;
  state.captionLang = langs.length ? defaultCaptionLang(lines, streamId) : null;
  select.value = state.captionLang || '';
  useCaptions(state.captionLang);
}

function useCaptions(code) {
  for (const tr of audio.querySelectorAll('track')) { URL.revokeObjectURL(tr.src); tr.remove(); }
  state.captionLang = code;
  state.captions = code === null ? [] : captionsIn(state.captionLines || [], code);
  state.vttCues = state.captions.length;
  if (state.captions.length) {
    const vtt = 'WEBVTT\n\n' + state.captions.map((c, i) =>
      `${i + 1}\n${vttTime(c.start)} --> ${vttTime(c.end)}\n${vttText(c.text)}\n`).join('\n');
    const track = document.createElement('track');
    track.kind = 'subtitles';
    track.label = code || t.captions;
    if (code) track.srclang = code;
    track.default = true;
    track.src = URL.createObjectURL(new Blob([vtt], { type: 'text/vtt' }));
    track.addEventListener('cuechange', showCaption);
    audio.append(track);
    // An <audio> element draws no subtitles: the track is there for the platform (media
    // session, assistive tools); the caption line under the player shows them.
    track.track.mode = $('cc').getAttribute('aria-pressed') === 'true' ? 'showing' : 'hidden';
  }
  showCaption();
}

function showCaption() {
  const now = audio.currentTime * 1000;
  const on = $('cc').getAttribute('aria-pressed') === 'true';
  const c = on ? state.captions.find((x) => now >= x.start && now < x.end) : null;
  const text = c ? c.text : '';
  if (text !== state.caption) {
    state.caption = text;
    $('caption-now').textContent = text;
  }
}

// ---- transport ------------------------------------------------------------------------------
function updateTime() {
  const dur = durationMs();
  const now = audio.currentTime * 1000;
  $('clock').textContent = `${clock(now)} / ${clock(dur)}`;
  const pct = `${Math.min(100, (now / dur) * 100)}%`;
  $('seek-fill').style.width = pct;
  $('seek-thumb').style.left = pct;
  const seek = $('seek');
  seek.setAttribute('aria-valuemax', String(Math.round(dur / 1000)));
  seek.setAttribute('aria-valuenow', String(Math.round(now / 1000)));
  seek.setAttribute('aria-valuetext', `${clock(now)} / ${clock(dur)}`);
  showCaption();
}

function seekFromPointer(e) {
  const r = $('seek').getBoundingClientRect();
  const x = Math.min(Math.max(0, e.clientX - r.left), r.width);
  if (r.width > 0) audio.currentTime = ((x / r.width) * durationMs()) / 1000;
}

function wireTransport() {
  $('play').addEventListener('click', () => (audio.paused ? play() : audio.pause()));
  audio.addEventListener('play', () => { $('play').textContent = t.pause; });
  audio.addEventListener('pause', () => { $('play').textContent = t.play; });
  audio.addEventListener('timeupdate', updateTime);
  audio.addEventListener('seeked', updateTime);
  audio.addEventListener('loadedmetadata', () => { drawMarkers(); updateTime(); });
  audio.addEventListener('durationchange', () => { drawMarkers(); updateTime(); });
  audio.addEventListener('error', () => {
    const code = audio.error ? audio.error.code : 0;
    if (!state.selected || !audio.getAttribute('src')) return;
    // The next way to play it (see sourcesFor), else say so.
    if (++state.attempt < state.attempts.length) loadSource();
    else showError(`${t.playError} (${code})`);
  });
  $('rate').addEventListener('change', () => { audio.playbackRate = Number($('rate').value) || 1; });
  $('cc').addEventListener('click', () => {
    const on = $('cc').getAttribute('aria-pressed') !== 'true';
    $('cc').setAttribute('aria-pressed', String(on));
    for (const tr of audio.textTracks) tr.mode = on ? 'showing' : 'hidden';
    showCaption();
  });
  $('cc-lang').addEventListener('change', () => useCaptions($('cc-lang').value));
  const seek = $('seek');
  let dragging = false;
  seek.addEventListener('pointerdown', (e) => {
    if (e.target.closest('.marker')) return;
    dragging = true;
    seek.setPointerCapture(e.pointerId);
    seekFromPointer(e);
  });
  seek.addEventListener('pointermove', (e) => { if (dragging) seekFromPointer(e); });
  seek.addEventListener('pointerup', () => { dragging = false; });
  seek.addEventListener('pointercancel', () => { dragging = false; });
  seek.addEventListener('keydown', (e) => {
    const step = { ArrowLeft: -5, ArrowRight: 5, PageDown: -30, PageUp: 30 }[e.key];
    if (step) audio.currentTime = Math.max(0, audio.currentTime + step);
    else if (e.key === 'Home') audio.currentTime = 0;
    else if (e.key === 'End') audio.currentTime = durationMs() / 1000;
    else return;
    e.preventDefault();
  });
}

function showError(text) {
  $('play-error').textContent = text;
  $('play-error').hidden = false;
  state.errors.push(text);
}

// ---- start ----------------------------------------------------------------------------------
translatePage(t, `OnAir — ${t.title.toLowerCase()}`);
takeToken();
wireTransport();
$('stream-filter').addEventListener('change', render);
$('refresh').addEventListener('click', refresh);
$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const v = $('token').value.trim();
  try {
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch (_) { /* storage off */ }
  refresh();
});
window.addEventListener('hashchange', () => { if (/token=/.test(location.hash)) { takeToken(); refresh(); } });
refresh();

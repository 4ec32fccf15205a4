// Live interpretation on the listener page (docs/interpretation.md): subtitles from the caption
// events of topic stream:<base> on /ws/events, links to the stream's translated channels
// (main ↔ main~es) and the channel's mode when it is not translated speech.
// Caption text is untrusted: it only ever goes into the page through textContent.
// After a reconnect the page resumes the topic where it left off (docs/protocol.md, Events:
// `since`): the captions missed meanwhile are applied at once, in order, and the latest of them
// shown — no replay of the outage line by line; an event seen before is never applied twice.
import { $, Backoff, clientId, languageName, listenHref, modeLabel, modeText, pageToken, splitChannel, wsUrl } from './common.js';
import { texts } from './i18n.js';

const T = texts('captions', {
  en: {
    originalIn: (name, code) => `Listen in ${name} (${code}) — original`, original: 'Listen to the original',
    listenIn: (name, code) => `Listen in ${name} (${code})`,
  },
  nl: {
    originalIn: (name, code) => `Luisteren in ${name} (${code}) — origineel`, original: 'Luisteren naar het origineel',
    listenIn: (name, code) => `Luisteren in ${name} (${code})`,
  },
});

const MAX_LINES = 3;        // subtitles kept on screen; older ones fade, then go
const LINE_TTL_MS = 15000;  // a line goes this long after its last update: no box when silent
const PREF_KEY = 'onair.captions';
const CATCH_UP_MS = 5000;   // a resume whose missed events do not all arrive: show what did
const LOG_MAX = 200;        // captions remembered in stats.captions.log (tests, diagnostics)

export function startInterpretation(streamId, stats) {
  const { base, lang } = splitChannel(streamId);
  const frame = $('captions');   // the box, drawn only around lines
  const box = $('caption-lines'); // the live region: always in the page, empty when silent
  const toggle = $('cc');
  const state = {
    base, lang, source: null, channels: [], mode: 'speech', enabled: true, available: !!lang,
    received: 0, shown: 0, lines: [],
    // Resume: the last event of the topic applied, what the last resume got, events dropped as
    // already seen, gaps in the offsets, and the latest captions applied (offset, utterance, lang).
    // seed: the topic's head when the page subscribed, for a resume before any event arrived.
    subscribed: false, cursor: null, seed: null, resumes: 0, lastResume: null, recoveredEvents: 0, duplicates: 0, gaps: 0, log: [],
  };
  stats.captions = state;

  // ---- the Captions toggle, remembered ---------------------------------------------------------
  try { state.enabled = localStorage.getItem(PREF_KEY) !== 'off'; } catch (_) { /* private mode */ }
  function showToggle() {
    toggle.hidden = !state.available;
    toggle.setAttribute('aria-pressed', String(state.enabled));
    frame.hidden = !state.enabled;
  }
  toggle.addEventListener('click', () => {
    state.enabled = !state.enabled;
    try { localStorage.setItem(PREF_KEY, state.enabled ? 'on' : 'off'); } catch (_) { /* private mode */ }
    showToggle();
  });
  showToggle();

  // ---- subtitles -------------------------------------------------------------------------------
  // One line per utterance: {utterance, original, translated, el, updatedAt}. The element is
  // made when the line is drawn: while a resume catches up, lines change without being drawn.
  const lines = [];
  let catchingUp = false;

  function lineFor(utterance) {
    let line = lines.find((l) => l.utterance === utterance);
    if (line) return line;
    line = { utterance, original: '', originalLang: '', translated: '', el: null, updatedAt: 0 };
    lines.push(line);
    while (lines.length > MAX_LINES) { const old = lines.shift(); if (old.el) old.el.remove(); }
    return line;
  }

  function renderLine(line) {
    if (!line.el) { // lines are made in order: a new one goes last
      line.el = document.createElement('div');
      line.el.className = 'cap';
      const main = document.createElement('p');
      main.className = 'cap-main';
      const sub = document.createElement('p');
      sub.className = 'cap-sub';
      line.el.append(main, sub);
      box.append(line.el);
    }
    const [main, sub] = line.el.children;
    let mainText = line.original;
    let mainLang = line.originalLang;
    let subText = '';
    if (lang) { // the translated page: the translation large, the original smaller underneath
      if (line.translated || state.mode !== 'original_audio') {
        mainText = line.translated;
        mainLang = lang;
        subText = line.original;
      }
    }
    main.textContent = mainText;
    main.hidden = !mainText;
    if (mainLang) main.lang = mainLang;
    sub.textContent = subText;
    sub.hidden = !subText;
    if (line.originalLang) sub.lang = line.originalLang;
    sub.setAttribute('aria-hidden', 'true'); // announced once, in the channel's language
  }

  function restyle() {
    lines.forEach((l, i) => l.el && l.el.classList.toggle('old', i < lines.length - 1));
    // Taller than the box (long utterances, a phone): the oldest text leaves at the top, faded.
    const first = box.firstElementChild;
    box.classList.toggle('clipped', !!first && first.getBoundingClientRect().top < box.getBoundingClientRect().top);
    frame.classList.toggle('on', lines.length > 0);
    state.lines = lines.map((l) => ({ utterance: l.utterance, original: l.original, translated: l.translated }));
    state.shown = lines.length;
  }

  function clearLines() {
    lines.length = 0;
    box.replaceChildren();
    if (!catchingUp) restyle();
  }

  // Draws what a resume's missed events left: the latest lines, at once.
  function drawAll() {
    lines.forEach(renderLine);
    restyle();
  }

  function onCaption(c, offset) {
    if (typeof c.text !== 'string' || !Number.isInteger(c.utterance) || typeof c.lang !== 'string') return;
    const isOriginal = !c.source_lang;
    const source = isOriginal ? c.lang : c.source_lang;
    if (source !== state.source) { state.source = source; renderChannels(); }
    if (!isOriginal && c.lang !== lang) return; // another channel's translation
    state.received++;
    state.log.push({ offset, utterance: c.utterance, lang: c.lang, text: c.text, recovered: catchingUp });
    if (state.log.length > LOG_MAX) state.log.shift();
    if (!state.available) { state.available = true; showToggle(); renderChannels(); }
    const line = lineFor(c.utterance);
    if (isOriginal) { line.original = c.text; line.originalLang = c.lang; } else line.translated = c.text;
    // Missed lines get their full time on screen from when they are shown, not from when said.
    line.updatedAt = Date.now();
    if (catchingUp) return;
    renderLine(line);
    restyle();
  }

  setInterval(() => {
    const now = Date.now();
    let changed = false;
    while (lines.length && now - lines[0].updatedAt > LINE_TTL_MS) {
      const old = lines.shift();
      if (old.el) old.el.remove();
      changed = true;
    }
    if (changed && !catchingUp) restyle();
  }, 1000);

  // ---- translated channels ---------------------------------------------------------------------
  function renderChannels() {
    const items = [];
    const link = (id, text, note) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = listenHref(id);
      a.dataset.stream = id;
      const label = document.createElement('span');
      label.textContent = text;
      a.append(label);
      if (note) {
        const n = document.createElement('span');
        n.className = 'muted';
        n.textContent = modeLabel(note);
        a.append(n);
        a.setAttribute('aria-label', `${text} (${modeText(note)})`);
      }
      li.append(a);
      return li;
    };
    if (lang) {
      const src = state.source;
      items.push(link(base, src ? T.originalIn(languageName(src), src) : T.original));
    }
    for (const ch of state.channels) {
      if (ch.lang === lang || typeof ch.lang !== 'string' || typeof ch.stream_id !== 'string') continue;
      items.push(link(ch.stream_id, T.listenIn(languageName(ch.lang), ch.lang), ch.mode));
    }
    if ($('channel-list')) { // the booth shows captions only
      $('channel-list').replaceChildren(...items);
      $('channels').hidden = items.length === 0;
    }
    const own = lang ? state.channels.find((ch) => ch.lang === lang) : null;
    state.mode = own && own.mode ? own.mode : 'speech';
    // A person interprets: the machine's mode says nothing about what is heard.
    const note = lang && stats.source !== 'human' ? modeText(state.mode) : '';
    if ($('mode')) {
      $('mode').textContent = note;
      $('mode').hidden = !note;
    }
    if (!lang && state.channels.length && !state.available) { state.available = true; showToggle(); }
    if (!catchingUp) lines.forEach(renderLine);
  }

  function setChannels(channels, source) {
    state.channels = Array.isArray(channels) ? channels.filter((ch) => ch && typeof ch.lang === 'string') : [];
    if (typeof source === 'string' && source) state.source = source;
    renderChannels();
  }

  let refreshTimer = 0;
  async function refresh() {
    const headers = pageToken() ? { Authorization: `Bearer ${pageToken()}` } : {};
    try {
      const res = await fetch('/api/streams', { headers, cache: 'no-store' });
      if (!res.ok) return;
      const streams = (await res.json()).streams || [];
      const entry = streams.find((s) => s.id === base);
      setChannels(entry && entry.translations);
    } catch (_) { /* offline: the listener connection says so */ }
  }
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 150);
  }

  // ---- /ws/events ------------------------------------------------------------------------------
  // Events of kept topics carry `offset` (per topic, increasing) and `epoch` (the history's
  // identity). The page remembers the last one it applied; a reconnect subscribes with
  // `since` it, and the server sends what was missed, in order, before the live events.
  const topic = `stream:${base}`;
  let catchUp = null;    // {left, timer}: the missed events of a resume still to come
  let askedSince = false; // the last subscribe carried `since`
  const validCursor = (c) => !!c && Number.isInteger(c.offset) && c.offset >= 0 && typeof c.epoch === 'string';

  function subscribe(resume) {
    const msg = { type: 'subscribe', topics: [topic] };
    const from = state.cursor || state.seed;
    if (resume && from) msg.since = { [topic]: { offset: from.offset, epoch: from.epoch } };
    askedSince = !!msg.since;
    ws.send(JSON.stringify(msg));
  }

  function finishCatchUp() {
    if (!catchUp) return;
    clearTimeout(catchUp.timer);
    catchUp = null;
    catchingUp = false;
    drawAll();
  }

  function onSubscribed(msg) {
    state.subscribed = true;
    if (msg.recovered === undefined) { // no `since` asked (or a server without history)
      if (!state.cursor && !state.seed) seedCursor();
      return;
    }
    state.resumes++;
    const r = msg.recovery && typeof msg.recovery === 'object' ? msg.recovery[topic] : null;
    state.lastResume = r ? { ...r } : { recovered: !!msg.recovered };
    if (r && r.recovered === true) {
      const left = Number.isInteger(r.events) ? r.events : 0;
      if (left > 0) {
        catchingUp = true;
        catchUp = { left, timer: setTimeout(finishCatchUp, CATCH_UP_MS) };
      }
      return;
    }
    // Not recoverable (history lost, pruned, too much missed): start fresh from the head, as a
    // newly opened page does; the lines on screen fade as usual, the channels are refetched.
    const head = r ? { offset: r.offset, epoch: r.epoch } : null;
    state.cursor = validCursor(head) ? head : null;
    state.seed = null;
  }

  // The topic's head, so that an outage before the first event still resumes. Only used for
  // `since` while no event has arrived (one in flight meanwhile is not dropped by it).
  async function seedCursor() {
    const headers = pageToken() ? { Authorization: `Bearer ${pageToken()}` } : {};
    try {
      const path = topic.split(':').map(encodeURIComponent).join(':'); // "stream:main" as is (':' is fine in a path)
      const res = await fetch(`/api/topics/${path}/history?since=0&limit=1`, { headers, cache: 'no-store' });
      if (!res.ok) return; // a server without history
      const h = await res.json();
      const head = { offset: Number.isInteger(h.last_offset) ? h.last_offset : 0, epoch: h.epoch };
      if (!state.cursor && validCursor(head)) state.seed = head;
    } catch (_) { /* offline: the next event sets the cursor */ }
  }

  // False for an event already applied (same epoch, offset not past the cursor).
  function fresh(msg) {
    if (!Number.isInteger(msg.offset) || typeof msg.epoch !== 'string') return true; // not kept (listener counts)
    const c = state.cursor;
    if (c && c.epoch === msg.epoch) {
      if (msg.offset <= c.offset) { state.duplicates++; return false; }
      if (msg.offset > c.offset + 1) state.gaps++; // pruned history, or a server bug
    }
    state.cursor = { offset: msg.offset, epoch: msg.epoch };
    return true;
  }

  function onEvent(msg) {
    const kept = Number.isInteger(msg.offset);
    const apply = fresh(msg);
    const last = !!catchUp && kept && --catchUp.left <= 0; // the resume's last missed event
    if (catchUp && kept && apply) state.recoveredEvents++;
    if (apply) applyEvent(msg);
    if (last) finishCatchUp();
  }

  function applyEvent(msg) {
    const d = msg.data;
    const kept = Number.isInteger(msg.offset);
    switch (d.event) {
    case 'caption':
      if (d.stream_id === base) onCaption(d, kept ? msg.offset : null);
      break;
    case 'interpretation':
      setChannels(d.channels, d.source);
      break;
    case 'speaker_joined':
      clearLines(); // utterances are numbered per speaker session
      scheduleRefresh();
      break;
    case 'speaker_left':
      scheduleRefresh();
      break;
    default:
      break;
    }
  }

  const backoff = new Backoff();
  let ws = null;
  let retryTimer = 0;
  function connect() {
    clearTimeout(retryTimer);
    finishCatchUp(); // a resume cut short: show what arrived
    ws = new WebSocket(wsUrl('/ws/events', { client_id: clientId(), token: pageToken() }));
    ws.onopen = () => {
      backoff.reset();
      subscribe(true);
      scheduleRefresh();
    };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (_) { return; }
      // Banners come through the listener connection already; only the stream's events here.
      if (msg.type === 'subscribed') { onSubscribed(msg); return; }
      if (msg.type === 'error' && msg.error === 'invalid_since' && askedSince) { // refused, nothing subscribed: start fresh
        state.cursor = null;
        state.seed = null;
        subscribe(false);
        return;
      }
      if (msg.type !== 'event' || msg.topic !== topic || !msg.data) return;
      onEvent(msg);
    };
    ws.onclose = (ev) => {
      ws = null;
      state.subscribed = false;
      finishCatchUp();
      if (ev.code === 1008 && /^(unauthorized|forbidden)/.test(ev.reason)) return; // the player says why
      retryTimer = setTimeout(connect, backoff.next());
    };
  }

  renderChannels();
  refresh();
  connect();
  setInterval(refresh, 15000); // a missed event heals within 15 s
  window.addEventListener('online', () => { if (!ws) connect(); });
  return { refresh: renderChannels };
}

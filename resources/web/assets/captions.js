// Live interpretation on the listener page (docs/interpretation.md): subtitles from the caption
// events of topic stream:<base> on /ws/events, links to the stream's translated channels
// (main ↔ main~es) and the channel's mode when it is not translated speech.
// Caption text is untrusted: it only ever goes into the page through textContent.
import { $, Backoff, clientId, languageName, listenHref, modeLabel, modeText, pageToken, splitChannel, wsUrl } from './common.js';

const MAX_LINES = 3;        // subtitles kept on screen; older ones fade, then go
const LINE_TTL_MS = 15000;  // a line goes this long after its last update: no box when silent
const PREF_KEY = 'onair.captions';

export function startInterpretation(streamId, stats) {
  const { base, lang } = splitChannel(streamId);
  const frame = $('captions');   // the box, drawn only around lines
  const box = $('caption-lines'); // the live region: always in the page, empty when silent
  const toggle = $('cc');
  const state = {
    base, lang, source: null, channels: [], mode: 'speech', enabled: true, available: !!lang,
    received: 0, shown: 0, lines: [],
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
  // One line per utterance: {utterance, original, translated, el, updatedAt}.
  const lines = [];

  function lineFor(utterance) {
    let line = lines.find((l) => l.utterance === utterance);
    if (line) return line;
    line = { utterance, original: '', originalLang: '', translated: '', el: document.createElement('div'), updatedAt: 0 };
    line.el.className = 'cap';
    const main = document.createElement('p');
    main.className = 'cap-main';
    const sub = document.createElement('p');
    sub.className = 'cap-sub';
    line.el.append(main, sub);
    lines.push(line);
    box.append(line.el);
    while (lines.length > MAX_LINES) lines.shift().el.remove();
    return line;
  }

  function renderLine(line) {
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
    lines.forEach((l, i) => l.el.classList.toggle('old', i < lines.length - 1));
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
    restyle();
  }

  function onCaption(c) {
    if (typeof c.text !== 'string' || !Number.isInteger(c.utterance) || typeof c.lang !== 'string') return;
    const isOriginal = !c.source_lang;
    const source = isOriginal ? c.lang : c.source_lang;
    if (source !== state.source) { state.source = source; renderChannels(); }
    if (!isOriginal && c.lang !== lang) return; // another channel's translation
    state.received++;
    if (!state.available) { state.available = true; showToggle(); renderChannels(); }
    const line = lineFor(c.utterance);
    if (isOriginal) { line.original = c.text; line.originalLang = c.lang; } else line.translated = c.text;
    line.updatedAt = Date.now();
    renderLine(line);
    restyle();
  }

  setInterval(() => {
    const now = Date.now();
    let changed = false;
    while (lines.length && now - lines[0].updatedAt > LINE_TTL_MS) { lines.shift().el.remove(); changed = true; }
    if (changed) restyle();
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
      items.push(link(base, src ? `Listen in ${languageName(src)} (${src}) — original` : 'Listen to the original'));
    }
    for (const ch of state.channels) {
      if (ch.lang === lang || typeof ch.lang !== 'string' || typeof ch.stream_id !== 'string') continue;
      items.push(link(ch.stream_id, `Listen in ${languageName(ch.lang)} (${ch.lang})`, ch.mode));
    }
    $('channel-list').replaceChildren(...items);
    $('channels').hidden = items.length === 0;
    const own = lang ? state.channels.find((ch) => ch.lang === lang) : null;
    state.mode = own && own.mode ? own.mode : 'speech';
    const note = lang ? modeText(state.mode) : '';
    $('mode').textContent = note;
    $('mode').hidden = !note;
    if (!lang && state.channels.length && !state.available) { state.available = true; showToggle(); }
    lines.forEach(renderLine);
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
  const backoff = new Backoff();
  let ws = null;
  let retryTimer = 0;
  function connect() {
    clearTimeout(retryTimer);
    ws = new WebSocket(wsUrl('/ws/events', { client_id: clientId(), token: pageToken() }));
    ws.onopen = () => {
      backoff.reset();
      ws.send(JSON.stringify({ type: 'subscribe', topics: [`stream:${base}`] }));
      scheduleRefresh();
    };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (_) { return; }
      // Banners come through the listener connection already; only the stream's events here.
      if (msg.type !== 'event' || msg.topic !== `stream:${base}` || !msg.data) return;
      const d = msg.data;
      switch (d.event) {
      case 'caption':
        if (d.stream_id === base) onCaption(d);
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
    };
    ws.onclose = (ev) => {
      ws = null;
      if (ev.code === 1008 && /^(unauthorized|forbidden)/.test(ev.reason)) return; // the player says why
      retryTimer = setTimeout(connect, backoff.next());
    };
  }

  renderChannels();
  refresh();
  connect();
  setInterval(refresh, 15000); // a missed event heals within 15 s
  window.addEventListener('online', () => { if (!ws) connect(); });
}

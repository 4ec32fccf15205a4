// The list of live streams: /api/streams, refreshed whenever /ws/events says a stream changed.
import { $, BannerBox, Backoff, clientId, languageName, listenHref, modeLabel, modeText, pageToken, splitChannel, tokenQuery, wsUrl } from './common.js';

const list = $('streams');
let ws = null;
let refreshTimer = 0;
const backoff = new Backoff();
const banner = new BannerBox((m) => { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m)); });

async function refresh() {
  const headers = pageToken() ? { Authorization: `Bearer ${pageToken()}` } : {};
  try {
    const res = await fetch('/api/streams', { headers, cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    render((await res.json()).streams || []);
  } catch (e) {
    $('conn').textContent = 'Offline';
    $('conn').className = 'pill bad';
  }
}

function streamLink(s) {
  const a = document.createElement('a');
  a.href = listenHref(s.id);
  a.dataset.stream = s.id;
  const dot = document.createElement('span');
  dot.className = 'dot' + (s.speaker_live ? ' live' : '');
  dot.setAttribute('aria-hidden', 'true');
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = s.id;
  const meta = document.createElement('span');
  meta.className = 'muted';
  const n = s.listeners;
  meta.textContent = `${s.speaker_live ? 'on air' : 'off air'} · ${n} listener${n === 1 ? '' : 's'}`;
  a.append(dot, name, meta);
  a.setAttribute('aria-label', `${s.id}: ${meta.textContent}`);
  return a;
}

// A translated channel (main~es) as a chip under its stream: "Español (es)".
function channelChip(base, ch) {
  const li = document.createElement('li');
  const a = document.createElement('a');
  a.href = listenHref(ch.stream_id);
  a.dataset.stream = ch.stream_id;
  a.className = 'chip';
  const name = document.createElement('span');
  name.textContent = `${languageName(ch.lang)} (${ch.lang})`;
  a.append(name);
  const mode = modeText(ch.mode);
  if (mode) {
    const m = document.createElement('span');
    m.className = 'muted';
    m.textContent = modeLabel(ch.mode);
    a.append(m);
  }
  a.setAttribute('aria-label', `${base} in ${languageName(ch.lang)}${mode ? ` (${mode})` : ''}`);
  li.append(a);
  return li;
}

// The stream for standard players (VLC, radio apps, smart speakers): the server lists the
// paths in "players"; an older server does not, and they follow from the id. Same-origin
// relative paths only: anything else in the list is ignored.
const PLAYER_LABELS = [['m3u', 'M3U'], ['mp3', 'MP3'], ['ogg', 'Ogg']];
function playerLinks(s) {
  const given = s.players && typeof s.players === 'object' ? s.players : {};
  const links = PLAYER_LABELS.map(([kind, label]) => {
    const path = typeof given[kind] === 'string' && /^\/[^/\\]/.test(given[kind]) ? given[kind]
      : `/stream/${encodeURIComponent(s.id)}.${kind}`;
    const a = document.createElement('a');
    a.href = path + (path.includes('?') ? '' : tokenQuery());
    a.dataset.player = kind;
    a.textContent = label;
    a.setAttribute('aria-label', `${s.id} as ${label} for other apps`);
    return a;
  });
  const p = document.createElement('p');
  p.className = 'players muted';
  p.append('Other apps: ');
  links.forEach((a, i) => p.append(...(i ? [' · ', a] : [a])));
  return p;
}

function render(streams) {
  const ids = new Set(streams.map((s) => s.id));
  // Translated channels go under their stream (from its "translations", and any listed
  // "<id>~<lang>" the stream does not name); a channel whose stream is not listed stands alone.
  const channelsOf = new Map();
  for (const s of streams) {
    if (Array.isArray(s.translations)) {
      channelsOf.set(s.id, s.translations.filter((t) => t && typeof t.lang === 'string' && typeof t.stream_id === 'string'));
    }
  }
  const grouped = new Set();
  for (const s of streams) {
    const base = s.translation_of || (s.id.includes('~') ? splitChannel(s.id).base : null);
    if (!base || !ids.has(base)) continue;
    grouped.add(s.id);
    const list = channelsOf.get(base) || [];
    if (!list.some((t) => t.stream_id === s.id)) list.push({ lang: s.lang || splitChannel(s.id).lang, stream_id: s.id, mode: 'speech' });
    channelsOf.set(base, list);
  }
  const items = streams.filter((s) => !grouped.has(s.id)).map((s) => {
    const li = document.createElement('li');
    li.dataset.id = s.id;
    li.append(streamLink(s));
    const chans = (channelsOf.get(s.id) || []).filter((t) => t.lang);
    if (chans.length) {
      const ul = document.createElement('ul');
      ul.className = 'chips';
      ul.setAttribute('aria-label', `${s.id} in other languages`);
      ul.append(...chans.map((t) => channelChip(s.id, t)));
      li.append(ul);
    }
    li.append(playerLinks(s));
    return li;
  });
  list.replaceChildren(...items);
  $('empty').hidden = streams.length > 0;
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 150); // a burst of events: one fetch
}

function connect() {
  ws = new WebSocket(wsUrl('/ws/events', { client_id: clientId(), token: pageToken() }));
  ws.onopen = () => {
    backoff.reset();
    ws.send(JSON.stringify({ type: 'subscribe', topics: ['streams'] }));
    $('conn').textContent = 'Live updates';
    $('conn').className = 'pill live';
    refresh();
  };
  ws.onmessage = (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch (_) { return; }
    if (banner.handle(msg)) return;
    // Captions also travel on stream:<id>; they change nothing in this list.
    if (msg.type === 'event' && typeof msg.topic === 'string' && msg.topic.startsWith('stream:')
        && !(msg.data && msg.data.event === 'caption')) scheduleRefresh();
  };
  ws.onclose = () => {
    ws = null;
    $('conn').textContent = 'Reconnecting…';
    $('conn').className = 'pill bad';
    setTimeout(connect, backoff.next());
  };
}

refresh();
connect();
setInterval(refresh, 15000); // belt and braces: a missed event heals within 15 s

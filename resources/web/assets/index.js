// The list of live streams: /api/streams, refreshed whenever /ws/events says a stream changed.
// The list is current state (who is on air, listener counts), not history: after a reconnect
// the page fetches it again once its subscription is in place, so nothing that changed while it
// was away (or in between) is missed; replaying the missed stream events would add nothing.
import { $, BannerBox, Backoff, clientId, languageName, listenHref, modeLabel, modeText, pageToken, sourceLabel, sourceText, splitChannel, tokenQuery, wsUrl } from './common.js';
import { texts, translatePage } from './i18n.js';

const t = texts('index', {
  en: {
    pageTitle: 'OnAir — live streams', skip: 'Skip to the streams', title: 'Live streams', connecting: 'Connecting…',
    empty: 'Nothing is on air right now. This list updates by itself.', tagline: 'OnAir · low-latency live audio',
    recordings: 'Recordings', liveUpdates: 'Live updates', reconnecting: 'Reconnecting…', offline: 'Offline',
    onAir: 'on air', offAir: 'off air', listeners: (n) => `${n} listener${n === 1 ? '' : 's'}`,
    inLanguage: (id, name) => `${id} in ${name}`, otherLanguages: (id) => `${id} in other languages`,
    otherApps: 'Other apps: ', forApps: (id, label) => `${id} as ${label} for other apps`,
  },
  nl: {
    pageTitle: 'OnAir — live streams', skip: 'Naar de streams', title: 'Live streams', connecting: 'Verbinden…',
    empty: 'Er is nu niets in de lucht. Deze lijst werkt zichzelf bij.', tagline: 'OnAir · live geluid met weinig vertraging',
    recordings: 'Opnames', liveUpdates: 'Wordt live bijgewerkt', reconnecting: 'Opnieuw verbinden…', offline: 'Offline',
    onAir: 'in de lucht', offAir: 'niet in de lucht', listeners: (n) => `${n} luisteraar${n === 1 ? '' : 's'}`,
    inLanguage: (id, name) => `${id} in ${name}`, otherLanguages: (id) => `${id} in andere talen`,
    otherApps: 'Andere apps: ', forApps: (id, label) => `${id} als ${label} voor andere apps`,
  },
});
translatePage(t, t.pageTitle);

const list = $('streams');
let ws = null;
let refreshTimer = 0;
let fetchSeq = 0;   // only the latest request's answer is drawn (an older one may arrive later)
const backoff = new Backoff();
const banner = new BannerBox((m) => {
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(JSON.stringify(m));
  return true;
});

function showConn() {
  const open = ws && ws.readyState === WebSocket.OPEN;
  $('conn').textContent = open ? t.liveUpdates : t.reconnecting;
  $('conn').className = open ? 'pill live' : 'pill bad';
}

async function refresh() {
  const seq = ++fetchSeq;
  const headers = pageToken() ? { Authorization: `Bearer ${pageToken()}` } : {};
  try {
    const res = await fetch('/api/streams', { headers, cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const streams = (await res.json()).streams || [];
    if (seq !== fetchSeq) return; // a newer request was made meanwhile: its answer is the current one
    render(streams);
    if (ws && ws.readyState === WebSocket.OPEN) showConn(); // after an 'Offline'
  } catch (e) {
    if (seq !== fetchSeq) return;
    $('conn').textContent = t.offline;
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
  meta.textContent = `${s.speaker_live ? t.onAir : t.offAir} · ${t.listeners(n)}`;
  a.append(dot, name, meta);
  a.setAttribute('aria-label', `${s.id}: ${meta.textContent}`);
  return a;
}

// A translated channel (main~es) as a chip under its stream: "Español (es)", and who it
// carries now when the server says (channel_source: "Nederlands (nl) interpreter").
function channelChip(base, ch) {
  const li = document.createElement('li');
  const a = document.createElement('a');
  a.href = listenHref(ch.stream_id);
  a.dataset.stream = ch.stream_id;
  a.className = 'chip';
  const name = document.createElement('span');
  name.textContent = `${languageName(ch.lang)} (${ch.lang})`;
  a.append(name);
  const mode = modeText(ch.mode) || sourceText(ch.source);
  const label = modeLabel(ch.mode) || sourceLabel(ch.source);
  if (label) {
    const m = document.createElement('span');
    m.className = `muted source-${ch.source || 'none'}`;
    m.textContent = label;
    a.append(m);
  }
  a.dataset.source = ch.source || '';
  a.setAttribute('aria-label', `${t.inLanguage(base, languageName(ch.lang))}${mode ? ` (${mode})` : ''}`);
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
    a.setAttribute('aria-label', t.forApps(s.id, label));
    return a;
  });
  const p = document.createElement('p');
  p.className = 'players muted';
  p.append(t.otherApps);
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
      channelsOf.set(s.id, s.translations.filter((c) => c && typeof c.lang === 'string' && typeof c.stream_id === 'string'));
    }
  }
  const grouped = new Set();
  for (const s of streams) {
    const base = s.translation_of || (s.id.includes('~') ? splitChannel(s.id).base : null);
    if (!base || !ids.has(base)) continue;
    grouped.add(s.id);
    const list = channelsOf.get(base) || [];
    if (!list.some((c) => c.stream_id === s.id)) list.push({ lang: s.lang || splitChannel(s.id).lang, stream_id: s.id, mode: 'speech', source: s.source });
    channelsOf.set(base, list);
  }
  const items = streams.filter((s) => !grouped.has(s.id)).map((s) => {
    const li = document.createElement('li');
    li.dataset.id = s.id;
    li.append(streamLink(s));
    const chans = (channelsOf.get(s.id) || []).filter((c) => c.lang);
    if (chans.length) {
      const ul = document.createElement('ul');
      ul.className = 'chips';
      ul.setAttribute('aria-label', t.otherLanguages(s.id));
      ul.append(...chans.map((ch) => channelChip(s.id, ch)));
      li.append(ul);
    }
    li.append(playerLinks(s));
    return li;
  });
  list.replaceChildren(...items);
  $('empty').hidden = streams.length > 0;
}

// A burst of events: one fetch, at most 150 ms after the first (not pushed back by each
// further event: steady listener counts must not starve the list).
function scheduleRefresh() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => { refreshTimer = 0; refresh(); }, 150);
}

function connect() {
  ws = new WebSocket(wsUrl('/ws/events', { client_id: clientId(), token: pageToken() }));
  ws.onopen = () => {
    backoff.reset();
    ws.send(JSON.stringify({ type: 'subscribe', topics: ['streams'] }));
    showConn();
  };
  ws.onmessage = (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch (_) { return; }
    if (banner.handle(msg)) return;
    // Subscribed: from now on every change comes as an event, so this fetch is the full
    // picture (one made before the subscription could miss a change in between).
    if (msg.type === 'subscribed') { refresh(); return; }
    // Captions also travel on stream:<id>; they change nothing in this list.
    if (msg.type === 'event' && typeof msg.topic === 'string' && msg.topic.startsWith('stream:')
        && !(msg.data && msg.data.event === 'caption')) scheduleRefresh();
  };
  ws.onclose = () => {
    ws = null;
    showConn();
    setTimeout(connect, backoff.next());
  };
}

refresh();
connect();
setInterval(refresh, 15000); // belt and braces: a missed event heals within 15 s

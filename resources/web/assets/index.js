// The list of live streams: /api/streams, refreshed whenever /ws/events says a stream changed.
import { $, BannerBox, Backoff, clientId, pageToken, wsUrl } from './common.js';

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

function render(streams) {
  const items = streams.map((s) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    const q = pageToken() ? `?token=${encodeURIComponent(pageToken())}` : '';
    a.href = `/listen/${encodeURIComponent(s.id)}${q}`;
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
    li.append(a);
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
    if (msg.type === 'event' && typeof msg.topic === 'string' && msg.topic.startsWith('stream:')) scheduleRefresh();
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

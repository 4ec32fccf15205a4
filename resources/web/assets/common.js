// Shared by the OnAir pages: identity, URLs, reconnect backoff, the banner box, clock sync.
import { texts } from './i18n.js';

export const $ = (id) => document.getElementById(id);

// The shared modules' words (i18n.js): what a channel carries, the banner's button.
const T = texts('common', {
  en: {
    captionsOnly: 'Captions only — speech synthesis unavailable', originalAudio: 'Original audio — translation unavailable',
    captionsOnlyShort: 'captions only', originalAudioShort: 'original audio',
    human: 'Interpreted by a person', machine: 'Machine translation', original: 'Original (no interpreter)', silence: 'Silence',
    humanShort: 'interpreter', machineShort: 'machine', originalShort: 'original', silenceShort: 'silent',
    dismiss: 'Dismiss',
  },
  nl: {
    captionsOnly: 'Alleen ondertitels — spraaksynthese niet beschikbaar', originalAudio: 'Origineel geluid — vertaling niet beschikbaar',
    captionsOnlyShort: 'alleen ondertitels', originalAudioShort: 'origineel geluid',
    human: 'Vertaald door een tolk', machine: 'Machinevertaling', original: 'Origineel (geen tolk)', silence: 'Stilte',
    humanShort: 'tolk', machineShort: 'machine', originalShort: 'origineel', silenceShort: 'stil',
    dismiss: 'Sluiten',
  },
});

// A random id kept in localStorage: the server remembers which banners this browser dismissed.
export function clientId() {
  let id = null;
  try { id = localStorage.getItem('onair.client_id'); } catch (_) { /* private mode */ }
  if (!id || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
    // getRandomValues works on plain-http pages too (randomUUID does not: secure contexts only).
    const bytes = new Uint8Array(12);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
    else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    id = 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    try { localStorage.setItem('onair.client_id', id); } catch (_) { /* private mode */ }
  }
  return id;
}

// The stream id in /listen/{id} or /speak/{id}.
export function streamFromPath() {
  const parts = location.pathname.split('/').filter(Boolean);
  return parts.length >= 2 ? decodeURIComponent(parts[1]) : '';
}

// A listener token given as ?token=… (servers run with --require-listener-token).
export function pageToken() {
  return new URLSearchParams(location.search).get('token') || '';
}

// A translated channel is "<stream>~<lang>" (docs/interpretation.md): {base, lang}; lang is
// null for an ordinary stream.
export function splitChannel(id) {
  const m = /^(.+)~([a-z]{2,3})$/.exec(id || '');
  return m ? { base: m[1], lang: m[2] } : { base: id || '', lang: null };
}

// "Español" for "es": the language's own name, capitalised; the code when the browser
// does not know it.
export function languageName(code) {
  try {
    const n = new Intl.DisplayNames([code], { type: 'language' }).of(code);
    if (n && n !== code) return n.charAt(0).toLocaleUpperCase(code) + n.slice(1);
  } catch (_) { /* no Intl.DisplayNames, or not a language tag */ }
  return code;
}

// What a translated channel carries when it is not translated speech.
export function modeText(mode) {
  if (mode === 'captions_only') return T.captionsOnly;
  if (mode === 'original_audio') return T.originalAudio;
  return '';
}

// The same, short: for a link or a chip.
export function modeLabel(mode) {
  if (mode === 'captions_only') return T.captionsOnlyShort;
  if (mode === 'original_audio') return T.originalAudioShort;
  return '';
}

// Who a language channel carries now (channel_source, docs/interpretation.md "Human interpreters").
export function sourceText(source) {
  if (source === 'human') return T.human;
  if (source === 'machine') return T.machine;
  if (source === 'original') return T.original;
  if (source === 'silence') return T.silence;
  return '';
}

// The same, short: for a chip in the list of streams.
export function sourceLabel(source) {
  return ['human', 'machine', 'original', 'silence'].includes(source) ? T[`${source}Short`] : '';
}

// "?token=…" to carry a listener token on to another page, or ''.
export function tokenQuery() {
  return pageToken() ? `?token=${encodeURIComponent(pageToken())}` : '';
}

// A link to a listener page; "~" is URL-safe and stays as is (encodeURIComponent keeps it).
export function listenHref(id) {
  return `/listen/${encodeURIComponent(id)}${tokenQuery()}`;
}

export function wsUrl(path, params) {
  const u = new URL(path, location.href);
  u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [k, v] of Object.entries(params || {})) if (v) u.searchParams.set(k, v);
  return u.toString();
}

// Exponential backoff with jitter: the first retry anywhere in 0–0.5 s (a replica that died:
// back quickly, a crowd still spread out), then 1 s, 2 s … capped at 10 s.
export class Backoff {
  constructor(base = 500, cap = 10000) { this.base = base; this.cap = cap; this.attempt = 0; }
  next() {
    if (this.attempt === 0) { this.attempt++; return Math.round(Math.random() * this.base); }
    const d = Math.min(this.cap, this.base * 2 ** this.attempt++);
    return Math.round(d / 2 + Math.random() * d / 2);
  }
  reset() { this.attempt = 0; }
}

// NTP-style offset of the server's clock to ours, from {"type":"ping","t"} → pong server_time.
// Keeps the sample with the smallest round trip of the last few.
export class ClockSync {
  constructor() { this.samples = []; this.offsetMs = 0; this.rttMs = null; }
  ping(ws) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping', t: Date.now() }));
  }
  pong(msg) {
    if (typeof msg.t !== 'number' || typeof msg.server_time !== 'number') return;
    const now = Date.now();
    const rtt = now - msg.t;
    this.samples.push({ rtt, offset: msg.server_time - (msg.t + rtt / 2) });
    if (this.samples.length > 8) this.samples.shift();
    const best = this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    this.offsetMs = best.offset;
    this.rttMs = rtt;
  }
}

// The active banner (seed 002 messages), styled by type, with a Dismiss that acknowledges it.
// Dismissals are also kept locally, so a banner stays dismissed after a reload even if the
// acknowledgement had not reached the server yet.
// After a (re)connect the page shows exactly the server's banner: the server sends
// `active_broadcast` right after `connected` when a banner is active and this identity has not
// dismissed it, so a `connected` followed by anything else (or by nothing for a second) means
// no banner — one cleared while the page was away goes, without waiting for another event.
const SETTLE_MS = 1000;

export class BannerBox {
  constructor(send) {
    this.send = send;
    this.box = $('banner');
    this.text = $('banner-text');
    this.current = null;
    this.settling = false; // between `connected` and the message after it
    this.settleTimer = 0;
    this.seenSent = new Set(); // ids reported as on screen (broadcast_seen), once each
    $('banner-dismiss').textContent = T.dismiss;
    $('banner-dismiss').addEventListener('click', () => this.dismiss());
    // A banner shown while the page was in the background counts as seen once it is looked at.
    document.addEventListener('visibilitychange', () => this.reportSeen());
  }
  dismissed() {
    try { return JSON.parse(localStorage.getItem('onair.dismissed') || '[]'); } catch (_) { return []; }
  }
  // Every message of the connection that carries banners comes through here (binary frames
  // too: `activity()`); true when it was a banner message.
  handle(msg) {
    if (msg.type === 'connected') {
      this.settling = true;
      clearTimeout(this.settleTimer);
      this.settleTimer = setTimeout(() => this.activity(), SETTLE_MS);
      return false;
    }
    if (msg.type === 'active_broadcast') this.settled();
    else this.activity();
    if (msg.type === 'new_broadcast' || msg.type === 'active_broadcast') {
      const b = msg.broadcast || {};
      if (msg.repeat === true) { // "Alert again": the server knows it was not acknowledged
        this.forget(b.id);
        this.show(b);
        this.alertAgain();
        return true;
      }
      if (this.dismissed().includes(b.id)) { // dismissed here before: make sure the server knows
        this.send({ type: 'acknowledge_broadcast', broadcast_id: b.id });
        this.hide(); // the server's banner is one this page dismissed: none to show
        return true;
      }
      this.show(b);
      return true;
    }
    if (msg.type === 'broadcast_cleared') { this.hide(); return true; }
    return msg.type === 'broadcast_acknowledged';
  }
  // Anything but `active_broadcast` right after `connected`: no banner is active for us.
  activity() {
    if (!this.settling) return;
    this.settled();
    this.hide();
  }
  settled() {
    this.settling = false;
    clearTimeout(this.settleTimer);
  }
  show(b) {
    this.current = b;
    const type = ['info', 'warning', 'alert'].includes(b.message_type) ? b.message_type : 'info';
    this.box.className = 'banner ' + type;
    this.box.setAttribute('role', type === 'alert' ? 'alert' : 'status');
    this.box.dataset.id = b.id || '';
    this.text.textContent = b.message || '';
    this.box.classList.remove('again');
    this.box.hidden = false;
    this.reportSeen();
  }
  // broadcast_seen: the banner is rendered and the page is in front of someone.
  reportSeen() {
    const id = this.current && this.current.id;
    if (!id || this.box.hidden || document.visibilityState !== 'visible' || this.seenSent.has(id)) return;
    if (this.send({ type: 'broadcast_seen', broadcast_id: id }) === false) return;
    this.seenSent.add(id);
  }
  // Prominent again: a pulse, announced by screen readers, a buzz where phones can.
  alertAgain() {
    this.box.setAttribute('role', 'alert');
    void this.box.offsetWidth; // restart the animation when it repeats twice
    this.box.classList.add('again');
    try { this.box.scrollIntoView({ block: 'nearest' }); } catch (_) { /* old browsers */ }
    if (typeof navigator.vibrate === 'function') {
      try { navigator.vibrate([200, 100, 200]); } catch (_) { /* not allowed here */ }
    }
  }
  forget(id) {
    const list = this.dismissed().filter((x) => x !== id);
    try { localStorage.setItem('onair.dismissed', JSON.stringify(list)); } catch (_) { /* private mode */ }
  }
  hide() { this.current = null; this.box.hidden = true; this.box.dataset.id = ''; this.box.classList.remove('again'); }
  dismiss() {
    if (!this.current) return;
    const id = this.current.id;
    const list = this.dismissed().filter((x) => x !== id).slice(-49);
    list.push(id);
    try { localStorage.setItem('onair.dismissed', JSON.stringify(list)); } catch (_) { /* private mode */ }
    this.send({ type: 'acknowledge_broadcast', broadcast_id: id });
    this.hide();
  }
}

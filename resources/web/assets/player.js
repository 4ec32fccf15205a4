// The <audio> element on the server's HTTP stream (/stream/{id}.mp3): the last resort when the
// page can decode Opus neither with WebCodecs nor with WebAssembly, and the way to keep playing
// on a phone with the screen off (iOS suspends Web Audio when locked; a media element plays on).
// It costs delay: the browser buffers the stream before and while it plays.

// Added to what the element has buffered ahead of its play head to estimate the delay: capture
// and the trip to the server (~20 ms), the MP3 encoder's frame and look-ahead (1152 samples +
// ~530, ~35 ms at 48 kHz), the network and the output device (~50 ms). An estimate, shown as ≈.
export const PLAYER_EXTRA_MS = 120;

// The element's own buffer beyond which it jumps to near the live edge (a stall, then a burst).
const MAX_AHEAD_S = 3;

export class StreamPlayer {
  constructor(el, url) {
    this.el = el;
    this.url = url;
    this.active = false;
    this.blocked = false;       // play() refused: autoplay needs a tap
    this.failed = null;         // why the element cannot play this stream at all
    this.played = false;        // it has played since start(): later errors are the network's, retried
    this.failures = 0;          // errors before it ever played
    this.retryTimer = 0;
    this.lastTime = 0;          // currentTime at the last tick
    this.advancedAt = 0;        // performance.now() when currentTime last moved
    this.catchups = 0;
    this.restarts = 0;
    el.addEventListener('error', () => this.lost(el.error));
    el.addEventListener('ended', () => this.lost(null)); // an endless stream ended: the server went away
  }

  // The element stopped. Once it has played, or for the first two errors, it tries again in a
  // second (the server restarting, a network hiccup); an element that never played a second
  // time cannot play this stream here (no MP3 support, or the server refuses it).
  lost(err) {
    if (!this.active) return;
    if (!this.played && ++this.failures >= 2) {
      this.failed = err ? `media error ${err.code}${err.message ? `: ${err.message}` : ''}` : 'the stream ended';
      return;
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => { if (this.active) { this.restarts++; this.start(); } }, 1000);
  }

  // Starts (or restarts) the stream; in a click handler this is the user gesture iOS wants.
  start() {
    clearTimeout(this.retryTimer);
    this.active = true;
    this.failed = null;
    this.el.src = this.url;
    return this.play();
  }

  play() {
    const p = this.el.play();
    if (!p) return Promise.resolve(); // very old browsers: no promise
    // Other refusals (no supported source) come with the element's error event: lost().
    return p.then(() => { this.blocked = false; }, (e) => { if (e && e.name === 'NotAllowedError') this.blocked = true; });
  }

  stop() {
    clearTimeout(this.retryTimer);
    this.active = false;
    this.played = false;
    this.failures = 0;
    this.blocked = false;
    this.el.pause();
    this.el.removeAttribute('src');
    this.el.load(); // closes the HTTP connection
  }

  // Called a few times a second: is the play head moving? Also keeps the delay bounded.
  tick() {
    if (!this.active) return;
    const t = this.el.currentTime;
    if (t !== this.lastTime && !this.el.paused) {
      this.advancedAt = performance.now();
      this.played = true;
      this.failures = 0;
    }
    this.lastTime = t;
    const ahead = this.aheadS();
    if (ahead !== null && ahead > MAX_AHEAD_S && !this.el.paused) {
      // Far behind live: jump to half a second before the newest audio it holds.
      try { this.el.currentTime = t + ahead - 0.5; this.catchups++; } catch (_) { /* not seekable: keep the delay */ }
    }
  }

  // Seconds buffered ahead of the play head, or null before anything is buffered.
  aheadS() {
    const b = this.el.buffered;
    if (!b || b.length === 0) return null;
    return Math.max(0, b.end(b.length - 1) - this.el.currentTime);
  }

  delayMs() {
    const ahead = this.aheadS();
    return ahead === null ? null : Math.round(ahead * 1000 + PLAYER_EXTRA_MS);
  }

  // 'blocked' | 'live' | 'buffering' | 'failed'
  state() {
    if (this.failed) return 'failed';
    if (this.blocked) return 'blocked';
    if (!this.el.paused && performance.now() - this.advancedAt < 1000) return 'live';
    return 'buffering';
  }
}

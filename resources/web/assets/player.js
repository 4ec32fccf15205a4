// The <audio> element on the server's HTTP stream (/stream/{id}.mp3): the last resort when the
// page can decode Opus neither with WebCodecs nor with WebAssembly, and the way to keep playing
// on a phone with the screen off (iOS suspends Web Audio when locked; a media element plays on).
// It costs delay: the browser buffers the stream before and while it plays.

// Added to how far the element plays behind the newest audio it was sent: capture and the trip
// to the server (~20 ms), the MP3 encoder's frame and look-ahead (1152 samples + ~530, ~35 ms at
// 48 kHz) and the output device (~50 ms). The result is an estimate, shown as ≈.
export const PLAYER_EXTRA_MS = 100;

// Behind live by more than this (a long stall, a phone that throttled the page): jump to the
// newest audio the element holds. Not less: Chromium plays ~2.5 s behind by design (it reads
// the stream in ~20 KB blocks) and rebuffers that much again after any jump.
const MAX_BEHIND_S = 8;
// How long the newest-audio estimate remembers: the server may skip ahead (skip-to-live).
const EDGE_WINDOW_MS = 10000;

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
    this.advancedAt = -Infinity; // performance.now() when currentTime last moved
    this.startedAt = 0;         // performance.now() of start(): stream time 0 is about then
    this.edge = [];             // recent {at, offset}: buffered end minus seconds since start
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
    this.startedAt = performance.now();
    this.edge = [];
    this.lastTime = 0;
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

  // Called a few times a second: is the play head moving? Where is live? Keeps the delay bounded.
  tick() {
    if (!this.active) return;
    const now = performance.now();
    const t = this.el.currentTime;
    if (t !== this.lastTime && !this.el.paused) {
      this.advancedAt = now;
      this.played = true;
      this.failures = 0;
    }
    this.lastTime = t;
    // The server sends in real time, so the newest audio sent is (seconds since start + a
    // constant: its start-up burst). The buffered end reaches it whenever a block of the stream
    // has just been read and lags in between: the largest recent difference is the constant.
    const end = this.bufferedEnd();
    if (end !== null) this.edge.push({ at: now, offset: end - (now - this.startedAt) / 1000 });
    while (this.edge.length && now - this.edge[0].at > EDGE_WINDOW_MS) this.edge.shift();
    const behind = this.behindS();
    if (behind !== null && behind > MAX_BEHIND_S && !this.el.paused && end - t > 1) {
      try { this.el.currentTime = end - 0.5; this.catchups++; } catch (_) { /* not seekable: keep the delay */ }
    }
  }

  bufferedEnd() {
    const b = this.el.buffered;
    return b && b.length ? b.end(b.length - 1) : null;
  }

  // Seconds the element holds ahead of its play head, or null before anything is buffered.
  aheadS() {
    const end = this.bufferedEnd();
    return end === null ? null : Math.max(0, end - this.el.currentTime);
  }

  // Seconds between the newest audio the server has sent and the play head, or null.
  behindS() {
    if (!this.edge.length) return null;
    const offset = Math.max(...this.edge.map((e) => e.offset));
    return Math.max(0, (performance.now() - this.startedAt) / 1000 + offset - this.el.currentTime);
  }

  delayMs() {
    const behind = this.behindS();
    return behind === null ? null : Math.round(behind * 1000 + PLAYER_EXTRA_MS);
  }

  // 'blocked' | 'live' | 'buffering' | 'failed'
  state() {
    if (this.failed) return 'failed';
    if (this.blocked) return 'blocked';
    if (!this.el.paused && performance.now() - this.advancedAt < 1000) return 'live';
    return 'buffering';
  }
}

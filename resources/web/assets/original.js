// "Original at 15 %" on a language channel's listener page (main~nl): the floor (main) on a
// second /ws/listen socket, decoded by its own StreamReceiver and mixed at 15 % gain under the
// channel, in the browser — so a listener hears the speaker's voice faintly under the
// interpreter, as in a conference headset. Works wherever the page plays through Web Audio
// (WebAssembly decoding on plain http too). The choice is remembered.
import { $, Backoff, ClockSync, pageToken, wsUrl } from './common.js';
import { StreamReceiver, receiverStats } from './receiver.js';

export const ORIGINAL_GAIN = 0.15;
const PREF_KEY = 'onair.original';

export class OriginalMix {
  // ctx, output: the page's context and its volume node; floor: the stream id of the original;
  // pageStats: the page's window.onair.stats (this adds .original).
  constructor(ctx, output, floor, pageStats) {
    this.floor = floor;
    this.stats = { on: false, connected: false, speakerLive: false, gain: ORIGINAL_GAIN, ...receiverStats() };
    pageStats.original = this.stats;
    this.gain = ctx.createGain();
    this.gain.gain.value = ORIGINAL_GAIN;
    this.gain.connect(output);
    this.clock = new ClockSync();
    const forced = new URLSearchParams(location.search).get('decoder');
    this.receiver = new StreamReceiver(ctx, this.gain, this.stats, { forced: forced === 'wasm' ? 'wasm' : null, clock: this.clock });
    this.backoff = new Backoff();
    this.ws = null;
    this.retryTimer = 0;
    this.button = $('original');
    this.button.hidden = false;
    this.button.addEventListener('click', () => this.set(!this.stats.on));
    let on = false;
    try { on = localStorage.getItem(PREF_KEY) === 'on'; } catch (_) { /* private mode */ }
    this.set(on);
  }

  set(on) {
    this.stats.on = on;
    this.button.setAttribute('aria-pressed', String(on));
    try { localStorage.setItem(PREF_KEY, on ? 'on' : 'off'); } catch (_) { /* private mode */ }
    if (on) this.connect();
    else this.disconnect();
  }

  // Where the page cannot mix (the media player plays), the switch is not offered.
  setAvailable(available) {
    this.button.hidden = !available;
    this.receiver.enabled = available;
  }

  connect() {
    if (this.ws) return;
    clearTimeout(this.retryTimer);
    const ws = new WebSocket(wsUrl(`/ws/listen/${encodeURIComponent(this.floor)}`, { token: pageToken() }));
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => { this.stats.connected = true; this.clock.ping(ws); };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') { this.receiver.push(ev.data); return; }
      let msg;
      try { msg = JSON.parse(ev.data); } catch (_) { return; }
      this.onMessage(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stats.connected = false;
      this.receiver.reset();
      if (this.stats.on) this.retryTimer = setTimeout(() => this.connect(), this.backoff.next());
    };
  }

  disconnect() {
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = null;
    this.stats.connected = false;
    if (ws) ws.close(1000, 'original off');
    this.receiver.close();
  }

  setFormat(format) {
    this.receiver.setFormat(format).then(() => { this.stats.path = this.receiver.path; });
  }

  onMessage(msg) {
    switch (msg.type) {
    case 'connected':
      this.backoff.reset();
      this.stats.speakerLive = !!msg.speaker_live;
      this.setFormat(msg.format);
      break;
    case 'format':
      this.setFormat(msg.format);
      break;
    case 'speaker_joined':
    case 'speaker_left':
      this.stats.speakerLive = msg.type === 'speaker_joined';
      this.receiver.reset();
      break;
    case 'mark':
      this.receiver.mark(msg);
      break;
    case 'pong':
      this.clock.pong(msg);
      break;
    default:
      break;
    }
  }
}

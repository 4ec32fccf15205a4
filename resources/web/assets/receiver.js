// One received stream played through Web Audio, shared by the listener page (the stream, and the
// original mixed faintly under a language channel) and the interpreter's booth (the floor in the
// headphones). Opus is decoded with WebCodecs where the browser has it, else with the WebAssembly
// libopus (a page that is not a secure context — a phone on http://192.168.x.y — or an older
// Safari); PCM is played as is. Both feed a small adaptive jitter buffer on
// AudioBufferSourceNodes that jumps back to live after a stall. Speaker marks become the measured
// mouth-to-ear delay. Counters go to the `stats` object the page exposes (window.onair).
import { WasmDecoder, WebCodecsDecoder, loadWasmOpus, webCodecsOpus } from './decoders.js';

export class StreamReceiver {
  // ctx: the AudioContext; output: the node the frames play into; stats: the counters.
  // options: forced ('wasm': skip WebCodecs), clock (the ClockSync of the connection the marks
  // come on), onFallback(why) (nothing here can decode Opus), onChange() (the path or the play
  // state changed: the page redraws).
  constructor(ctx, output, stats, options = {}) {
    this.ctx = ctx;
    this.output = output;
    this.stats = stats;
    this.forced = options.forced || null;
    this.clock = options.clock || null;
    this.onFallback = options.onFallback || (() => {});
    this.onChange = options.onChange || (() => {});
    this.enabled = true;        // false: frames are counted, not decoded (another player plays)
    // target: the safety margin the latest-arriving frame of the last couple of seconds should
    // still have ahead of the play head. It grows by 20 ms on an underrun and shrinks by 5 ms
    // after 10 calm seconds. When every frame of the last second had whole frames more than the
    // target ahead, that many frames are dropped: the page returns to live instead of keeping a delay.
    this.jb = { target: 0.03, min: 0.015, max: 0.4, lastUnderrunAt: 0, lastShrinkAt: 0, windowStart: 0, windowMinLead: Infinity, trimBudget: 0 };
    this.nextTime = 0;          // context time where the next frame starts; 0: not primed
    this.lastArrival = 0;       // performance.now() of the previous decoded frame
    this.lastScheduledAt = 0;   // performance.now() of the last frame given to the speakers
    this.lastReceivedAt = 0;    // performance.now() of the last binary frame from the server
    this.lastMarkAt = 0;        // performance.now() of the last speaker mark measured
    this.format = null;
    this.decoder = null;
    this.loading = false;       // the WebAssembly decoder is being fetched and compiled
    this.gen = 0;               // a format change while a decoder loads makes that one stale
    this.pendingMark = null;
    this.opusPath = null;       // promise of 'webcodecs' | 'wasm' | 'player', decided once
    this.webCodecsFailures = []; // times of recent WebCodecs errors
    stats.targetMs = Math.round(this.jb.target * 1000);
  }

  // 'webcodecs' | 'wasm' | 'pcm' | null: what decodes this stream.
  get path() {
    if (!this.format) return null;
    if (this.format.codec !== 'opus') return 'pcm';
    if (this.decoder instanceof WasmDecoder || this.loading) return 'wasm';
    return this.decoder ? 'webcodecs' : null;
  }

  // Seconds of audio scheduled ahead of the play head.
  get lead() { return this.nextTime ? Math.max(0, this.nextTime - this.ctx.currentTime) : 0; }

  // Playing now: a frame went to the speakers lately and more is queued.
  get playing() { return performance.now() - this.lastScheduledAt < 600 && this.nextTime > this.ctx.currentTime; }

  setTarget(t) {
    this.jb.target = Math.min(this.jb.max, Math.max(this.jb.min, t));
    this.stats.targetMs = Math.round(this.jb.target * 1000);
  }

  // Start afresh at live with the next frame (a new speaker, a gap, a path switch).
  reset() { this.nextTime = 0; }

  closeDecoder() {
    if (this.decoder) this.decoder.close();
    this.decoder = null;
    this.loading = false;
  }

  close() {
    this.gen++;
    this.closeDecoder();
    this.reset();
  }

  // Which way Opus is decoded: WebCodecs where it can (unless forced to wasm), then
  // WebAssembly, then nothing (the page's own last resort).
  chooseOpusPath() {
    if (!this.opusPath) {
      this.opusPath = (async () => {
        if (this.forced !== 'wasm' && await webCodecsOpus(this.format)) return 'webcodecs';
        if (typeof WebAssembly === 'object') return 'wasm';
        return 'player';
      })();
    }
    return this.opusPath;
  }

  // The stream's format (connected / format messages); null when unknown. A fresh decoder.
  async setFormat(f) {
    this.closeDecoder();
    this.format = f || null;
    const gen = ++this.gen;
    this.stats.codec = this.format ? this.format.codec : null;
    if (this.format && this.format.codec === 'opus') {
      const path = await this.chooseOpusPath();
      if (gen !== this.gen) return;
      this.openDecoder(path, gen);
    }
  }

  openDecoder(path, gen) {
    if (path === 'player') { this.onFallback('no Opus decoder'); return; }
    if (path === 'webcodecs') {
      try {
        this.decoder = new WebCodecsDecoder(this.ctx, this.format, (b, m) => this.onBuffer(b, m), (e) => this.onWebCodecsError(e));
        return;
      } catch (e) {
        console.warn('WebCodecs decoder', e);
        this.opusPath = Promise.resolve('wasm');
      }
    }
    this.loading = true;
    loadWasmOpus().then((OpusDecoder) => {
      if (gen !== this.gen) return null;
      this.decoder = new WasmDecoder(this.ctx, OpusDecoder, this.format, (b, m) => this.onBuffer(b, m), this.stats);
      return this.decoder.whenReady;
    }).then(() => {
      if (gen !== this.gen) return;
      this.loading = false;
      this.onChange();
    }, (e) => {
      if (gen !== this.gen) return;
      console.warn('the WebAssembly decoder', e);
      this.loading = false;
      this.opusPath = Promise.resolve('player');
      this.onFallback('no WebAssembly');
    });
  }

  // A decoder error: start a new one. Three within 10 s: WebCodecs does not work here, use wasm.
  onWebCodecsError(e) {
    this.stats.decodeErrors++;
    console.warn('decoder', e);
    const now = performance.now();
    this.webCodecsFailures = this.webCodecsFailures.filter((t) => now - t < 10000).concat(now);
    if (this.webCodecsFailures.length >= 3) this.opusPath = Promise.resolve('wasm');
    this.setFormat(this.format).then(() => this.onChange());
  }

  // {"type":"mark"}: the next binary frame was captured at msg.t.
  mark(msg) {
    msg.arrivedAt = Date.now();
    this.pendingMark = msg;
  }

  // A binary frame from the server.
  push(bytes) {
    this.stats.framesReceived++;
    this.lastReceivedAt = performance.now();
    const mark = this.pendingMark;
    this.pendingMark = null;
    if (!this.format || !this.enabled) return;
    // Autoplay blocked (or iOS interrupted the context): nothing could be heard, so decode nothing
    // either (a phone's battery); playback starts fresh at live after the tap.
    if (this.ctx.state !== 'running') { this.stats.dropped++; return; }
    if (this.format.codec === 'opus') {
      if (!this.decoder || !this.decoder.ready) { this.stats.dropped++; return; }
      if (this.decoder.backlog > 25) { this.stats.dropped++; return; } // decoder starved of CPU: stay live
      try {
        this.decoder.decode(bytes, mark);
      } catch (e) {
        this.stats.decodeErrors++;
        console.warn('decode', e);
      }
      return;
    }
    this.onBuffer(pcmBuffer(this.ctx, this.format, bytes), mark);
  }

  // Every decoded frame, whichever decoder made it, comes through here.
  onBuffer(buffer, mark) {
    if (!buffer) return;
    this.stats.framesDecoded++;
    this.schedule(buffer, mark);
  }

  schedule(buffer, mark) {
    const { jb, stats, ctx } = this;
    const nowPerf = performance.now();
    const flowing = nowPerf - this.lastArrival < 1000;
    this.lastArrival = nowPerf;
    if (!this.enabled) return;
    if (ctx.state !== 'running') { stats.dropped++; return; } // not audible yet: stay live
    const now = ctx.currentTime;
    let lead = this.nextTime - now;
    if (this.nextTime === 0 || lead < 0.003) {
      if (this.nextTime !== 0 && flowing) { // ran dry mid-stream: a real underrun, buffer more
        stats.underruns++;
        jb.lastUnderrunAt = nowPerf;
        this.setTarget(jb.target + 0.02);
      }
      this.nextTime = now + jb.target;
      lead = jb.target;
    } else if (lead > jb.target + Math.max(0.08, jb.target)) {
      // Far behind live (a stall, then a burst): drop frames until we are back near the target.
      stats.catchups++;
      stats.dropped++;
      return;
    }
    // Calm for 10 s: try a smaller margin again.
    if (nowPerf - jb.lastUnderrunAt > 10000 && nowPerf - jb.lastShrinkAt > 10000) {
      jb.lastShrinkAt = nowPerf;
      this.setTarget(jb.target - 0.005);
    }
    if (this.trim(lead, buffer.duration, nowPerf, mark)) return;
    const src = ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.output);
    src.start(this.nextTime);
    if (mark) this.reportMark(mark, this.nextTime);
    this.nextTime += buffer.duration;
    stats.framesScheduled++;
    stats.leadMs = Math.round(lead * 1000);
    this.lastScheduledAt = nowPerf;
    if (stats.state !== 'live') this.onChange();
  }

  // Every frame of the last second had this much more than the target ahead of it: drop that
  // many whole frames (rounded; one per arrival) to come back towards live. The audio clock
  // falls behind when the device stalls; this is what keeps the delay from creeping up.
  trim(lead, frameSeconds, nowPerf, mark) {
    const jb = this.jb;
    jb.windowMinLead = Math.min(jb.windowMinLead, lead);
    if (nowPerf - jb.windowStart > 1000) {
      jb.trimBudget = Math.max(0, Math.round((jb.windowMinLead - jb.target) / frameSeconds));
      jb.windowStart = nowPerf;
      jb.windowMinLead = Infinity;
    }
    if (jb.trimBudget > 0 && !mark) {
      jb.trimBudget--;
      this.stats.trims++;
      this.stats.dropped++;
      return true;
    }
    return false;
  }

  // The page-clock wall time (ms) at which context time `t` reaches the speakers.
  playWallMs(t) {
    const ctx = this.ctx;
    const ts = ctx.getOutputTimestamp ? ctx.getOutputTimestamp() : null;
    const perfToWall = Date.now() - performance.now();
    if (ts && ts.performanceTime) return perfToWall + ts.performanceTime + (t - ts.contextTime) * 1000;
    return Date.now() + (t - ctx.currentTime + (ctx.outputLatency || ctx.baseLatency || 0)) * 1000;
  }

  reportMark(mark, when) {
    // mark.t: capture time of the frame's first sample on the speaker's clock (the server's, for
    // the control room's own microphone); translate it to ours with the measured offset.
    const stats = this.stats;
    const play = this.playWallMs(when);
    const captured = mark.t - (this.clock ? this.clock.offsetMs : 0);
    const delay = play - captured;
    const now = Date.now();
    // Where the delay goes: to arrival (capture, server, network), decoding, then the buffer
    // ahead of the play head and the output device.
    stats.marks.push({ id: mark.id, t: mark.t, play, delayMs: delay, arrivalMs: mark.arrivedAt - captured,
      decodeMs: now - mark.arrivedAt, aheadMs: (when - this.ctx.currentTime) * 1000,
      outputMs: play - now - (when - this.ctx.currentTime) * 1000 });
    if (stats.marks.length > 2000) stats.marks.shift();
    stats.delayMs = Math.round(delay);
    stats.delayKind = 'measured';
    this.lastMarkAt = performance.now();
  }

  // Without recent marks: the delay as far as this page can tell (half the round trip, the
  // buffer, the output, one frame), or null.
  estimateDelayMs() {
    if (!this.nextTime || !this.clock || this.clock.rttMs === null) return null;
    const out = (this.ctx.outputLatency || this.ctx.baseLatency || 0) * 1000;
    return Math.round(this.clock.rttMs / 2 + this.lead * 1000 + out + (this.format ? this.format.frame_ms || 20 : 20));
  }
}

// The counters a receiver keeps, for a page's stats object.
export function receiverStats() {
  return { framesReceived: 0, framesDecoded: 0, framesScheduled: 0, underruns: 0, catchups: 0, trims: 0, dropped: 0,
    decodeErrors: 0, targetMs: 30, leadMs: 0, delayMs: null, delayKind: null, codec: null, marks: [],
    decodeCalls: 0, decodeMsTotal: 0 };
}

// PCM: s16le or f32le, interleaved, into an AudioBuffer (null when empty).
function pcmBuffer(ctx, format, bytes) {
  const ch = format.channels || 1;
  const rate = format.sample_rate || 48000;
  const f32 = format.sample_format === 'f32le';
  const samples = f32 ? new Float32Array(bytes) : new Int16Array(bytes, 0, bytes.byteLength >> 1);
  const frames = Math.floor(samples.length / ch);
  if (!frames) return null;
  const buffer = ctx.createBuffer(ch, frames, rate);
  for (let c = 0; c < ch; c++) {
    const out = buffer.getChannelData(c);
    for (let i = 0; i < frames; i++) out[i] = f32 ? samples[i * ch + c] : samples[i * ch + c] / 32768;
  }
  return buffer;
}

// An AudioContext for playback, or null in a browser without Web Audio (or one that refuses a
// context): Web Audio is there in every current browser, secure context or not.
export function createPlaybackContext() {
  const AC = window.AudioContext || window.webkitAudioContext;
  if (!AC) return null;
  try { return new AC({ latencyHint: 'interactive', sampleRate: 48000 }); } catch (_) { /* options unsupported */ }
  try { return new AC(); } catch (_) { return null; }
}

// Peak and RMS of what plays through `analyser` right now (for a meter and for tests).
export function outputLevel(analyser, buf) {
  analyser.getFloatTimeDomainData(buf);
  let peak = 0;
  let sum = 0;
  for (let i = 0; i < buf.length; i++) { const v = buf[i]; peak = Math.max(peak, Math.abs(v)); sum += v * v; }
  return { peak, rms: Math.sqrt(sum / buf.length) };
}

// Opus decoders for the listener page, one interface for both: decode(bytes, mark) hands each
// decoded frame as an AudioBuffer to onBuffer(buffer, mark), in order.
//  - WebCodecs AudioDecoder: the browser's own libopus, off the main thread. Only in secure
//    contexts (https, localhost) of browsers that have it.
//  - WebAssembly: the vendored opus-decoder package (libopus compiled to wasm, see
//    vendor/README.md), loaded on first use, decoding synchronously on the main thread — a 20 ms
//    frame takes a fraction of a millisecond, and no worker round trip adds delay.

// Whether this browser can decode the stream's Opus with WebCodecs (isConfigSupported: some
// browsers have AudioDecoder without Opus).
export async function webCodecsOpus(format) {
  if (!('AudioDecoder' in window) || !('EncodedAudioChunk' in window)) return false;
  try {
    const r = await AudioDecoder.isConfigSupported(opusConfig(format));
    return !!(r && r.supported);
  } catch (_) {
    return false;
  }
}

function opusConfig(format) {
  return { codec: 'opus', sampleRate: (format && format.sample_rate) || 48000, numberOfChannels: (format && format.channels) || 1 };
}

export class WebCodecsDecoder {
  constructor(ctx, format, onBuffer, onError) {
    this.ctx = ctx;
    this.onBuffer = onBuffer;
    this.frameUs = Math.round(((format && format.frame_ms) || 20) * 1000);
    this.timestampUs = 0;
    this.marksByTs = new Map(); // the mark travels with the chunk's timestamp through the decoder
    this.decoder = new AudioDecoder({ output: (data) => this.output(data), error: onError });
    this.decoder.configure(opusConfig(format));
  }
  get ready() { return this.decoder.state === 'configured'; }
  // Frames waiting in the decoder: a CPU-starved page drops rather than falling behind.
  get backlog() { return this.decoder.decodeQueueSize; }
  decode(bytes, mark) {
    const ts = this.timestampUs;
    this.timestampUs += this.frameUs;
    if (mark) this.marksByTs.set(ts, mark);
    this.decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: ts, data: bytes }));
  }
  output(data) {
    const buffer = this.ctx.createBuffer(data.numberOfChannels, data.numberOfFrames, data.sampleRate);
    for (let c = 0; c < data.numberOfChannels; c++) data.copyTo(buffer.getChannelData(c), { planeIndex: c, format: 'f32-planar' });
    const mark = this.marksByTs.get(data.timestamp);
    this.marksByTs.delete(data.timestamp);
    data.close();
    this.onBuffer(buffer, mark);
  }
  close() {
    if (this.decoder.state !== 'closed') this.decoder.close();
    this.marksByTs.clear();
  }
}

// The vendored UMD bundle defines globalThis["opus-decoder"] when imported; one import per page.
let wasmModule = null;
export function loadWasmOpus() {
  if (!wasmModule) {
    wasmModule = import('./vendor/opus-decoder.min.js').then(() => {
      const lib = globalThis['opus-decoder'];
      if (!lib || typeof lib.OpusDecoder !== 'function') throw new Error('opus-decoder did not load');
      return lib.OpusDecoder;
    });
    wasmModule.catch(() => { wasmModule = null; }); // a later call may try again
  }
  return wasmModule;
}

export class WasmDecoder {
  // OpusDecoder: from loadWasmOpus(). stats: decodeCalls and decodeMsTotal are counted (the
  // main-thread CPU this path costs), decodeErrors too. whenReady: settles once the wasm runs.
  constructor(ctx, OpusDecoder, format, onBuffer, stats) {
    this.ctx = ctx;
    this.onBuffer = onBuffer;
    this.stats = stats;
    this.channels = (format && format.channels) === 2 ? 2 : 1;
    this.closed = false;
    this.isReady = false;
    // The server sends bare Opus packets, no Ogg header: the defaults for a mono or stereo
    // stream (one stream, mapping family 0).
    this.decoder = new OpusDecoder({
      channels: this.channels, streamCount: 1, coupledStreamCount: this.channels - 1,
      channelMappingTable: this.channels === 2 ? [0, 1] : [0], sampleRate: (format && format.sample_rate) || 48000,
    });
    this.whenReady = this.decoder.ready.then(() => {
      if (this.closed) { this.decoder.free(); return; }
      this.isReady = true;
    });
  }
  get ready() { return this.isReady; }
  get backlog() { return 0; } // synchronous: nothing waits
  decode(bytes, mark) {
    const t0 = performance.now();
    const r = this.decoder.decodeFrame(new Uint8Array(bytes));
    this.stats.decodeMsTotal += performance.now() - t0;
    this.stats.decodeCalls++;
    if (r.errors && r.errors.length) this.stats.decodeErrors += r.errors.length;
    if (!r.samplesDecoded) return;
    const buffer = this.ctx.createBuffer(r.channelData.length, r.samplesDecoded, r.sampleRate);
    for (let c = 0; c < r.channelData.length; c++) buffer.getChannelData(c).set(r.channelData[c].subarray(0, r.samplesDecoded));
    this.onBuffer(buffer, mark);
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.isReady) this.decoder.free();
  }
}

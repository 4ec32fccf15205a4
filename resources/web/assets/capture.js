// The microphone for the pages that speak (the speaker page, the interpreter's booth):
// getUserMedia → AudioWorklet frames (capture-worklet.js) → Opus through WebCodecs AudioEncoder,
// or PCM when the browser has no AudioEncoder. Each packet comes with the wall time its first
// sample was captured (for latency marks). Muted (a cough key), it sends silence in the same
// rhythm: listeners stay in step and the speaker keeps the stream.
// All of this exists only in secure contexts (https://, or localhost on this computer).
import { texts } from './i18n.js';

// The microphone's words (i18n.js); `defaultMic` also labels the pages' first <option>.
export const MIC_TEXT = texts('capture', {
  en: {
    defaultMic: 'Default microphone', numbered: (n) => `Microphone ${n}`,
    refused: 'Microphone access was refused. Allow it in the browser and try again.',
    cannotStart: (why) => `The microphone could not start: ${why}`, encoderFailed: (why) => `The Opus encoder failed: ${why}`,
  },
  nl: {
    defaultMic: 'Standaardmicrofoon', numbered: (n) => `Microfoon ${n}`,
    refused: 'De toegang tot de microfoon is geweigerd. Sta die toe in de browser en probeer het opnieuw.',
    cannotStart: (why) => `De microfoon kon niet starten: ${why}`, encoderFailed: (why) => `De Opus-encoder gaf een fout: ${why}`,
  },
});

export const FRAME_MS = 20;
export const RATE = 48000;
const FRAME_SAMPLES = RATE * FRAME_MS / 1000;

// On a plain-http page (a phone on http://192.168.x.y) browsers hide the microphone
// (navigator.mediaDevices is undefined), AudioWorklet and WebCodecs.
export function microphoneAvailable() {
  return !!(window.isSecureContext && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

// Fills a <select> with the microphones (labels once permission was given), keeping the choice.
export async function listMicrophones(sel) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
  const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
  const current = sel.value;
  sel.replaceChildren(new Option(MIC_TEXT.defaultMic, ''));
  devices.forEach((d, i) => { if (d.deviceId) sel.append(new Option(d.label || MIC_TEXT.numbered(i + 1), d.deviceId)); });
  sel.value = current;
}

// A readable reason for a getUserMedia / start failure.
export function microphoneError(e) {
  return e && e.name === 'NotAllowedError' ? MIC_TEXT.refused : MIC_TEXT.cannotStart(e && e.message ? e.message : e);
}

export class Microphone {
  // options: deviceId, bitrate, onPacket(bytes, capturedAtMs), onLevel(peak 0–1, muted),
  // onError(text).
  constructor(options) {
    this.options = options;
    this.media = null;
    this.ctx = null;
    this.node = null;
    this.encoder = null;
    this.codec = null;
    this.muted = false;
    this.silentFrames = 0;  // frames sent as silence while muted
  }

  // Opens the microphone; resolves with the `hello` format.
  async start() {
    const { deviceId, bitrate = 32000 } = this.options;
    this.media = await navigator.mediaDevices.getUserMedia({
      audio: { deviceId: deviceId ? { exact: deviceId } : undefined, channelCount: 1,
        echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    this.ctx = new AudioContext({ sampleRate: RATE, latencyHint: 'interactive' });
    await this.ctx.audioWorklet.addModule('/assets/capture-worklet.js');
    this.node = new AudioWorkletNode(this.ctx, 'onair-capture', { processorOptions: { frameSamples: FRAME_SAMPLES } });
    const silent = this.ctx.createGain();
    silent.gain.value = 0;
    this.ctx.createMediaStreamSource(this.media).connect(this.node);
    this.node.connect(silent).connect(this.ctx.destination); // keeps the graph pulling the worklet
    const opusConfig = { codec: 'opus', sampleRate: RATE, numberOfChannels: 1, bitrate,
      opus: { frameDuration: FRAME_MS * 1000, useinbandfec: true, packetlossperc: 5 } };
    let useOpus = 'AudioEncoder' in window;
    if (useOpus) {
      try { useOpus = (await AudioEncoder.isConfigSupported(opusConfig)).supported; } catch (_) { useOpus = false; }
    }
    this.codec = useOpus ? 'opus' : 'pcm';
    if (useOpus) {
      this.encoder = new AudioEncoder({
        output: (chunk) => {
          const bytes = new Uint8Array(chunk.byteLength);
          chunk.copyTo(bytes);
          this.options.onPacket(bytes, chunk.timestamp / 1000);
        },
        error: (e) => this.options.onError(MIC_TEXT.encoderFailed(e.message)),
      });
      this.encoder.configure(opusConfig);
    }
    this.node.port.onmessage = ({ data }) => this.onFrame(data.frame, data.peak);
    return useOpus ? { codec: 'opus', sample_rate: RATE, channels: 1, frame_ms: FRAME_MS, bitrate, fec: true }
      : { codec: 'pcm', sample_rate: RATE, channels: 1, frame_ms: FRAME_MS, sample_format: 's16le' };
  }

  onFrame(frame, peak) {
    if (this.muted) {
      frame.fill(0);
      this.silentFrames++;
    }
    if (this.options.onLevel) this.options.onLevel(this.muted ? 0 : peak, this.muted);
    // The frame's first sample was captured one frame plus the input latency ago.
    const capturedAt = Date.now() - FRAME_MS - (this.ctx.baseLatency || 0) * 1000;
    if (this.encoder) {
      if (this.encoder.encodeQueueSize > 10) return; // CPU starved: skip rather than lag
      const ad = new AudioData({ format: 'f32-planar', sampleRate: RATE, numberOfFrames: frame.length,
        numberOfChannels: 1, timestamp: Math.round(capturedAt * 1000), data: frame });
      this.encoder.encode(ad);
      ad.close();
    } else {
      const pcm = new Int16Array(frame.length);
      for (let i = 0; i < pcm.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(frame[i] * 32767)));
      this.options.onPacket(pcm.buffer, capturedAt);
    }
  }

  stop() {
    if (this.node) { this.node.port.onmessage = null; this.node.disconnect(); this.node = null; }
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
    this.encoder = null;
    if (this.ctx) { this.ctx.close(); this.ctx = null; }
    if (this.media) { this.media.getTracks().forEach((t) => t.stop()); this.media = null; }
  }
}

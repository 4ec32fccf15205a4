// Microphone capture for the speaker page: collects 128-sample render quanta into frames of
// `frameSamples` (mono, the first channel) and posts them to the page with their peak level.
class OnAirCapture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.frameSamples = (options.processorOptions && options.processorOptions.frameSamples) || 960;
    this.buf = new Float32Array(this.frameSamples);
    this.fill = 0;
  }
  process(inputs) {
    const input = inputs[0];
    if (input && input.length) {
      const ch = input[0];
      let i = 0;
      while (i < ch.length) {
        const n = Math.min(ch.length - i, this.frameSamples - this.fill);
        this.buf.set(ch.subarray(i, i + n), this.fill);
        this.fill += n;
        i += n;
        if (this.fill === this.frameSamples) {
          let peak = 0;
          for (let k = 0; k < this.buf.length; k++) peak = Math.max(peak, Math.abs(this.buf[k]));
          const frame = this.buf;
          this.port.postMessage({ frame, peak, endTime: currentTime + i / sampleRate }, [frame.buffer]);
          this.buf = new Float32Array(this.frameSamples);
          this.fill = 0;
        }
      }
    }
    return true;
  }
}
registerProcessor('onair-capture', OnAirCapture);

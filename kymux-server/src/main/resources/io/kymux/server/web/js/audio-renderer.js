// WebCodecs AudioDecoder → Web Audio, scheduled back to back with at most ~100 ms queued
// (latency over completeness: if playback falls behind, it jumps to now).
export class AudioRenderer {
  constructor(stats) {
    this.stats = stats;
    this.decoder = null;
    this.codec = null;
    this.audio = null;
    this.nextTime = 0;
  }

  configure(track) {
    if (this.decoder && this.codec === track.codec && this.decoder.state === 'configured') return;
    this.close();
    this.codec = track.codec;
    this.decoder = new AudioDecoder({
      output: (data) => this.play(data),
      error: (e) => { this.stats.errors.push(String(e)); this.decoder = null; this.codec = null; },
    });
    this.decoder.configure({ codec: track.codec, sampleRate: track.sampleRate, numberOfChannels: track.channels });
  }

  decode(msg) {
    if (msg.config || !this.decoder || this.decoder.state !== 'configured') return;
    this.decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: msg.pts, data: msg.payload }));
  }

  /** Web Audio needs a user gesture in most browsers; call from a click. */
  enable() {
    if (!this.audio) this.audio = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
    this.audio.resume();
  }

  play(data) {
    this.stats.audioFramesDecoded++;
    try {
      if (!this.audio || this.audio.state !== 'running') return;
      const buf = this.audio.createBuffer(data.numberOfChannels, data.numberOfFrames, data.sampleRate);
      for (let c = 0; c < data.numberOfChannels; c++) {
        const plane = new Float32Array(data.numberOfFrames);
        data.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
        buf.copyToChannel(plane, c);
      }
      const now = this.audio.currentTime;
      if (this.nextTime < now || this.nextTime > now + 0.1) this.nextTime = now + 0.02;
      const src = this.audio.createBufferSource();
      src.buffer = buf;
      src.connect(this.audio.destination);
      src.start(this.nextTime);
      this.nextTime += buf.duration;
    } finally {
      data.close();
    }
  }

  close() {
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.decoder = null;
    this.codec = null;
  }
}

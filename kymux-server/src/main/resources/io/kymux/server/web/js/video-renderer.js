// WebCodecs VideoDecoder → canvas. Chunks are Annex B (no description), so the config
// packet (SPS/PPS) is put in front of the first keyframe after (re)configuring.
export class VideoRenderer {
  constructor(canvas, stats) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.stats = stats;
    this.decoder = null;
    this.codec = null;
    this.config = null;
    this.needKey = true;
    this.replayUntil = -1; // PTS of the last replayed (cached, deliberately old) frame
  }

  configure(track) {
    if (this.decoder && this.codec === track.codec && this.decoder.state === 'configured') {
      // same codec, new parameters (another rendition, a new producer): its config goes in
      // front of the next keyframe, and nothing before that keyframe decodes
      this.needKey = true;
      return;
    }
    this.close();
    this.codec = track.codec;
    this.decoder = new VideoDecoder({
      output: (frame) => this.draw(frame),
      error: (e) => { this.stats.errors.push(String(e)); this.decoder = null; this.codec = null; },
    });
    this.decoder.configure({ codec: track.codec, optimizeForLatency: true });
    this.needKey = true;
    // say plainly when this browser has no decoder for the codec (H.265 without a platform
    // decoder), rather than leave the page black with a bare NotSupportedError
    const codec = track.codec;
    VideoDecoder.isConfigSupported({ codec, optimizeForLatency: true }).then((r) => {
      if (!r.supported && this.codec === codec) {
        this.stats.unsupported = `this browser cannot decode ${codec}; kymux client, or a browser that decodes it, plays this feed`;
      }
    }, () => {});
  }

  decode(msg) {
    if (msg.config) { this.config = msg.payload; return; }
    if (!this.decoder || this.decoder.state !== 'configured') return;
    if (msg.replay) this.replayUntil = Math.max(this.replayUntil, msg.pts);
    let data = msg.payload;
    if (this.needKey) {
      if (!msg.key) { this.stats.waitingForKey++; return; }
      if (this.config) {
        data = new Uint8Array(this.config.length + msg.payload.length);
        data.set(this.config, 0);
        data.set(msg.payload, this.config.length);
      }
      this.needKey = false;
    }
    this.decoder.decode(new EncodedVideoChunk({ type: msg.key ? 'key' : 'delta', timestamp: msg.pts, data }));
  }

  // Output callback: keep only the newest decoded frame and paint it on the next
  // animation frame; older ones are closed unseen (latency over completeness).
  draw(frame) {
    this.stats.videoFramesDecoded++;
    if (this.stats.firstFrameMs == null && this.stats.connectedAt != null) {
      this.stats.firstFrameMs = performance.now() - this.stats.connectedAt;
    }
    // a joiner's cached GOP is old on purpose; its frames say nothing about latency
    if (frame.timestamp > this.replayUntil) this.stats.recordLatency(Date.now() - frame.timestamp / 1000);
    if (this.pending) {
      this.pending.close();
      this.stats.framesSkipped++;
    } else {
      requestAnimationFrame(() => this.paint());
    }
    this.pending = frame;
  }

  paint() {
    const frame = this.pending;
    this.pending = null;
    if (!frame) return;
    const w = frame.displayWidth;
    const h = frame.displayHeight;
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    this.ctx.drawImage(frame, 0, 0, w, h);
    this.stats.framesPainted++;
    this.stats.displayWidth = w;
    this.stats.displayHeight = h;
    frame.close();
  }

  close() {
    if (this.pending) { this.pending.close(); this.pending = null; }
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.decoder = null;
    this.codec = null;
    this.needKey = true;
  }
}

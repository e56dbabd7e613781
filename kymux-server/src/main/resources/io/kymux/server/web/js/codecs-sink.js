// Where WebTransport and WebSocket deliver kymux's own messages: one WebCodecs
// decoder/renderer pair per track, the canvas for video.
import { VideoRenderer } from './video-renderer.js';
import { AudioRenderer } from './audio-renderer.js';

export function codecsSink(canvas, stats) {
  const video = new VideoRenderer(canvas, stats);
  const audio = new AudioRenderer(stats);
  const tracks = new Map(); // track number → { kind, renderer, lastSeq }

  function setTrack(t) {
    if (!t.kind) return; // described later, when its producer starts
    const renderer = t.kind === 'video' ? video : audio;
    renderer.configure(t);
    if (t.kind === 'video') {
      stats.rendition = `${t.feed} ${t.width}×${t.height}`;
      if (t.linkBitsPerSecond != null) stats.serverLinkBps = t.linkBitsPerSecond;
    }
    tracks.set(t.track, { kind: t.kind, renderer, lastSeq: tracks.get(t.track)?.lastSeq ?? null });
  }

  const handlers = {
    connected(transport) {
      stats.transport = transport;
      stats.connected = true;
      stats.connectedAt = performance.now();
      stats.firstFrameMs = null;
    },
    disconnected() { stats.connected = false; video.close(); audio.close(); tracks.clear(); },
    control(msg) {
      if (msg.type === 'hello') msg.tracks.forEach(setTrack);
      else if (msg.type === 'track') {
        stats.muted = stats.muted.filter((f) => f !== msg.feed);
        setTrack(msg);
      } else if (msg.type === 'mute' && !stats.muted.includes(msg.feed)) stats.muted.push(msg.feed);
      else if (msg.type === 'error') stats.errors.push(msg.message);
    },
    media(msg) {
      stats.bytesReceived += msg.payload.length;
      const t = tracks.get(msg.track);
      if (!t) return;
      if (!msg.config) {
        if (t.lastSeq != null && msg.seq > t.lastSeq + 1) stats.droppedFrames += msg.seq - t.lastSeq - 1;
        t.lastSeq = msg.seq;
      }
      t.renderer.decode(msg);
    },
  };
  return { handlers, enableAudio: () => audio.enable() };
}

// The kymux player: one decoder/renderer pair per track, fed by a transport.
// window.kymuxStats exposes what the overlay shows, for people and for tests.
import { connectWebSocket } from './websocket-transport.js';
import { playWebRtc } from './webrtc-transport.js';
import { statsReport } from './stats-report.js';
import { connectWebTransport } from './webtransport-transport.js';

const WT_FALLBACK_MS = 1000; // WebTransport gets this long before the player takes the WebSocket
import { VideoRenderer } from './video-renderer.js';
import { AudioRenderer } from './audio-renderer.js';
import { startOverlay } from './overlay.js';

const name = decodeURIComponent(location.pathname.replace(/^\/watch\//, ''));
const stats = {
  name,
  transport: 'websocket',
  connected: false,
  videoFramesDecoded: 0,
  framesPainted: 0,
  framesSkipped: 0, // decoded but replaced by a newer frame before it could be painted
  audioFramesDecoded: 0,
  droppedFrames: 0,
  waitingForKey: 0,
  latencyMs: null,
  fps: 0,
  connectedAt: null, // performance.now() when the transport opened
  firstFrameMs: null, // transport open → first decoded video frame
  errors: [],
  muted: [], // feeds the stream currently leaves out (vw mute by re-posting)
  pendingLatencies: [], // reported to the server once a second
  recordLatency(ms) {
    this.latencyMs = this.latencyMs == null ? ms : this.latencyMs * 0.9 + ms * 0.1;
    if (this.pendingLatencies.length < 1000) this.pendingLatencies.push(Math.round(ms * 10) / 10);
  },
};
window.kymuxStats = stats;

const forced = new URLSearchParams(location.search).get('transport');
if (forced === 'webrtc') {
  // the browser's own WebRTC stack decodes and renders; the overlay reads its statistics
  const el = document.getElementById('rtc');
  document.getElementById('video').hidden = true;
  el.hidden = false;
  playWebRtc(name, stats, el).catch((e) => console.error(e));
  document.addEventListener('click', () => { el.muted = false; document.getElementById('hint')?.remove(); }, { once: true });
} else {
  playCodecs(forced);
}
startOverlay(document.getElementById('overlay'), stats);

// WebTransport, or WebSocket where it is missing or blocked: kymux's own messages either
// way, decoded by WebCodecs into the canvas. ?transport= forces one.
function playCodecs(forced) {
  const video = new VideoRenderer(document.getElementById('video'), stats);
  const audio = new AudioRenderer(stats);
  const tracks = new Map(); // track number → { kind, renderer, lastSeq }

  function setTrack(t) {
    if (!t.kind) return; // described later, when its producer starts
    const renderer = t.kind === 'video' ? video : audio;
    renderer.configure(t);
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
      const t = tracks.get(msg.track);
      if (!t) return;
      if (!msg.config) {
        if (t.lastSeq != null && msg.seq > t.lastSeq + 1) stats.droppedFrames += msg.seq - t.lastSeq - 1;
        t.lastSeq = msg.seq;
      }
      t.renderer.decode(msg);
    },
  };

  let transport = null;
  async function open() {
    if (forced !== 'websocket' && typeof WebTransport !== 'undefined') {
      try {
        transport = await connectWebTransport(name, handlers, forced === 'webtransport' ? 10000 : WT_FALLBACK_MS);
        transport.closed.then(() => setTimeout(open, 1000)); // reconnect, WebTransport first again
        return;
      } catch (e) {
        stats.fallbackReason = String(e.message || e);
        if (forced === 'webtransport') { stats.errors.push(stats.fallbackReason); setTimeout(open, 1000); return; }
      }
    }
    transport = connectWebSocket(name, handlers); // reconnects by itself
  }
  open();
  setInterval(() => transport?.send(statsReport(stats)), 1000);
  // input (docs/protocol/input-events.md JSON) rides the WebTransport control stream; the
  // server takes it only from a page opened with the control token (?token=)
  window.kymuxInput = (event) => { if (stats.transport === 'webtransport') transport?.send({ type: 'input', event }); };
  if (new URLSearchParams(location.search).get('token')) {
    const canvas = document.getElementById('video');
    addEventListener('keydown', (e) => { window.kymuxInput({ type: 'key', code: e.code, down: true }); e.preventDefault(); });
    addEventListener('keyup', (e) => { window.kymuxInput({ type: 'key', code: e.code, down: false }); e.preventDefault(); });
    canvas.addEventListener('pointermove', (e) => {
      const r = canvas.getBoundingClientRect();
      window.kymuxInput({ type: 'move', x: Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)),
        y: Math.min(1, Math.max(0, (e.clientY - r.top) / r.height)) });
    });
    canvas.addEventListener('pointerdown', (e) => window.kymuxInput({ type: 'button', button: e.button, down: true }));
    canvas.addEventListener('pointerup', (e) => window.kymuxInput({ type: 'button', button: e.button, down: false }));
  }
  document.addEventListener('click', () => {
    audio.enable();
    document.getElementById('hint').remove();
  }, { once: true });
}

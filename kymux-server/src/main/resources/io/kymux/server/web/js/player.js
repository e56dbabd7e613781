// The kymux player. It walks a ladder of transports, best first: WebTransport, WebSocket
// (both decoded by WebCodecs into the canvas), then WebRTC (the browser's own stack into a
// <video>; the only one a page that is not a secure context has). A transport that shows no
// decoded frame within FIRST_FRAME_MS gives way to the next, and the overlay names each step.
// window.kymuxStats exposes what the overlay shows, for people and for tests.
import { connectWebSocket } from './websocket-transport.js';
import { playWebRtc } from './webrtc-transport.js';
import { statsReport } from './stats-report.js';
import { connectWebTransport } from './webtransport-transport.js';
import { codecsSink } from './codecs-sink.js';
import { transportLadder } from './capabilities.js';
import { streamState } from './stream-state.js';
import { overlayVisibleAtStart, startOverlay, toggleOverlayOnKey } from './overlay.js';

const FIRST_FRAME_MS = 3000; // a transport gets this long to show a decoded frame
const WT_CONNECT_MS = 1000; // a QUIC handshake takes a few round trips; longer means UDP is blocked
const ROUND_PAUSE_MS = 1000; // after every transport failed once, before trying again

const params = new URLSearchParams(location.search);
const name = decodeURIComponent(location.pathname.replace(/^\/watch\//, ''));
const stats = {
  name,
  transport: null,
  reason: null, // why this transport: the ones before it failed or do not exist here
  steps: [], // "transport: what happened", oldest first (the last 8)
  problem: null, // what the page says over the picture: no such stream, no producer, …
  connected: false,
  videoFramesDecoded: 0,
  framesPainted: 0,
  displayWidth: null, // of the last picture painted
  displayHeight: null,
  framesSkipped: 0, // decoded but replaced by a newer frame before it could be painted
  audioFramesDecoded: 0,
  droppedFrames: 0,
  waitingForKey: 0,
  latencyMs: null,
  fps: 0,
  connectedAt: null, // performance.now() when the transport opened
  firstFrameMs: null, // transport open → first decoded video frame
  errors: [],
  unsupported: null, // the codec this browser has no decoder for, said plainly
  muted: [], // feeds the stream currently leaves out (vw mute by re-posting)
  rendition: null, // the video feed delivering, "cam~360p 640×360" (a rendition set's, or the feed)
  serverLinkBps: null, // the server's link estimate when it last switched renditions
  bytesReceived: 0, // media bytes, for the link rate this page sees
  receivedBps: null,
  audioOnly: false, // audio decoded and no video: the page says "audio only"
  pendingLatencies: [], // reported to the server once a second
  recordLatency(ms) {
    this.latencyMs = this.latencyMs == null ? ms : this.latencyMs * 0.9 + ms * 0.1;
    if (this.pendingLatencies.length < 1000) this.pendingLatencies.push(Math.round(ms * 10) / 10);
  },
};
window.kymuxStats = stats;

const canvas = document.getElementById('video');
const rtcVideo = document.getElementById('rtc');
const sink = codecsSink(canvas, stats);
const ladder = transportLadder(params.get('transport'));
ladder.left.forEach((l) => step(l));
let current = null; // the open transport: { kind, send(msg), close(), closed: Promise }
let playing = false; // current has shown a decoded frame

function step(text) {
  stats.steps.push(text);
  if (stats.steps.length > 8) stats.steps.shift();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const decoded = () => stats.videoFramesDecoded + stats.audioFramesDecoded;

async function open(kind) {
  canvas.hidden = kind === 'webrtc';
  rtcVideo.hidden = kind !== 'webrtc';
  const t = kind === 'webtransport' ? await connectWebTransport(name, sink.handlers, ladder.forced ? 10000 : WT_CONNECT_MS)
    : kind === 'websocket' ? connectWebSocket(name, sink.handlers) : await playWebRtc(name, stats, rtcVideo);
  t.kind = kind;
  return t;
}

// Null once this transport decoded something; otherwise why not: FIRST_FRAME_MS passed, or it
// closed first. Time spent waiting for a producer does not count against the transport.
async function firstFrame(t, before) {
  let closed = false;
  t.closed.then(() => { closed = true; });
  let waited = 0;
  while (!closed && decoded() === before && waited < FIRST_FRAME_MS) {
    await sleep(100);
    if (stats.problem == null) waited += 100;
  }
  if (decoded() > before) return null;
  return closed ? 'closed before the first frame' : `no decoded frame within ${FIRST_FRAME_MS / 1000} s`;
}

async function play() {
  if (ladder.steps.length === 0) {
    stats.problem = `transport ${ladder.forced} cannot work here: ${ladder.left.join('; ')}`;
    return;
  }
  for (let i = 0; ; i++) {
    const kind = ladder.steps[i % ladder.steps.length];
    if (i > 0 && i % ladder.steps.length === 0) await sleep(ROUND_PAUSE_MS);
    await knownStream();
    stats.transport = kind;
    stats.reason = i % ladder.steps.length === 0 ? ladder.notes : stats.steps[stats.steps.length - 1];
    const before = decoded();
    let t;
    try {
      t = await open(kind);
    } catch (e) {
      step(`${kind}: ${e.message || e}`);
      continue;
    }
    current = t;
    const failed = await firstFrame(t, before);
    if (failed) {
      step(`${kind}: ${failed}`);
      t.close();
      current = null;
      continue;
    }
    step(`${kind}: playing`);
    playing = true;
    stats.problem = null;
    await t.closed; // until it drops: then the ladder again, best first
    playing = false;
    step(`${kind}: closed`);
    current = null;
    i = -1;
    await sleep(ROUND_PAUSE_MS);
  }
}

// Waits, bounded by nothing but the user, until the name is a stream with a live producer;
// says what it waits for meanwhile. Also checked while a transport waits for its first frame.
async function knownStream() {
  for (;;) {
    await refreshProblem();
    if (stats.problem == null) return;
    await sleep(1000);
  }
}

async function refreshProblem() {
  try {
    stats.problem = (await streamState(name)).problem;
  } catch (e) {
    stats.problem = `server unreachable (${e.message || e}); retrying`;
  }
}
setInterval(() => { if (!playing) refreshProblem(); }, 2000);

play();
const overlayEl = document.getElementById('overlay');
const storage = (() => { try { return localStorage; } catch (_) { return null; } })();
overlayEl.hidden = !overlayVisibleAtStart(params, storage);
toggleOverlayOnKey(overlayEl, !!params.get('token'), storage);
startOverlay(overlayEl, document.getElementById('problem'), stats, document.getElementById('audio-only'));
setInterval(() => { if (current && current.kind !== 'webrtc') current.send(statsReport(stats)); }, 1000);

// input (docs/protocol/input-events.md JSON) rides the WebTransport control stream; the
// server takes it only from a page opened with the control token (?token=)
window.kymuxInput = (event) => { if (stats.transport === 'webtransport') current?.send({ type: 'input', event }); };
if (params.get('token')) {
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
  sink.enableAudio();
  rtcVideo.muted = false;
  document.getElementById('hint')?.remove();
}, { once: true });

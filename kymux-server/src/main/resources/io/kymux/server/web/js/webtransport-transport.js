// WebTransport transport: the same media messages as the WebSocket, each video frame on a
// unidirectional stream of its own (so one lost packet delays only its frame; a server run
// with --webtransport-streams gop sends a GOP per stream, read the same way), audio as
// datagrams, JSON control both ways on one bidirectional stream (varint length + JSON).
// The certificate is pinned by the hashes the server publishes: no CA, no browser flags.
import { parseMediaMessage } from './media-message.js';

const DEFAULT_GIVE_UP_MS = 150; // a frame missing this long is given up, until the hello says the budget

function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function varint(bytes, at) {
  if (at >= bytes.length) return null;
  const len = 1 << (bytes[at] >> 6);
  if (at + len > bytes.length) return null;
  let v = bytes[at] & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + bytes[at + i];
  return { value: v, size: len };
}

// Varint-length-prefixed messages out of a stream's chunks; each message is handed over
// in a buffer of its own, and its bytes are joined once, when all of them are there.
function messageReader(onMessage) {
  let chunks = [];
  let size = 0;
  let need = 0; // bytes of the next whole message, 0 while its length is unknown
  return (chunk) => {
    chunks.push(chunk);
    size += chunk.length;
    while (size > 0 && size >= need) {
      const buf = chunks.length === 1 ? chunks[0] : join(chunks, size);
      const len = varint(buf, 0);
      chunks = [buf];
      if (!len) { need = size + 1; return; }
      need = len.size + len.value;
      if (size < need) return;
      onMessage(buf.slice(len.size, need));
      chunks = [buf.subarray(need)];
      size -= need;
      need = 0;
    }
  };
}

function join(chunks, size) {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

function encodeMessage(obj) {
  const json = new TextEncoder().encode(JSON.stringify(obj));
  const n = json.length;
  const head = n < 64 ? [n] : n < 16384 ? [0x40 | (n >> 8), n & 0xff]
    : [0x80 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  out.set(json, head.length);
  return out;
}

function withTimeout(promise, ms, what) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms))]);
}

// Frames of a track back in sequence order (streams finish in any order); a config
// shares the seq of the frame after it and goes first. A missing frame is waited for up to
// the session's latency budget (QUIC retransmits it meanwhile: about two round trips);
// then the track skips to a keyframe that is already here, or asks for one.
class Reorder {
  constructor(deliver, askKeyframe) {
    this.deliver = deliver;
    this.askKeyframe = askKeyframe;
    this.tracks = new Map();
    this.giveUpMs = DEFAULT_GIVE_UP_MS;
  }

  push(msg) {
    let t = this.tracks.get(msg.track);
    if (!t) this.tracks.set(msg.track, (t = { next: null, pending: new Map(), needKey: false }));
    if (msg.config && (t.next == null || msg.seq <= t.next)) { this.deliver(msg); return; }
    if (t.next != null && msg.seq < t.next) return; // given up on already
    const slot = t.pending.get(msg.seq) ?? { at: performance.now() };
    if (msg.config) slot.config = msg; else slot.frame = msg;
    t.pending.set(msg.seq, slot);
    if (t.next == null && msg.key) t.next = msg.seq;
    this.flush(t);
  }

  flush(t) {
    while (t.next != null && t.pending.has(t.next)) {
      const slot = t.pending.get(t.next);
      if (slot.config) { this.deliver(slot.config); slot.config = null; }
      if (!slot.frame) break;
      t.pending.delete(t.next);
      t.next++;
      if (t.needKey && !slot.frame.key) continue; // undecodable until the next keyframe
      t.needKey = false;
      this.deliver(slot.frame);
    }
  }

  // called every 20 ms: a gap older than giveUpMs is skipped
  tick(now) {
    for (const [track, t] of this.tracks) {
      if (t.pending.size === 0) continue;
      const oldest = Math.min(...[...t.pending.values()].map((s) => s.at));
      if (now - oldest < this.giveUpMs) continue;
      const keys = [...t.pending.entries()].filter(([, s]) => s.frame?.key).map(([seq]) => seq);
      if (keys.length > 0) {
        t.next = Math.min(...keys); // a keyframe is here: decode from it, no request needed
        for (const seq of [...t.pending.keys()]) if (seq < t.next) t.pending.delete(seq);
      } else {
        t.next = Math.min(...t.pending.keys());
        t.needKey = true;
        this.askKeyframe(track);
      }
      this.flush(t);
    }
  }
}

export async function connectWebTransport(name, handlers, timeoutMs) {
  if (typeof WebTransport === 'undefined') throw new Error('this browser has no WebTransport');
  const info = await (await fetch('/api/server', { cache: 'no-store', signal: AbortSignal.timeout(3000) })).json();
  if (!info.quic) throw new Error('this server has no QUIC (--quic-port off)');
  const serverCertificateHashes = info.quic.certificateHashes.map((h) => ({ algorithm: 'sha-256', value: hexBytes(h) }));
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  const port = params.get('quicport') ?? info.quic.port; // ?quicport=: the UDP port as forwarded, if not the server's
  const url = `https://${location.hostname}:${port}/wt/${encodeURIComponent(name)}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const wt = new WebTransport(url, { serverCertificateHashes });
  wt.closed.catch(() => {});
  try {
    await withTimeout(wt.ready, timeoutMs, 'WebTransport connect');
  } catch (e) {
    try { wt.close(); } catch (ignored) { /* already failed */ }
    throw e;
  }
  const control = await wt.createBidirectionalStream();
  const writer = control.writable.getWriter();
  const send = (obj) => writer.write(encodeMessage(obj)).catch(() => {});
  send({ type: 'hello' }); // opens the stream on the server's side
  handlers.connected('webtransport');

  // media can overtake the hello (other streams): hold it until the tracks are known
  let described = false;
  const early = [];
  const media = (m) => { if (described) handlers.media(m); else if (early.length < 600) early.push(m); };
  const reorder = new Reorder(media, (track) => send({ type: 'keyframe', track }));
  const ticker = setInterval(() => reorder.tick(performance.now()), 20);

  // each stream, control or media, is read the same way: varint length + message
  async function readMessages(readable, onMessage) {
    const reader = readable.getReader();
    const take = messageReader(onMessage);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      take(value);
    }
  }

  readMessages(control.readable, (bytes) => {
    const msg = JSON.parse(new TextDecoder().decode(bytes));
    handlers.control(msg);
    if (msg.type === 'hello' && msg.latencyBudgetMs > 0) reorder.giveUpMs = msg.latencyBudgetMs;
    if (msg.type === 'hello' && !described) {
      described = true;
      early.splice(0).forEach((m) => handlers.media(m));
    }
  }).catch(() => {});

  (async () => { // video: a stream per frame (or per GOP)
    const streams = wt.incomingUnidirectionalStreams.getReader();
    for (;;) {
      const { value: stream, done } = await streams.read();
      if (done) break;
      // a stream reset at its deadline rejects: the frames not yet whole are skipped
      readMessages(stream, (bytes) => reorder.push(parseMediaMessage(bytes.buffer))).catch(() => {});
    }
  })().catch(() => {});

  (async () => { // audio datagrams
    const reader = wt.datagrams.readable.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      media(parseMediaMessage(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)));
    }
  })().catch(() => {});

  wt.closed.finally(() => { clearInterval(ticker); handlers.disconnected(); });
  return {
    send,
    close() { wt.close(); },
    closed: wt.closed.catch(() => {}),
  };
}

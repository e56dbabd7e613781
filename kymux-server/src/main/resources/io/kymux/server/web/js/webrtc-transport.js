// WebRTC transport: WHEP (RFC 9725) with a plain RTCPeerConnection. The browser decodes
// and renders into a <video>; the statistics come from getStats(), and the latency from
// RTP timestamps, which kymux derives from the capture clock (PTS in µs since the epoch).
import { statsReport } from './stats-report.js';

const RTP_WRAP_MS = 2 ** 32 / 90; // the 90 kHz video clock wraps every ~13 h

// Resolves to { send, close, closed } once the WHEP answer is applied; throws with the
// server's words if the offer is refused (404 no such stream, 401 token, …).
export async function playWebRtc(name, stats, videoEl) {
  stats.transport = 'webrtc';
  const started = performance.now();
  const base = stats.videoFramesDecoded; // this connection's frames count on from the page's total
  const pc = new RTCPeerConnection();
  window.kymuxPeer = pc; // for tests and curious people
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const stream = new MediaStream();
  pc.ontrack = (ev) => {
    // play as soon as decoded: kymux already drops what is late, a jitter buffer only adds delay
    if ('jitterBufferTarget' in ev.receiver) ev.receiver.jitterBufferTarget = 0;
    stream.addTrack(ev.track);
    videoEl.srcObject = stream;
    videoEl.play().catch(() => {}); // muted autoplay; sound after a click
  };
  let markClosed;
  const closed = new Promise((resolve) => { markClosed = resolve; });
  pc.onconnectionstatechange = () => {
    stats.connected = pc.connectionState === 'connected';
    if (stats.connected && stats.connectedAt == null) stats.connectedAt = started;
    if (pc.connectionState === 'failed' || pc.connectionState === 'closed') markClosed();
  };
  // kymux is ICE-lite and needs none of our candidates: the offer goes out at once
  await pc.setLocalDescription(await pc.createOffer());
  const token = new URLSearchParams(location.search).get('token');
  const res = await fetch(`/whep/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: pc.localDescription.sdp,
    signal: AbortSignal.timeout(5000),
  }).catch((e) => { pc.close(); throw e; });
  if (res.status !== 201) {
    const reason = `WHEP ${res.status}: ${(await res.text()).trim()}`;
    stats.errors.push(reason);
    pc.close();
    throw new Error(reason);
  }
  const resource = res.headers.get('Location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  const leave = () => fetch(resource, { method: 'DELETE', keepalive: true }).catch(() => {});
  addEventListener('pagehide', leave);

  let lastRtp = null;
  const poll = setInterval(async () => {
    const report = await pc.getStats();
    report.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') {
        stats.videoFramesDecoded = base + (s.framesDecoded ?? 0);
        stats.droppedFrames = s.framesDropped ?? 0;
        stats.packetsLost = s.packetsLost ?? 0;
        stats.nacks = s.nackCount ?? 0;
        if (stats.firstFrameMs == null && s.framesDecoded > 0) stats.firstFrameMs = performance.now() - started;
      } else if (s.kind === 'audio') {
        stats.audioPacketsReceived = s.packetsReceived ?? 0;
        stats.audioFramesDecoded = s.packetsReceived ?? 0; // one Opus packet per RTP packet
      }
    });
    const receiver = pc.getReceivers().find((r) => r.track.kind === 'video');
    const source = receiver?.getSynchronizationSources()[0];
    if (source && source.rtpTimestamp !== lastRtp) {
      lastRtp = source.rtpTimestamp;
      // source.timestamp: when that frame reached the track, on the epoch clock (ms)
      let ms = (source.timestamp - source.rtpTimestamp / 90) % RTP_WRAP_MS;
      if (ms > RTP_WRAP_MS / 2) ms -= RTP_WRAP_MS;
      if (ms < -RTP_WRAP_MS / 2) ms += RTP_WRAP_MS;
      if (ms >= 0 && ms < 60000) stats.recordLatency(ms);
    }
  }, 250);
  const reporter = setInterval(() => {
    fetch(`${resource}/stats`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(statsReport(stats)),
    }).catch(() => {});
  }, 1000);
  closed.then(() => {
    clearInterval(poll);
    clearInterval(reporter);
    removeEventListener('pagehide', leave);
    stats.connected = false;
  });
  return {
    send() {}, // WebRTC's figures reach the server by the stats POST above
    close() {
      if (pc.connectionState === 'closed') return;
      pc.close(); // fires no state change event: say it ourselves
      leave();
      markClosed();
    },
    closed,
  };
}

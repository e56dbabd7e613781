// WebSocket transport: JSON control messages as text, media as binary messages. One
// connection; when it closes, `closed` resolves and the player decides what comes next.
import { parseMediaMessage } from './media-message.js';

export function connectWebSocket(name, handlers) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // ack=1: we acknowledge frames, so the server paces us from the first one, cached GOP included
  const ws = new WebSocket(`${scheme}//${location.host}/ws/${encodeURIComponent(name)}?ack=1`);
  ws.binaryType = 'arraybuffer';
  let opened = false;
  ws.onopen = () => { opened = true; handlers.connected('websocket'); };
  ws.onmessage = (ev) => {
    if (typeof ev.data === 'string') {
      handlers.control(JSON.parse(ev.data));
      return;
    }
    const msg = parseMediaMessage(ev.data);
    // acknowledging each frame lets the server keep no more in flight than we can take
    if (!msg.config) ws.send(`{"type":"ack","track":${msg.track},"seq":${msg.seq}}`);
    handlers.media(msg);
  };
  const closed = new Promise((resolve) => {
    ws.onclose = () => {
      if (opened) handlers.disconnected();
      resolve();
    };
  });
  return {
    send(msg) { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg)); },
    close() { ws.close(); },
    closed,
  };
}

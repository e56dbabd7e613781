// WebSocket transport: JSON control messages as text, media as binary messages.
// Reconnects every second after a close until stopped.
import { parseMediaMessage } from './media-message.js';

export function connectWebSocket(name, handlers) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // ack=1: we acknowledge frames, so the server paces us from the first one, cached GOP included
  const url = `${scheme}//${location.host}/ws/${encodeURIComponent(name)}?ack=1`;
  let ws = null;
  let stopped = false;

  function open() {
    ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => handlers.connected('websocket');
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
    ws.onclose = () => {
      handlers.disconnected();
      if (!stopped) setTimeout(open, 1000);
    };
  }
  open();
  return {
    send(msg) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg)); },
    close() { stopped = true; ws?.close(); },
  };
}

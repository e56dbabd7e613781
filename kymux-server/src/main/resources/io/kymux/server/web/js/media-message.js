// Binary media message (docs/protocol/browser-messages.md), shared by WebSocket and
// WebTransport: u8 track, u8 flags (1 key, 2 config, 4 replay), u32 seq, u64 pts µs, payload.
export const HEADER_SIZE = 14;
export const FLAG_KEY = 0x01;
export const FLAG_CONFIG = 0x02;
export const FLAG_REPLAY = 0x04;

export function parseMediaMessage(buffer) {
  if (buffer.byteLength < HEADER_SIZE) throw new Error(`media message too short: ${buffer.byteLength} bytes`);
  const v = new DataView(buffer);
  const flags = v.getUint8(1);
  return {
    track: v.getUint8(0),
    key: (flags & FLAG_KEY) !== 0,
    config: (flags & FLAG_CONFIG) !== 0,
    replay: (flags & FLAG_REPLAY) !== 0,
    seq: v.getUint32(2),
    // µs since the Unix epoch: exact in a double until the year 2255
    pts: Number(v.getBigUint64(6)),
    payload: new Uint8Array(buffer, HEADER_SIZE),
  };
}

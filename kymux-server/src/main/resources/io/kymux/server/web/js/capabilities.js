// Which transports this page can use, best first, and why the others are left out.
// WebCodecs (VideoDecoder) and WebTransport exist only in a secure context (https://, or
// http://localhost); WebRTC works on any page, so it is always the last resort.
export const ALL = ['webtransport', 'websocket', 'webrtc'];

export function transportLadder(forced) {
  const left = []; // "transport: why not"
  const codecs = typeof VideoDecoder !== 'undefined';
  let notes = null; // the one-line reason the overlay shows beside the transport
  if (!window.isSecureContext) {
    notes = `page is not a secure context; open https://${location.host}${location.pathname}${location.search} for WebTransport`;
  } else if (!codecs) {
    notes = 'this browser has no WebCodecs (VideoDecoder)';
  }
  const steps = [];
  if (codecs && typeof WebTransport !== 'undefined') steps.push('webtransport');
  else left.push(`webtransport: ${notes ?? 'this browser has no WebTransport'}`);
  if (codecs) steps.push('websocket');
  else left.push(`websocket: ${notes}`);
  steps.push('webrtc');
  if (forced && ALL.includes(forced)) {
    return { steps: steps.includes(forced) ? [forced] : [], left, notes, forced };
  }
  return { steps, left, notes, forced: null };
}

// The statistics overlay: transport and why it was chosen, fps, frames missed on the way
// (gaps in the session's sequence numbers; the server's own drops are in /api/sessions),
// glass-to-glass latency (now − capture PTS; meaningful when clocks agree), and the steps
// the player took. `problemEl` says over the picture what keeps it from playing.
//
// The overlay covers a corner of the picture: it is see-through, and `s` shows or hides it
// (Ctrl+Alt+S on a page that sends keys to the remote, where a plain `s` is typed there).
// It starts hidden on a small screen (a phone), shown elsewhere; ?stats=1 or 0 overrides,
// and the last choice is remembered.
const SMALL_SCREEN = '(max-width: 640px), (max-height: 420px)'; // a phone, upright or on its side

export function overlayVisibleAtStart(params, storage) {
  const asked = params.get('stats');
  if (asked === '1' || asked === '0') return asked === '1';
  const remembered = storage?.getItem('kymux.stats');
  if (remembered === 'shown' || remembered === 'hidden') return remembered === 'shown';
  return !matchMedia(SMALL_SCREEN).matches;
}

export function toggleOverlayOnKey(el, sendsInput, storage) {
  addEventListener('keydown', (e) => {
    const plain = !e.ctrlKey && !e.altKey && !e.metaKey;
    const wanted = sendsInput ? e.code === 'KeyS' && e.ctrlKey && e.altKey : e.code === 'KeyS' && plain;
    if (!wanted) return;
    el.hidden = !el.hidden;
    try { storage?.setItem('kymux.stats', el.hidden ? 'hidden' : 'shown'); } catch (_) { /* private mode */ }
    e.stopImmediatePropagation(); // the toggle is the page's, not the remote's
    e.preventDefault();
  }, { capture: true });
}

const mbps = (bps) => `${(bps / 1e6).toFixed(bps < 1e7 ? 2 : 0)} Mbit/s`;

// what the link carries: received here, and what the server estimated when it chose the rendition
function linkLine(stats) {
  const here = stats.receivedBps == null ? 'received –' : `received ${mbps(stats.receivedBps)}`;
  return stats.serverLinkBps == null ? here : `${here}, link ≈ ${mbps(stats.serverLinkBps)}`;
}

export function startOverlay(el, problemEl, stats, audioOnlyEl) {
  let lastFrames = 0;
  let lastBytes = 0;
  let lastTime = performance.now();
  setInterval(() => {
    const now = performance.now();
    stats.fps = Math.round(((stats.videoFramesDecoded - lastFrames) * 1000) / (now - lastTime));
    stats.receivedBps = Math.round(((stats.bytesReceived - lastBytes) * 8000) / (now - lastTime));
    lastFrames = stats.videoFramesDecoded;
    lastBytes = stats.bytesReceived;
    lastTime = now;
    const lat = stats.latencyMs == null ? '–' : `${stats.latencyMs.toFixed(0)} ms`;
    el.textContent = [
      `${stats.name} via ${stats.transport ?? '…'}${stats.connected ? '' : ' (connecting)'}`,
      ...(stats.reason ? [`why: ${stats.reason}`] : []),
      `fps ${stats.fps}   latency ${lat}`,
      ...(stats.rendition ? [`rendition ${stats.rendition}   ${linkLine(stats)}`] : []),
      `video ${stats.videoFramesDecoded}   audio ${stats.audioFramesDecoded}   dropped ${stats.droppedFrames}`,
      ...(stats.muted.length ? [`muted: ${stats.muted.join(', ')}`] : []),
      ...stats.steps.slice(-4).map((s) => `· ${s}`),
    ].join('\n');
    const problem = stats.problem ?? (stats.fps === 0 && stats.unsupported ? stats.unsupported : null)
      ?? (stats.fps === 0 && stats.errors.length ? stats.errors[stats.errors.length - 1] : null);
    problemEl.textContent = problem ?? '';
    problemEl.hidden = !problem;
    // a stream of audio alone leaves the canvas black: say so, rather than look broken
    stats.audioOnly = stats.audioFramesDecoded > 0 && stats.videoFramesDecoded === 0;
    if (audioOnlyEl) audioOnlyEl.hidden = !stats.audioOnly || !!problem;
  }, 500);
}

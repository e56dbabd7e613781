// The statistics overlay: transport and why it was chosen, fps, frames missed on the way
// (gaps in the session's sequence numbers; the server's own drops are in /api/sessions),
// glass-to-glass latency (now − capture PTS; meaningful when clocks agree), and the steps
// the player took. `problemEl` says over the picture what keeps it from playing.
export function startOverlay(el, problemEl, stats) {
  let lastFrames = 0;
  let lastTime = performance.now();
  setInterval(() => {
    const now = performance.now();
    stats.fps = Math.round(((stats.videoFramesDecoded - lastFrames) * 1000) / (now - lastTime));
    lastFrames = stats.videoFramesDecoded;
    lastTime = now;
    const lat = stats.latencyMs == null ? '–' : `${stats.latencyMs.toFixed(0)} ms`;
    el.textContent = [
      `${stats.name} via ${stats.transport ?? '…'}${stats.connected ? '' : ' (connecting)'}`,
      ...(stats.reason ? [`why: ${stats.reason}`] : []),
      `fps ${stats.fps}   latency ${lat}`,
      `video ${stats.videoFramesDecoded}   audio ${stats.audioFramesDecoded}   dropped ${stats.droppedFrames}`,
      ...(stats.muted.length ? [`muted: ${stats.muted.join(', ')}`] : []),
      ...stats.steps.slice(-4).map((s) => `· ${s}`),
    ].join('\n');
    const problem = stats.problem ?? (stats.fps === 0 && stats.errors.length ? stats.errors[stats.errors.length - 1] : null);
    problemEl.textContent = problem ?? '';
    problemEl.hidden = !problem;
  }, 500);
}

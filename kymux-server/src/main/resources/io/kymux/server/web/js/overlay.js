// The statistics overlay: transport, fps, frames missed on the way (gaps in the session's sequence numbers;
// the server's own drops are in /api/sessions),
// and glass-to-glass latency (now − capture PTS; meaningful when clocks agree).
export function startOverlay(el, stats) {
  let lastFrames = 0;
  let lastTime = performance.now();
  setInterval(() => {
    const now = performance.now();
    stats.fps = Math.round(((stats.videoFramesDecoded - lastFrames) * 1000) / (now - lastTime));
    lastFrames = stats.videoFramesDecoded;
    lastTime = now;
    const lat = stats.latencyMs == null ? '–' : `${stats.latencyMs.toFixed(0)} ms`;
    el.textContent = [
      `${stats.name} via ${stats.transport}${stats.connected ? '' : ' (reconnecting)'}`,
      `fps ${stats.fps}   latency ${lat}`,
      `video ${stats.videoFramesDecoded}   audio ${stats.audioFramesDecoded}   dropped ${stats.droppedFrames}`,
      ...(stats.muted.length ? [`muted: ${stats.muted.join(', ')}`] : []),
    ].join('\n');
  }, 500);
}

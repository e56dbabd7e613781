// What a player tells the server once a second, whatever the transport: the `stats`
// message of docs/protocol/browser-messages.md. Takes the latency samples gathered since.
export function statsReport(stats) {
  return {
    type: 'stats',
    latencyMs: stats.pendingLatencies.splice(0),
    videoFramesDecoded: stats.videoFramesDecoded,
    audioFramesDecoded: stats.audioFramesDecoded,
    droppedFrames: stats.droppedFrames,
    fps: stats.fps,
  };
}

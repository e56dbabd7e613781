// What the server knows of a stream or feed name (GET /api/feeds), so that the page can say
// "no such stream" or "waiting for a producer" instead of blaming the transport.
export async function streamState(name) {
  const res = await fetch('/api/feeds', { cache: 'no-store', signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`GET /api/feeds: ${res.status}`);
  const data = await res.json();
  const feeds = data.streams[name] ?? (data.feeds.some((f) => f.name === name) ? [name] : null);
  if (!feeds) {
    const ts = data.tsFeeds.find((f) => f.name === name);
    if (ts) {
      const why = ts.videoCodec && ts.videoCodec !== 'H.264' ? ` (${ts.videoCodec} video has no decoder in this browser)` : '';
      return { problem: `${name} is an MPEG-TS feed${why}: it plays in a jsmpeg page at ws://${location.host}/ts/${name}` };
    }
    return { problem: `no stream or feed named "${name}" on this server (yet); retrying` };
  }
  const live = data.feeds.filter((f) => feeds.includes(f.name) && f.live).map((f) => f.name);
  if (live.length === 0) {
    return { problem: feeds.length ? `waiting for a producer: ${feeds.join(', ')}` : `stream ${name} has no feeds` };
  }
  return { problem: null, live };
}

// Lists streams and feeds with links to the player; refreshes every 2 s. A feed is listed
// when it has (or had) a producer or a current stream names it: the registry also holds
// names only ever waited on (e.g. by a deleted stream), which would be rows of nothing.
const streamsEl = document.getElementById('streams');
const feedsEl = document.getElementById('feeds');

function link(name) {
  const a = document.createElement('a');
  a.href = '/watch/' + encodeURIComponent(name);
  a.textContent = name;
  return a;
}

function row(nameCell, cells) {
  const tr = document.createElement('tr');
  const td = document.createElement('td');
  td.append(...nameCell);
  tr.append(td, ...cells.map((c) => { const e = document.createElement('td'); e.textContent = c; return e; }));
  return tr;
}

// Which viewers can play a packet feed: WebRTC carries H.264 and Opus alone
function packetPlayers(f) {
  const rtc = !f.codec || f.codec.startsWith('avc1') || f.codec === 'opus';
  return rtc ? 'player, WHEP, kymux client' : 'player, kymux client';
}

function packetRow(f) {
  return row([link(f.name)], [f.live ? 'yes' : 'no', f.codec ?? '', f.width ? `${f.width}×${f.height}` : '',
    f.fps, Math.round(f.bitrate / 1000), f.viewers, packetPlayers(f)]);
}

// MPEG-TS feeds play in jsmpeg (or any WebSocket TS reader); their H.264 and AAC are packet
// feeds too, listed apart; MPEG-1 has no browser decoder but jsmpeg's
function tsRow(f) {
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  const url = document.createElement('code');
  url.textContent = scheme + location.host + '/ts/' + encodeURIComponent(f.name);
  const codec = 'MPEG-TS' + (f.videoCodec ? ' (' + f.videoCodec + ')' : '');
  const players = f.videoCodec === 'H.264' ? 'jsmpeg-style TS readers; also the packet feed ' + f.name
    : 'jsmpeg-style TS readers only';
  return row([f.name, ' ', url], [f.live ? 'yes' : 'no', codec, '', '', Math.round(f.bitrate / 1000), f.viewers, players]);
}

async function refresh() {
  try {
    const res = await fetch('/api/feeds', { cache: 'no-store' });
    const data = await res.json();
    streamsEl.replaceChildren(...Object.entries(data.streams).map(([name, feeds]) => {
      const li = document.createElement('li');
      li.append(link(name), ' — ' + feeds.join(', '));
      return li;
    }));
    if (!streamsEl.children.length) streamsEl.innerHTML = '<li>none</li>';
    const named = new Set(Object.values(data.streams).flat());
    const ts = data.tsFeeds.filter((f) => f.live || f.bytesIn > 0 || named.has(f.name));
    const tsNames = new Set(ts.filter((f) => f.live || f.bytesIn > 0).map((f) => f.name));
    const packet = data.feeds.filter((f) => f.live || f.framesIn > 0 || (named.has(f.name) && !tsNames.has(f.name)));
    const shownTs = ts.filter((f) => tsNames.has(f.name) || !packet.some((p) => p.name === f.name));
    const rows = [...packet.map((f) => [f.name, packetRow(f)]), ...shownTs.map((f) => [f.name, tsRow(f)])];
    rows.sort((a, b) => a[0].localeCompare(b[0]));
    feedsEl.replaceChildren(...rows.map(([, r]) => r));
    if (!rows.length) feedsEl.innerHTML = '<tr><td colspan="8">no feeds yet</td></tr>';
  } catch (e) {
    feedsEl.innerHTML = '<tr><td colspan="8">server unreachable, retrying…</td></tr>';
  }
}
refresh();
setInterval(refresh, 2000);

// Lists live streams and feeds with links to the player; refreshes every 2 s.
const streamsEl = document.getElementById('streams');
const feedsEl = document.getElementById('feeds');

function link(name) {
  const a = document.createElement('a');
  a.href = '/watch/' + encodeURIComponent(name);
  a.textContent = name;
  return a;
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
    feedsEl.replaceChildren(...data.feeds.map((f) => {
      const tr = document.createElement('tr');
      const cells = [f.live ? 'yes' : 'no', f.codec ?? '', f.width ? `${f.width}×${f.height}` : '',
        f.fps, Math.round(f.bitrate / 1000), f.viewers];
      const td = document.createElement('td');
      td.append(link(f.name));
      tr.append(td, ...cells.map((c) => { const e = document.createElement('td'); e.textContent = c; return e; }));
      return tr;
    }));
  } catch (e) {
    feedsEl.innerHTML = '<tr><td colspan="7">server unreachable, retrying…</td></tr>';
  }
}
refresh();
setInterval(refresh, 2000);

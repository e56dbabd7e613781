// A relay in the manner of jsmpeg's websocket-relay.js, as the peer for
// `kymux bench --transport ts --ts-ingest … --ts-watch …`: every chunk of an HTTP POST body
// goes at once to every open WebSocket, with no queue of its own beyond what the ws library
// and the kernel buffer. Needs Node and the `ws` package (npm install ws).
//
//   node kymux-bench/ts-reference-relay.js INGEST_PORT WATCH_PORT
const http = require('http');
const { WebSocketServer, WebSocket } = require('ws');

const [ingestPort, watchPort] = process.argv.slice(2).map(Number);
const viewers = new WebSocketServer({ port: watchPort, perMessageDeflate: false });

http.createServer((req, res) => {
  req.on('data', (chunk) => {
    for (const ws of viewers.clients) {
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(chunk);
      }
    }
  });
  req.on('end', () => res.end());
}).listen(ingestPort);
console.log(`reference TS relay: POST to http://127.0.0.1:${ingestPort}/, watch at ws://127.0.0.1:${watchPort}/`);

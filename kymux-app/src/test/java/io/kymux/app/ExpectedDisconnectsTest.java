package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that vanish are the normal case for a relay (a closed tab, a killed capture, a
 * scanner): `kymux demo` in its own process meets each kind of abrupt disconnect, reset
 * mid-stream, and its log stays free of warnings and traces, Netty's "reached the tail of
 * the pipeline" included, while it keeps serving.
 */
class ExpectedDisconnectsTest {

    /** Sends {@code request}, reads a little of the answer (media, for a viewer), then resets the connection. */
    private static void resetAfter(int port, String request, int readBytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (readBytes > 0) {
                s.getInputStream().readNBytes(readBytes);
            }
            s.setSoLinger(true, 0); // RST instead of FIN: a peer that is gone, not one that says goodbye
        }
    }

    private static String upgrade(String path) {
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    @Test
    void peersThatVanishLeaveNoWarningInTheServersLog(@TempDir Path dir) throws Exception {
        int port = FreePorts.tcpAndUdp();
        try (KymuxProcess demo = KymuxProcess.start("demo", "--port", Integer.toString(port), "--size", "320x240",
                "--state-dir", dir.toString(), "--control-token", "t")) {
            assertThat(demo.awaitSaid("/watch/demo", 60_000)).as("demo up; said: " + demo.said()).isTrue();
            Thread.sleep(1_000); // media flowing
            Random r = new Random(5);
            for (int round = 0; round < 3; round++) {
                resetAfter(port, upgrade("/ws/demo"), 4_000);               // a browser tab closed mid-picture
                resetAfter(port, upgrade("/ws/demo?ack=1"), 4_000);
                resetAfter(port, upgrade("/ts/demo"), 100);                 // a jsmpeg page
                resetAfter(port, upgrade("/input/demo?token=t"), 0);       // an input injector killed
                resetAfter(port, upgrade("/ingest/cam" + round), 100);      // a capture killed after its upgrade
                resetAfter(port, "POST /ingest/post" + round + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "4\r\nKY", 0);                                     // a capture killed mid-chunk
                resetAfter(port, "POST /ts/tsin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 0);
                resetAfter(port, "GET /api/feeds HTTP/1.1\r\nHost: x\r\n\r\n", 0); // a script that gave up
                resetAfter(port, "GET /watch/demo HTTP/1.1\r\nHost: x\r\n", 0);    // half a request
                byte[] hello = new byte[60]; // the start of a TLS ClientHello, then gone
                r.nextBytes(hello);
                hello[0] = 0x16;
                hello[1] = 0x03;
                hello[2] = 0x01;
                resetAfter(port, new String(hello, StandardCharsets.ISO_8859_1), 0);
            }
            Thread.sleep(1_500); // whatever the server logs about them is written by now
            String said = demo.said();
            for (String bad : List.of("reached the tail of the pipeline", "WARN", "ERROR", "Exception", "\tat ")) {
                assertThat(said).as("the server's log after peers vanished:\n" + said).doesNotContain(bad);
            }
            // and it still serves
            resetAfter(port, upgrade("/ws/demo"), 4_000);
            assertThat(demo.process.isAlive()).isTrue();
        }
    }
}

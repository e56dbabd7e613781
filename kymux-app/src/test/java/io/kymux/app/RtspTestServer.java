package io.kymux.app;

import io.kymux.capture.Capture;
import io.kymux.capture.CaptureOptions;
import io.kymux.capture.EncoderSettings;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketSink;
import io.kymux.core.packet.StreamHeader;
import io.kymux.core.h264.AnnexB;
import io.kymux.core.h264.NalType;
import io.kymux.webrtc.rtp.H264Packetizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small RTSP server for tests, as an IP camera is one: OPTIONS, DESCRIBE (SDP with the
 * SPS/PPS), SETUP (RTP interleaved on the TCP connection only), PLAY, then the live x264
 * test pattern as RTP (RFC 6184, kymux-webrtc's packetizer) in {@code $} frames. It can be
 * stopped (every connection cut) and started again on the same port, as a camera reboots.
 */
final class RtspTestServer implements AutoCloseable {

    private final int port;
    private final Capture capture;
    private final Thread captureThread;
    private final List<Viewer> playing = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile byte[] sps;
    private volatile byte[] pps;
    private volatile ServerSocket listener;
    private volatile long auSent;

    /** A connection that sent PLAY: its socket and packetizer. */
    private record Viewer(Socket socket, H264Packetizer packetizer) {
    }

    RtspTestServer(int port) throws IOException {
        this.port = port;
        capture = new Capture(CaptureOptions.testVideo(EncoderSettings.h264(320, 240, 30, 30, 400_000)), new PacketSink() {
            @Override
            public void open(StreamHeader h) {
            }

            @Override
            public void accept(MediaPacket p) {
                try {
                    if (p.config()) {
                        for (ByteBuf nal : AnnexB.nalUnits(p.payload())) {
                            if (AnnexB.nalType(nal) == NalType.SPS) {
                                sps = ByteBufUtil.getBytes(nal);
                            } else if (AnnexB.nalType(nal) == NalType.PPS) {
                                pps = ByteBufUtil.getBytes(nal);
                            }
                        }
                    } else {
                        send(p);
                    }
                } finally {
                    p.release();
                }
            }

            @Override
            public void close() {
            }
        });
        captureThread = new Thread(capture, "rtsp-test-source");
        captureThread.setDaemon(true);
        captureThread.start();
        start();
    }

    /** Listens (again) on the port. */
    void start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("127.0.0.1", port));
        listener = s;
        Thread t = new Thread(() -> accept(s), "rtsp-test-accept");
        t.setDaemon(true);
        t.start();
    }

    /** Cuts every connection and stops listening, as a camera that lost power. */
    void stop() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
        playing.clear();
    }

    String url() {
        return "rtsp://127.0.0.1:" + port + "/cam";
    }

    long accessUnitsSent() {
        return auSent;
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                sockets.add(c);
                Thread t = new Thread(() -> serve(c), "rtsp-test-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // stopped
            }
        }
    }

    private void serve(Socket c) {
        try (c) {
            c.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(c.getInputStream());
            OutputStream out = c.getOutputStream();
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return;
                }
                if (first == '$') { // the client's RTCP, interleaved: skip it
                    in.read();
                    int length = in.read() << 8 | in.read();
                    in.skipNBytes(length);
                    continue;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                String requestLine = (char) first + line(in);
                for (String l = line(in); !l.isEmpty(); l = line(in)) {
                    int colon = l.indexOf(':');
                    headers.put(l.substring(0, colon).trim().toLowerCase(), l.substring(colon + 1).trim());
                }
                String method = requestLine.split(" ")[0];
                String cseq = headers.getOrDefault("cseq", "0");
                synchronized (out) {
                    switch (method) {
                        case "OPTIONS" -> reply(out, cseq, "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER\r\n", null);
                        case "DESCRIBE" -> reply(out, cseq, "Content-Base: " + url() + "/\r\nContent-Type: application/sdp\r\n",
                                sdp());
                        case "SETUP" -> reply(out, cseq, "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: 4711\r\n", null);
                        case "PLAY" -> {
                            reply(out, cseq, "Session: 4711\r\nRange: npt=0.000-\r\n", null);
                            playing.add(new Viewer(c, new H264Packetizer(96, 0x4b594d58L, 1400, 1)));
                        }
                        case "TEARDOWN" -> {
                            reply(out, cseq, "Session: 4711\r\n", null);
                            return;
                        }
                        default -> reply(out, cseq, "Session: 4711\r\n", null); // GET_PARAMETER keep-alives
                    }
                }
            }
        } catch (IOException e) {
            // the client went away, or stop() cut it
        } finally {
            playing.removeIf(v -> v.socket() == c);
        }
    }

    private String sdp() {
        long end = System.nanoTime() + 10_000_000_000L;
        while ((sps == null || pps == null) && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        Base64.Encoder b64 = Base64.getEncoder();
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=kymux test camera\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
                + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=" + b64.encodeToString(sps) + ","
                + b64.encodeToString(pps) + "\r\na=control:track1\r\n";
    }

    private static void reply(OutputStream out, String cseq, String headers, String body) throws IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.US_ASCII);
        String head = "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\n" + headers
                + (body == null ? "" : "Content-Length: " + b.length + "\r\n") + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private void send(MediaPacket p) {
        auSent++;
        for (Viewer v : playing) {
            try {
                OutputStream out = v.socket().getOutputStream();
                synchronized (out) {
                    for (byte[] rtp : v.packetizer().packetize(p.payload(), p.ptsUs())) {
                        out.write(new byte[] {'$', 0, (byte) (rtp.length >> 8), (byte) rtp.length});
                        out.write(rtp);
                    }
                    out.flush();
                }
            } catch (IOException e) {
                playing.remove(v);
            }
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        capture.stop();
    }
}

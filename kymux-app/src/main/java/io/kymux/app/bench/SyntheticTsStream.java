package io.kymux.app.bench;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * An MPEG-TS stream shaped as vw's and jsmpeg's users push it: MPEG video PES packets on
 * PID 0x100 with PAT and PMT before each keyframe (random_access_indicator set), posted
 * as an endless chunked body, one chunk per frame. No encoder: each frame's first payload
 * carries a stamp (its number, its send instant in µs and its packet count) that
 * {@link TsBenchParser} reads at the viewer. Keyframes are 4x the average frame, as in
 * {@link SyntheticStream}.
 */
final class SyntheticTsStream implements Runnable {

    static final int VIDEO_PID = 0x100;
    static final int PMT_PID = 0x1000;
    static final int MAGIC = 0x4b594d58; // "KYMX"
    static final int STAMP_AT = 9 + 5 + 4; // PES header + PTS, then the picture's start code
    private static final int PACKET = 188;

    private final URI ingest;
    private final int fps;
    private final int gop;
    private final FrameSizes sizes;
    private final long frames;
    private final int[] continuity = new int[0x2000];
    private final java.util.concurrent.atomic.AtomicLong recordFromUs;
    private volatile long published;
    private volatile long publishedTimed;

    /** Frames stamped at or after {@code recordFromUs} are the timed ones (after warm-up). */
    SyntheticTsStream(URI ingest, long bitrate, int fps, int gop, long frames,
                      java.util.concurrent.atomic.AtomicLong recordFromUs) {
        this.ingest = ingest;
        this.recordFromUs = recordFromUs;
        this.fps = fps;
        this.gop = gop;
        this.frames = frames;
        this.sizes = FrameSizes.of(bitrate, fps, gop);
    }

    long published() {
        return published;
    }

    /** Frames published after the warm-up. */
    long publishedTimed() {
        return publishedTimed;
    }

    @Override
    public void run() {
        int port = ingest.getPort() > 0 ? ingest.getPort() : 80;
        try (Socket socket = new Socket(ingest.getHost(), port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + ingest.getRawPath() + " HTTP/1.1\r\nHost: " + ingest.getHost() + ":" + port
                    + "\r\nTransfer-Encoding: chunked\r\nContent-Type: video/mp2t\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            long period = 1_000_000_000L / fps;
            long start = System.nanoTime();
            for (long i = 0; i < frames && !Thread.currentThread().isInterrupted(); i++) {
                long wait = start + i * period - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                byte[] chunk = frame(i, i % gop == 0);
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                published = i + 1;
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (java.io.IOException e) {
            System.err.println("kymux bench: TS ingest " + ingest + " failed: " + e.getMessage());
        }
    }

    /** One frame's packets, tables first for a keyframe; stamped as the last step. */
    byte[] frame(long seq, boolean key) {
        int size = key ? sizes.key() : sizes.delta();
        byte[] es = new byte[Math.max(size, STAMP_AT + 20)];
        java.util.Arrays.fill(es, (byte) 0xab);
        byte[] pesHeader = {0, 0, 1, (byte) 0xe0, 0, 0, (byte) 0x80, (byte) 0x80, 5, 0x21, 0, 1, 0, 1};
        System.arraycopy(pesHeader, 0, es, 0, pesHeader.length);
        byte[] startCode = {0, 0, 1, (byte) (key ? 0xb3 : 0x00)};
        System.arraycopy(startCode, 0, es, pesHeader.length, 4);
        int videoPackets = packetsFor(es.length, key);
        ByteBuffer out = ByteBuffer.allocate((videoPackets + (key ? 2 : 0)) * PACKET);
        if (key) {
            out.put(table(0, pat()));
            out.put(table(PMT_PID, pmt()));
        }
        long stampUs = SyntheticStream.nowUs();
        if (stampUs >= recordFromUs.get()) {
            publishedTimed++; // the publisher's thread alone writes it
        }
        ByteBuffer.wrap(es, STAMP_AT, 20).putInt(MAGIC).putInt(startCodeFree(seq)).putLong(stampUs).putInt(videoPackets);
        int at = 0;
        for (int p = 0; p < videoPackets; p++) {
            boolean first = p == 0;
            int room = PACKET - 4 - (first && key ? 2 : 0);
            int n = Math.min(room, es.length - at);
            out.put(packet(VIDEO_PID, first, first && key, es, at, n));
            at += n;
        }
        return out.array();
    }

    /**
     * The frame number, 7 bits a byte with every byte's top bit set: written plainly, frame
     * 440 is 00 00 01 B8, MPEG-1's group start code, which a relay rightly takes for a
     * keyframe (and frame 435 for a sequence header).
     */
    static int startCodeFree(long seq) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (int) (0x80 | (seq >> (7 * i) & 0x7f)) << (8 * i);
        }
        return v;
    }

    private static int packetsFor(int esLength, boolean key) {
        int first = PACKET - 4 - (key ? 2 : 0);
        return esLength <= first ? 1 : 1 + (esLength - first + PACKET - 5) / (PACKET - 4);
    }

    /** A packet; a short payload is padded with adaptation-field stuffing, as muxers do. */
    private byte[] packet(int pid, boolean unitStart, boolean randomAccess, byte[] payload, int from, int length) {
        byte[] p = new byte[PACKET];
        p[0] = 0x47;
        p[1] = (byte) ((unitStart ? 0x40 : 0) | pid >> 8);
        p[2] = (byte) pid;
        int afLength = PACKET - 4 - length - 1; // the adaptation field's length byte counts too
        boolean af = randomAccess || afLength >= 0 && length < PACKET - 4;
        p[3] = (byte) ((af ? 0x30 : 0x10) | continuity[pid]++ & 0xf);
        int at = 4;
        if (af) {
            p[4] = (byte) afLength;
            if (afLength > 0) {
                p[5] = (byte) (randomAccess ? 0x40 : 0);
                java.util.Arrays.fill(p, 6, 5 + afLength, (byte) 0xff);
            }
            at = 5 + afLength;
        }
        System.arraycopy(payload, from, p, at, length);
        return p;
    }

    private byte[] table(int pid, byte[] section) {
        byte[] payload = new byte[PACKET - 4];
        java.util.Arrays.fill(payload, (byte) 0xff);
        payload[0] = 0; // pointer_field
        System.arraycopy(section, 0, payload, 1, section.length);
        return packet(pid, true, false, payload, 0, payload.length);
    }

    private static byte[] pat() {
        return new byte[] {0x00, (byte) 0xb0, 13, 0, 1, (byte) 0xc1, 0, 0, 0, 1, (byte) (0xe0 | PMT_PID >> 8), (byte) PMT_PID,
            0, 0, 0, 0};
    }

    private static byte[] pmt() {
        return new byte[] {0x02, (byte) 0xb0, 18, 0, 1, (byte) 0xc1, 0, 0, (byte) (0xe0 | VIDEO_PID >> 8), (byte) VIDEO_PID,
            (byte) 0xf0, 0, 0x02, (byte) (0xe0 | VIDEO_PID >> 8), (byte) VIDEO_PID, (byte) 0xf0, 0, 0, 0, 0, 0};
    }
}

package io.kymux.core.ts;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Builds TS packets for tests: PAT, PMT and PES packets with the flags a grouper reads. */
final class TsBuilder {

    static final int PMT_PID = 0x1000;
    static final int VIDEO_PID = 0x100;
    static final int AUDIO_PID = 0x101;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static byte[] packet(int pid, boolean unitStart, boolean randomAccess, byte[] payload) {
        byte[] p = new byte[188];
        Arrays.fill(p, (byte) 0xff);
        p[0] = 0x47;
        p[1] = (byte) ((unitStart ? 0x40 : 0) | pid >> 8 & 0x1f);
        p[2] = (byte) pid;
        int at = 4;
        if (randomAccess) {
            p[3] = 0x30;
            p[4] = 1;
            p[5] = 0x40;
            at = 6;
        } else {
            p[3] = 0x10;
        }
        System.arraycopy(payload, 0, p, at, Math.min(payload.length, 188 - at));
        return p;
    }

    static byte[] pat(int pmtPid) {
        return packet(0, true, false, new byte[] {0, // pointer_field
                0x00, (byte) 0xb0, 13, 0, 1, (byte) 0xc1, 0, 0, // table_id .. last_section_number
                0, 1, (byte) (0xe0 | pmtPid >> 8), (byte) pmtPid, // program 1 → PMT PID
                1, 2, 3, 4}); // CRC (not checked)
    }

    /** A PMT with one stream of {@code videoType} and one audio stream (ADTS AAC). */
    static byte[] pmt(int pmtPid, int videoType) {
        return packet(pmtPid, true, false, new byte[] {0,
                0x02, (byte) 0xb0, 9 + 10 + 4, 0, 1, (byte) 0xc1, 0, 0,
                (byte) 0xe1, 0x00, (byte) 0xf0, 0, // PCR PID, program_info_length 0
                0x0f, (byte) 0xe1, 0x01, (byte) 0xf0, 0, // AAC on 0x101 first: the video is not the first stream
                (byte) videoType, (byte) 0xe1, 0x00, (byte) 0xf0, 0,
                1, 2, 3, 4});
    }

    /** The first packet of a video PES whose elementary stream starts with {@code es}. */
    static byte[] pesStart(int pid, boolean randomAccess, byte... es) {
        byte[] header = {0, 0, 1, (byte) 0xe0, 0, 0, (byte) 0x80, (byte) 0x80, 5, 0x21, 0, 1, 0, 1};
        byte[] payload = Arrays.copyOf(header, header.length + es.length);
        System.arraycopy(es, 0, payload, header.length, es.length);
        return packet(pid, true, randomAccess, payload);
    }

    static byte[] more(int pid) {
        return packet(pid, false, false, new byte[] {1, 2, 3});
    }

    TsBuilder add(byte[]... packets) {
        for (byte[] p : packets) {
            out.writeBytes(p);
        }
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static final byte[] IDR = {0, 0, 0, 1, 0x65, (byte) 0x88};
    static final byte[] NON_IDR = {0, 0, 0, 1, 0x41, (byte) 0x9a};
    static final byte[] SPS = {0, 0, 0, 1, 0x67, 0x42};
    static final byte[] MPEG_SEQUENCE = {0, 0, 1, (byte) 0xb3, 0x14};
    static final byte[] MPEG_PICTURE = {0, 0, 1, 0x00, 0x00};
}

package io.kymux.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtpHeaderTest {

    private static byte[] packet(byte[] extension) {
        ByteBuffer b = ByteBuffer.allocate(12 + (extension == null ? 0 : extension.length) + 4);
        new RtpHeader(false, 96, 1, 2, 3).write(b, extension);
        b.putInt(0xCAFEF00D);
        return b.array();
    }

    @Test
    void aOneByteElementIsFoundPastPaddingAndOtherElements() {
        // 0xBEDE, 2 words: a padding byte, id 5 with 1 byte, id 3 with 2 bytes (0x12 0x34), padding
        byte[] ext = {(byte) 0xBE, (byte) 0xDE, 0, 2, 0, 0x50, 0x77, 0x31, 0x12, 0x34, 0, 0};
        byte[] p = packet(ext);
        int at = RtpHeader.extensionOffset(p, 3, 2);
        assertThat(at).isEqualTo(12 + 8);
        assertThat(p[at]).isEqualTo((byte) 0x12);
        assertThat(RtpHeader.extensionOffset(p, 5, 1)).isEqualTo(12 + 6);
        assertThat(RtpHeader.extensionOffset(p, 5, 2)).as("shorter than asked").isEqualTo(-1);
        assertThat(RtpHeader.extensionOffset(p, 4, 1)).as("not there").isEqualTo(-1);
        assertThat(RtpHeader.extensionOffset(packet(null), 3, 2)).as("no extension").isEqualTo(-1);
    }

    @Test
    void aTwoByteElementIsFound() {
        // 0x1000, 1 word: id 3 with 2 bytes
        byte[] ext = {0x10, 0x00, 0, 1, 3, 2, (byte) 0xAB, (byte) 0xCD};
        byte[] p = packet(ext);
        assertThat(RtpHeader.extensionOffset(p, 3, 2)).isEqualTo(12 + 6);
    }

    @Test
    void whateverTheBytesNothingThrowsAndNothingPointsOutside() {
        Random r = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            byte[] p = new byte[r.nextInt(40)];
            r.nextBytes(p);
            if (p.length > 16 && r.nextBoolean()) {
                p[0] = (byte) 0x90;
                p[12] = (byte) 0xBE;
                p[13] = (byte) 0xDE;
            }
            int at = RtpHeader.extensionOffset(p, 1 + r.nextInt(14), 2);
            assertThat(at == -1 || at + 2 <= p.length).as("offset %d in %d bytes", at, p.length).isTrue();
        }
    }
}

package io.kymux.webrtc.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 5769 test vectors through kymux's STUN codec, plus round trips and fuzz. */
class StunMessageTest {

    static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

    /** RFC 5769 §2.1 sample request. */
    static final byte[] SAMPLE_REQUEST = HexFormat.of().parseHex((""
            + "00010058 2112a442 b7e7a701 bc34d686 fa87dfae"
            + "80220010 5354554e 20746573 7420636c 69656e74"
            + "00240004 6e0001ff"
            + "80290008 932ff9b1 51263b36"
            + "00060009 6576746a 3a683676 59202020"
            + "00080014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2"
            + "80280004 e57a3bcf").replace(" ", ""));

    /** RFC 5769 §2.2 sample IPv4 response. */
    static final byte[] SAMPLE_RESPONSE = HexFormat.of().parseHex((""
            + "0101003c 2112a442 b7e7a701 bc34d686 fa87dfae"
            + "8022000b 74657374 20766563 746f7220"
            + "00200008 0001a147 e112a643"
            + "00080014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7"
            + "80280004 c07d4c96").replace(" ", ""));

    @Test
    void rfc5769SampleRequestParsesAndVerifies() {
        StunMessage m = StunMessage.parse(ByteBuffer.wrap(SAMPLE_REQUEST));
        assertThat(m.type()).isEqualTo(StunMessage.BINDING_REQUEST);
        assertThat(m.attribute(StunMessage.USERNAME).orElseThrow().text()).isEqualTo("evtj:h6vY");
        assertThat(m.attribute(StunMessage.SOFTWARE).orElseThrow().text()).isEqualTo("STUN test client");
        assertThat(StunMessage.verify(ByteBuffer.wrap(SAMPLE_REQUEST), PASSWORD)).isTrue();
        assertThat(StunMessage.verify(ByteBuffer.wrap(SAMPLE_REQUEST), "wrong")).isFalse();
        byte[] tampered = SAMPLE_REQUEST.clone();
        tampered[30] ^= 1;
        assertThat(StunMessage.verify(ByteBuffer.wrap(tampered), PASSWORD)).isFalse();
    }

    @Test
    void rfc5769SampleResponseGivesItsMappedAddress() {
        StunMessage m = StunMessage.parse(ByteBuffer.wrap(SAMPLE_RESPONSE));
        assertThat(m.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
        assertThat(StunMessage.verify(ByteBuffer.wrap(SAMPLE_RESPONSE), PASSWORD)).isTrue();
        InetSocketAddress a = StunMessage.readXorMappedAddress(
                m.attribute(StunMessage.XOR_MAPPED_ADDRESS).orElseThrow().value(), m.transactionId());
        assertThat(a).isEqualTo(new InetSocketAddress("192.0.2.1", 32853));
        assertThat(StunMessage.xorMappedAddress(a, m.transactionId()))
                .isEqualTo(m.attribute(StunMessage.XOR_MAPPED_ADDRESS).orElseThrow().value());
    }

    @Test
    void encodeThenVerifyRoundTrips() {
        byte[] tid = HexFormat.of().parseHex("b7e7a701bc34d686fa87dfae");
        StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, tid, List.of(
                new StunMessage.Attribute(StunMessage.USERNAME, "evtj:h6vY".getBytes()),
                new StunMessage.Attribute(StunMessage.USE_CANDIDATE, new byte[0])));
        byte[] b = m.encode(PASSWORD);
        assertThat(StunMessage.verify(ByteBuffer.wrap(b), PASSWORD)).isTrue();
        StunMessage back = StunMessage.parse(ByteBuffer.wrap(b));
        assertThat(back.attribute(StunMessage.USERNAME).orElseThrow().text()).isEqualTo("evtj:h6vY");
        assertThat(back.attribute(StunMessage.USE_CANDIDATE)).isPresent();
        assertThat(StunMessage.looksLikeStun(ByteBuffer.wrap(b))).isTrue();
    }

    @Test
    void garbageIsRejectedClearly() {
        assertThatThrownBy(() -> StunMessage.parse(ByteBuffer.wrap(new byte[5]))).hasMessageContaining("shorter");
        Random r = new Random(5769);
        for (int i = 0; i < 50_000; i++) {
            byte[] b = new byte[r.nextInt(80)];
            r.nextBytes(b);
            if (b.length >= 20 && r.nextBoolean()) {
                b[0] = 0;
                b[4] = 0x21;
                b[5] = 0x12;
                b[6] = (byte) 0xa4;
                b[7] = 0x42;
                b[2] = 0;
                b[3] = (byte) ((b.length - 20) & ~3);
            }
            try {
                StunMessage.parse(ByteBuffer.wrap(b));
                StunMessage.verify(ByteBuffer.wrap(b), PASSWORD);
            } catch (IllegalArgumentException expected) {
                // malformed: a clear error
            }
        }
    }
}

package io.kymux.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.webrtc.stun.StunMessage;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IceLiteTest {

    final IceLite ice = new IceLite("kyMx", "a-local-password-22chars", "brWs");
    final InetSocketAddress browser = new InetSocketAddress("127.0.0.1", 50123);
    final List<IceLite.Output> out = new ArrayList<>();

    byte[] check(String user, String password, boolean useCandidate) {
        List<StunMessage.Attribute> attrs = new ArrayList<>();
        attrs.add(new StunMessage.Attribute(StunMessage.USERNAME, user.getBytes()));
        attrs.add(new StunMessage.Attribute(StunMessage.PRIORITY, new byte[] {0x6e, 0, 1, (byte) 0xff}));
        if (useCandidate) {
            attrs.add(new StunMessage.Attribute(StunMessage.USE_CANDIDATE, new byte[0]));
        }
        return new StunMessage(StunMessage.BINDING_REQUEST, new byte[12], attrs).encode(password);
    }

    @Test
    void aValidCheckIsAnsweredWithTheMappedAddressAndNominates() {
        ice.handle(ByteBuffer.wrap(check("kyMx:brWs", "a-local-password-22chars", true)), browser, 1_000, out);
        assertThat(out).hasSize(2);
        IceLite.Output.Send send = (IceLite.Output.Send) out.get(0);
        assertThat(send.to()).isEqualTo(browser);
        StunMessage r = StunMessage.parse(ByteBuffer.wrap(send.datagram()));
        assertThat(r.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
        assertThat(StunMessage.verify(ByteBuffer.wrap(send.datagram()), "a-local-password-22chars")).isTrue();
        assertThat(StunMessage.readXorMappedAddress(r.attribute(StunMessage.XOR_MAPPED_ADDRESS).orElseThrow().value(),
                r.transactionId())).isEqualTo(browser);
        assertThat(out.get(1)).isEqualTo(new IceLite.Output.Nominated(browser));
        assertThat(ice.nominated()).contains(browser);
        assertThat(ice.consentFresh(1_000 + IceLite.CONSENT_TIMEOUT_US - 1)).isTrue();
        assertThat(ice.consentFresh(1_000 + IceLite.CONSENT_TIMEOUT_US)).isFalse();
    }

    @Test
    void wrongPasswordOrUsernameGets401AndNoNomination() {
        ice.handle(ByteBuffer.wrap(check("kyMx:brWs", "not-the-password", true)), browser, 0, out);
        ice.handle(ByteBuffer.wrap(check("other:brWs", "a-local-password-22chars", true)), browser, 0, out);
        assertThat(out).hasSize(2).allSatisfy(o -> {
            StunMessage r = StunMessage.parse(ByteBuffer.wrap(((IceLite.Output.Send) o).datagram()));
            assertThat(r.type()).isEqualTo(StunMessage.BINDING_ERROR);
            byte[] code = r.attribute(StunMessage.ERROR_CODE).orElseThrow().value();
            assertThat(code[2] * 100 + code[3]).isEqualTo(401);
        });
        assertThat(ice.nominated()).isEmpty();
        assertThat(ice.rejected()).isEqualTo(2);
        assertThat(ice.consentFresh(0)).isFalse();
    }

    @Test
    void garbageIsIgnored() {
        ice.handle(ByteBuffer.wrap(new byte[] {1, 2, 3}), browser, 0, out);
        assertThat(out).isEmpty();
        assertThat(ice.rejected()).isEqualTo(1);
    }
}

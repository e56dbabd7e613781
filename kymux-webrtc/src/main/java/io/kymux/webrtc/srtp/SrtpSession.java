package io.kymux.webrtc.srtp;

import io.kymux.webrtc.dtls.SrtpKeys;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP and SRTCP for one peer over jitsi-srtp (RFC 3711 AES_CM_128_HMAC_SHA1_80, RFC 7714
 * AEAD_AES_128_GCM): protect what we send with our master key, unprotect what we receive
 * with the peer's. Per-SSRC crypto contexts keep the rollover counter and the replay
 * window; their number is bounded so a peer cannot make us derive keys without end.
 * Not thread-safe: one peer, one thread.
 */
public final class SrtpSession implements AutoCloseable {

    static {
        // the JDK's AES (AES-NI intrinsics): otherwise jitsi benchmarks every provider, JNA
        // OpenSSL included, on the first packet, which stalls whichever event loop sends it
        org.jitsi.srtp.crypto.Aes.setFactoryClassName(org.jitsi.srtp.crypto.Aes.SunJCECipherFactory.class.getName());
    }

    /** SSRCs per direction we keep contexts for (a viewer has a handful). */
    public static final int MAX_SSRCS = 16;

    /** SRTCP index (E flag + 31 bits) after the tag. */
    private static final int SRTCP_INDEX = 4;

    /** What protecting appends: the GCM tag or the 80-bit HMAC. */
    private final int tagLength;
    private final SrtpContextFactory sender;
    private final SrtpContextFactory receiver;
    private final Map<Long, SrtpCryptoContext> sendRtp = new HashMap<>();
    private final Map<Long, SrtcpCryptoContext> sendRtcp = new HashMap<>();
    private final Map<Long, SrtpCryptoContext> receiveRtp = new HashMap<>();
    private final Map<Long, SrtcpCryptoContext> receiveRtcp = new HashMap<>();

    /** A session from explicit master keys and salts (RFC 5764 profile numbers). */
    public SrtpSession(int profile, byte[] sendKey, byte[] sendSalt, byte[] receiveKey, byte[] receiveSalt) {
        this(profile, sendKey, sendSalt, receiveKey, receiveSalt, true);
    }

    /**
     * As above; {@code replayWindow} false turns off the receiver's replay check, whose
     * 64-packet window is too small for a video receiver that gets NACKed packets back
     * late (browsers use 1024). Only a receiver of RTP needs that; kymux receives RTCP.
     */
    public SrtpSession(int profile, byte[] sendKey, byte[] sendSalt, byte[] receiveKey, byte[] receiveSalt,
                       boolean replayWindow) {
        LoggerImpl logger = new LoggerImpl(SrtpSession.class.getName());
        tagLength = policy(profile).getAuthTagLength();
        sender = new SrtpContextFactory(true, sendKey, sendSalt, policy(profile), policy(profile), logger);
        SrtpPolicy receive = policy(profile);
        receive.setReceiveReplayEnabled(replayWindow);
        receiver = new SrtpContextFactory(false, receiveKey, receiveSalt, receive, policy(profile), logger);
    }

    /** The DTLS server's side: send with the server keys, receive with the client's. */
    public static SrtpSession server(SrtpKeys k) {
        return new SrtpSession(k.profile(), k.serverKey(), k.serverSalt(), k.clientKey(), k.clientSalt());
    }

    /** The DTLS client's side, a video receiver (the browser; tests play it). */
    public static SrtpSession client(SrtpKeys k) {
        return new SrtpSession(k.profile(), k.clientKey(), k.clientSalt(), k.serverKey(), k.serverSalt(), false);
    }

    static SrtpPolicy policy(int profile) {
        if (profile == SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80) {
            return new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, 16, SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, 10, 14);
        }
        if (profile == SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM) {
            return new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, 16, SrtpPolicy.NULL_AUTHENTICATION, 0, 16, 12);
        }
        throw new IllegalArgumentException("unsupported SRTP profile " + profile);
    }

    public byte[] protectRtp(byte[] rtp) throws SrtpException {
        check(rtp, 12);
        SrtpBuffer b = new SrtpBuffer(rtp, tagLength);
        SrtpCryptoContext c = context(sendRtp, ssrc(rtp, 8), s -> sender.deriveContext(s, 0));
        return result(() -> c.transformPacket(b), b, "protect RTP");
    }

    public byte[] protectRtcp(byte[] rtcp) throws SrtpException {
        check(rtcp, 8);
        SrtpBuffer b = new SrtpBuffer(rtcp, tagLength + SRTCP_INDEX);
        SrtcpCryptoContext c = context(sendRtcp, ssrc(rtcp, 4), sender::deriveControlContext);
        return result(() -> c.transformPacket(b), b, "protect RTCP");
    }

    public byte[] unprotectRtp(byte[] srtp) throws SrtpException {
        check(srtp, 12);
        SrtpBuffer b = new SrtpBuffer(srtp, 0);
        SrtpCryptoContext c = context(receiveRtp, ssrc(srtp, 8), s -> receiver.deriveContext(s, 0));
        return result(() -> c.reverseTransformPacket(b, false), b, "unprotect RTP");
    }

    public byte[] unprotectRtcp(byte[] srtcp) throws SrtpException {
        check(srtcp, 8);
        SrtpBuffer b = new SrtpBuffer(srtcp, 0);
        SrtcpCryptoContext c = context(receiveRtcp, ssrc(srtcp, 4), receiver::deriveControlContext);
        return result(() -> c.reverseTransformPacket(b), b, "unprotect RTCP");
    }

    private static void check(byte[] packet, int header) throws SrtpException {
        if (packet.length < header || (packet[0] & 0xc0) != 0x80) {
            throw new SrtpException("not an RTP/RTCP packet (" + packet.length + " bytes)");
        }
    }

    /** RTP has the SSRC at 8, RTCP (sender SSRC) at 4. */
    private static long ssrc(byte[] p, int at) {
        return ((p[at] & 0xffL) << 24) | ((p[at + 1] & 0xffL) << 16) | ((p[at + 2] & 0xffL) << 8) | (p[at + 3] & 0xffL);
    }

    private interface Derive<C> {
        C derive(int ssrc) throws GeneralSecurityException;
    }

    private interface Transform {
        SrtpErrorStatus run() throws GeneralSecurityException;
    }

    private static <C> C context(Map<Long, C> contexts, long ssrc, Derive<C> derive) throws SrtpException {
        C c = contexts.get(ssrc);
        if (c != null) {
            return c;
        }
        if (contexts.size() >= MAX_SSRCS) {
            throw new SrtpException("too many SSRCs (" + MAX_SSRCS + ")");
        }
        try {
            c = derive.derive((int) ssrc);
        } catch (GeneralSecurityException e) {
            throw new SrtpException("key derivation failed: " + e.getMessage());
        }
        contexts.put(ssrc, c);
        return c;
    }

    private static byte[] result(Transform t, SrtpBuffer b, String what) throws SrtpException {
        SrtpErrorStatus status;
        try {
            status = t.run();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new SrtpException(what + " failed: " + e);
        }
        if (status != SrtpErrorStatus.OK) {
            throw new SrtpException(what + " failed: " + status.desc);
        }
        return b.toArray();
    }

    /** Loads and exercises the crypto once, at server start, so the first viewer does not pay for it. */
    public static void warmUp() {
        byte[] key = new byte[16];
        byte[] rtp = {(byte) 0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3, 4};
        for (int profile : new int[] {SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM,
            SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80}) {
            byte[] salt = new byte[profile == SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM ? 12 : 14];
            try (SrtpSession s = new SrtpSession(profile, key, salt, key, salt)) {
                s.unprotectRtp(s.protectRtp(rtp));
            } catch (SrtpException e) {
                throw new IllegalStateException("SRTP self-test failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        sender.close();
        receiver.close();
    }
}

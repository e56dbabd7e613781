package io.kymux.webrtc.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A STUN message (RFC 8489) as ICE needs it: header, attributes, MESSAGE-INTEGRITY
 * (HMAC-SHA1 with the short-term password, through JCE) and FINGERPRINT (CRC-32 XOR
 * 0x5354554e). Sans-I/O: bytes in, bytes out. Parsing is bounded and rejects malformed
 * input with {@link IllegalArgumentException}.
 */
public record StunMessage(int type, byte[] transactionId, List<Attribute> attributes) {

    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER = 20;
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;

    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    public static final int PRIORITY = 0x0024;
    public static final int USE_CANDIDATE = 0x0025;
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;
    public static final int ICE_CONTROLLED = 0x8029;
    public static final int ICE_CONTROLLING = 0x802A;

    private static final int FINGERPRINT_XOR = 0x5354554e;

    /** One attribute: type and raw value (without padding). */
    public record Attribute(int type, byte[] value) {
        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    /** Whether these bytes look like STUN (first two bits 0, magic cookie): the demultiplexing test of RFC 7983. */
    public static boolean looksLikeStun(ByteBuffer b) {
        return b.remaining() >= HEADER && (b.get(b.position()) & 0xC0) == 0 && b.getInt(b.position() + 4) == MAGIC_COOKIE;
    }

    public Optional<Attribute> attribute(int t) {
        return attributes.stream().filter(a -> a.type() == t).findFirst();
    }

    /** Parses one message; the bytes must hold exactly it. */
    public static StunMessage parse(ByteBuffer in) {
        ByteBuffer b = in.slice();
        if (b.remaining() < HEADER) {
            throw new IllegalArgumentException("STUN message shorter than its header");
        }
        int type = b.getShort() & 0xffff;
        int length = b.getShort() & 0xffff;
        if ((type & 0xC000) != 0 || b.getInt() != MAGIC_COOKIE) {
            throw new IllegalArgumentException("not a STUN message");
        }
        if (length % 4 != 0 || length != b.remaining() - 12) {
            throw new IllegalArgumentException("STUN length " + length + " does not match " + (b.remaining() - 12) + " bytes");
        }
        byte[] tid = new byte[12];
        b.get(tid);
        List<Attribute> attrs = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 4) {
                throw new IllegalArgumentException("truncated STUN attribute header");
            }
            int at = b.getShort() & 0xffff;
            int al = b.getShort() & 0xffff;
            int padded = (al + 3) & ~3;
            if (padded > b.remaining()) {
                throw new IllegalArgumentException("STUN attribute 0x" + Integer.toHexString(at) + " overruns the message");
            }
            byte[] v = new byte[al];
            b.get(v);
            b.position(b.position() + padded - al);
            attrs.add(new Attribute(at, v));
            if (attrs.size() > 64) {
                throw new IllegalArgumentException("too many STUN attributes");
            }
        }
        return new StunMessage(type, tid, List.copyOf(attrs));
    }

    /**
     * Checks MESSAGE-INTEGRITY (with {@code password}) and FINGERPRINT over the raw bytes
     * of a message, as received. False if either is missing or wrong.
     */
    public static boolean verify(ByteBuffer raw, String password) {
        ByteBuffer b = raw.slice();
        int miOffset = -1;
        int fpOffset = -1;
        int pos = HEADER;
        while (pos + 4 <= b.limit()) {
            int at = b.getShort(pos) & 0xffff;
            int al = b.getShort(pos + 2) & 0xffff;
            if (at == MESSAGE_INTEGRITY && miOffset < 0) {
                miOffset = pos;
            } else if (at == FINGERPRINT) {
                fpOffset = pos;
            }
            pos += 4 + ((al + 3) & ~3);
        }
        if (miOffset < 0 || fpOffset < 0 || fpOffset + 8 != b.limit() || miOffset + 24 > fpOffset
                || (b.getShort(miOffset + 2) & 0xffff) != 20) {
            return false;
        }
        byte[] bytes = new byte[b.limit()];
        b.get(0, bytes);
        // FINGERPRINT: CRC over everything before it, with the length covering it
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, fpOffset);
        if (((int) crc.getValue() ^ FINGERPRINT_XOR) != b.getInt(fpOffset + 4)) {
            return false;
        }
        // MESSAGE-INTEGRITY: HMAC over everything before it, with the length ending at it
        byte[] head = Arrays.copyOf(bytes, miOffset);
        int lengthForMi = miOffset + 24 - HEADER;
        head[2] = (byte) (lengthForMi >> 8);
        head[3] = (byte) lengthForMi;
        byte[] mac = hmac(password, head);
        return MessageDigest.isEqual(mac, Arrays.copyOfRange(bytes, miOffset + 4, miOffset + 24));
    }

    /** Encodes with MESSAGE-INTEGRITY (if {@code password} is not null) and FINGERPRINT appended. */
    public byte[] encode(String password) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + attributes.stream().mapToInt(a -> 4 + ((a.value().length + 3) & ~3)).sum()
                + (password != null ? 24 : 0) + 8);
        b.putShort((short) type).putShort((short) 0).putInt(MAGIC_COOKIE).put(transactionId);
        for (Attribute a : attributes) {
            b.putShort((short) a.type()).putShort((short) a.value().length).put(a.value());
            b.position(b.position() + (((a.value().length + 3) & ~3) - a.value().length));
        }
        if (password != null) {
            int len = b.position() + 24 - HEADER;
            b.putShort(2, (short) len);
            byte[] mac = hmac(password, Arrays.copyOf(b.array(), b.position()));
            b.putShort((short) MESSAGE_INTEGRITY).putShort((short) 20).put(mac);
        }
        b.putShort(2, (short) (b.position() + 8 - HEADER));
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putShort((short) FINGERPRINT).putShort((short) 4).putInt((int) crc.getValue() ^ FINGERPRINT_XOR);
        return b.array();
    }

    private static byte[] hmac(String password, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** XOR-MAPPED-ADDRESS value for {@code address} in a message with this transaction id. */
    public static byte[] xorMappedAddress(InetSocketAddress address, byte[] transactionId) {
        byte[] ip = address.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(4 + ip.length);
        b.put((byte) 0).put((byte) (ip.length == 4 ? 1 : 2)).putShort((short) (address.getPort() ^ (MAGIC_COOKIE >>> 16)));
        byte[] key = ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transactionId).array();
        for (int i = 0; i < ip.length; i++) {
            b.put((byte) (ip[i] ^ key[i]));
        }
        return b.array();
    }

    /** The address in an XOR-MAPPED-ADDRESS value. */
    public static InetSocketAddress readXorMappedAddress(byte[] value, byte[] transactionId) {
        if (value.length != 8 && value.length != 20) {
            throw new IllegalArgumentException("bad XOR-MAPPED-ADDRESS length " + value.length);
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        b.get();
        int family = b.get();
        int port = (b.getShort() & 0xffff) ^ (MAGIC_COOKIE >>> 16);
        byte[] key = ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transactionId).array();
        byte[] ip = new byte[family == 1 ? 4 : 16];
        if (ip.length != value.length - 4) {
            throw new IllegalArgumentException("XOR-MAPPED-ADDRESS family does not match its length");
        }
        for (int i = 0; i < ip.length; i++) {
            ip[i] = (byte) (b.get() ^ key[i]);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

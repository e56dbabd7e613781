package io.kymux.webrtc.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What kymux needs from a WHEP viewer's SDP offer (RFC 8866 / JSEP): ICE credentials, the
 * DTLS fingerprint and role, and per media section its mid, direction and codecs. Only
 * the lines kymux uses are read; anything else is ignored. Bounded: at most 64 KiB and
 * 16 media sections.
 */
public record SdpOffer(String iceUfrag, String icePwd, String fingerprintAlgorithm, String fingerprint, String setup,
                       List<Media> media) {

    public static final int MAX_SIZE = 64 * 1024;

    /** One m= section; {@code extensions}: its RTP header extensions, URI to one-byte id (a=extmap). */
    public record Media(String kind, String mid, String direction, boolean rtcpMux, List<Codec> codecs,
                        Map<String, Integer> extensions) {

        /** The id the offer gives an extension, or 0 when it does not offer it. */
        public int extensionId(String uri) {
            return extensions.getOrDefault(uri, 0);
        }
    }

    /** One payload type: its rtpmap and fmtp parameters. */
    public record Codec(int payloadType, String name, int clockRate, int channels, Map<String, String> fmtp,
                        List<String> feedback) {

        public boolean isH264Mode1() {
            return name.equalsIgnoreCase("H264") && "1".equals(fmtp.get("packetization-mode"));
        }
    }

    public static SdpOffer parse(String sdp) {
        if (sdp.length() > MAX_SIZE) {
            throw new IllegalArgumentException("SDP offer over " + MAX_SIZE / 1024 + " KiB");
        }
        if (!sdp.startsWith("v=0")) {
            throw new IllegalArgumentException("not an SDP offer (it must start with v=0)");
        }
        Map<String, String> session = new HashMap<>();
        List<Map<String, String>> sectionAttrs = new ArrayList<>();
        List<String[]> sectionLines = new ArrayList<>();
        List<List<String>> sectionAll = new ArrayList<>();
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.strip();
            if (line.startsWith("m=")) {
                if (sectionAttrs.size() >= 16) {
                    throw new IllegalArgumentException("more than 16 media sections");
                }
                sectionLines.add(line.substring(2).split(" "));
                sectionAttrs.add(new HashMap<>());
                sectionAll.add(new ArrayList<>());
            } else if (line.startsWith("a=")) {
                String a = line.substring(2);
                int colon = a.indexOf(':');
                String key = colon < 0 ? a : a.substring(0, colon);
                String value = colon < 0 ? "" : a.substring(colon + 1);
                Map<String, String> target = sectionAttrs.isEmpty() ? session : sectionAttrs.get(sectionAttrs.size() - 1);
                target.putIfAbsent(key, value);
                if (!sectionAll.isEmpty()) {
                    sectionAll.get(sectionAll.size() - 1).add(a);
                }
            }
        }
        List<Media> media = new ArrayList<>();
        for (int i = 0; i < sectionLines.size(); i++) {
            String[] m = sectionLines.get(i);
            Map<String, String> attrs = sectionAttrs.get(i);
            if (m.length < 4) {
                throw new IllegalArgumentException("malformed m= line");
            }
            String direction = attrs.containsKey("recvonly") ? "recvonly" : attrs.containsKey("sendonly") ? "sendonly"
                    : attrs.containsKey("inactive") ? "inactive" : "sendrecv";
            media.add(new Media(m[0], attrs.getOrDefault("mid", Integer.toString(i)), direction,
                    attrs.containsKey("rtcp-mux"), codecs(m, sectionAll.get(i)), extensions(sectionAll.get(i))));
        }
        Map<String, String> first = sectionAttrs.isEmpty() ? Map.of() : sectionAttrs.get(0);
        String ufrag = session.getOrDefault("ice-ufrag", first.get("ice-ufrag"));
        String pwd = session.getOrDefault("ice-pwd", first.get("ice-pwd"));
        String fp = session.getOrDefault("fingerprint", first.get("fingerprint"));
        String setup = session.getOrDefault("setup", first.getOrDefault("setup", "actpass"));
        if (ufrag == null || pwd == null) {
            throw new IllegalArgumentException("the offer has no a=ice-ufrag / a=ice-pwd");
        }
        if (fp == null || !fp.contains(" ")) {
            throw new IllegalArgumentException("the offer has no a=fingerprint");
        }
        String[] f = fp.split(" ", 2);
        return new SdpOffer(ufrag, pwd, f[0].toLowerCase(Locale.ROOT), f[1].toUpperCase(Locale.ROOT), setup, List.copyOf(media));
    }

    /** a=extmap:ID[/direction] URI lines with a one-byte-header id (1-14); others are ignored. */
    private static Map<String, Integer> extensions(List<String> attrs) {
        Map<String, Integer> out = new HashMap<>();
        for (String a : attrs) {
            if (!a.startsWith("extmap:")) {
                continue;
            }
            String[] parts = a.substring("extmap:".length()).split(" ");
            if (parts.length < 2) {
                continue;
            }
            try {
                int id = Integer.parseInt(parts[0].split("/", 2)[0]);
                if (id >= 1 && id <= 14) {
                    out.putIfAbsent(parts[1], id);
                }
            } catch (NumberFormatException e) {
                // not an id: not an extension kymux can use
            }
        }
        return Map.copyOf(out);
    }

    private static List<Codec> codecs(String[] m, List<String> attrs) {
        List<Codec> out = new ArrayList<>();
        for (int i = 3; i < m.length; i++) {
            int pt;
            try {
                pt = Integer.parseInt(m[i]);
            } catch (NumberFormatException e) {
                continue; // e.g. "webrtc-datachannel"
            }
            String prefix = pt + " ";
            Optional<String> rtpmap = attrs.stream().filter(a -> a.startsWith("rtpmap:" + prefix)).findFirst();
            if (rtpmap.isEmpty()) {
                continue;
            }
            String[] enc = rtpmap.get().substring(("rtpmap:" + prefix).length()).split("/");
            Map<String, String> fmtp = new HashMap<>();
            attrs.stream().filter(a -> a.startsWith("fmtp:" + prefix)).findFirst().ifPresent(line -> {
                for (String kv : line.substring(("fmtp:" + prefix).length()).split(";")) {
                    String[] p = kv.strip().split("=", 2);
                    if (p.length == 2) {
                        fmtp.put(p[0].toLowerCase(Locale.ROOT), p[1]);
                    }
                }
            });
            List<String> fb = attrs.stream().filter(a -> a.startsWith("rtcp-fb:" + prefix))
                    .map(a -> a.substring(("rtcp-fb:" + prefix).length())).toList();
            out.add(new Codec(pt, enc[0], enc.length > 1 ? Integer.parseInt(enc[1]) : 0,
                    enc.length > 2 ? Integer.parseInt(enc[2]) : 1, Map.copyOf(fmtp), fb));
        }
        return out;
    }
}

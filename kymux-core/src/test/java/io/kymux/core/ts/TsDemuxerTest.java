package io.kymux.core.ts;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketStreamEvent;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** PES reassembly from TS packets, and H.264 PES to a packet feed's events. */
class TsDemuxerTest {

    static final int VIDEO = TsBuilder.VIDEO_PID;
    static final int AUDIO = TsBuilder.AUDIO_PID;

    /** Packets with real continuity counters; a PES's last packet is padded by its adaptation field. */
    static final class Stream {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int[] cc = new int[0x2000];

        Stream tables() {
            out.writeBytes(TsBuilder.pat(TsBuilder.PMT_PID));
            out.writeBytes(TsBuilder.pmt(TsBuilder.PMT_PID, PesPacketizer.H264));
            return this;
        }

        /** One PES of {@code es} with this PTS; {@code withLength}: PES_packet_length set, as audio has it. */
        Stream pes(int pid, long pts, boolean withLength, byte[] es) {
            byte[] header = {0, 0, 1, (byte) (pid == VIDEO ? 0xe0 : 0xc0), 0, 0, (byte) 0x80, (byte) 0x80, 5,
                    (byte) (0x21 | (pts >> 29 & 0x0e)), (byte) (pts >> 22), (byte) (pts >> 14 | 1), (byte) (pts >> 7),
                    (byte) (pts << 1 | 1)};
            if (withLength) {
                int length = 3 + 5 + es.length;
                header[4] = (byte) (length >> 8);
                header[5] = (byte) length;
            }
            byte[] all = Arrays.copyOf(header, header.length + es.length);
            System.arraycopy(es, 0, all, header.length, es.length);
            for (int at = 0; at < all.length; at += 184) {
                out.writeBytes(packet(pid, at == 0, Arrays.copyOfRange(all, at, Math.min(all.length, at + 184))));
            }
            return this;
        }

        byte[] packet(int pid, boolean start, byte[] payload) {
            byte[] p = new byte[188];
            p[0] = 0x47;
            p[1] = (byte) ((start ? 0x40 : 0) | pid >> 8 & 0x1f);
            p[2] = (byte) pid;
            int stuffing = 184 - payload.length;
            int c = cc[pid];
            cc[pid] = c + 1 & 0xf;
            if (stuffing == 0) {
                p[3] = (byte) (0x10 | c);
            } else {
                p[3] = (byte) (0x30 | c);
                p[4] = (byte) (stuffing - 1);
                if (stuffing > 1) {
                    p[5] = 0;
                    Arrays.fill(p, 6, 4 + stuffing, (byte) 0xff);
                }
            }
            System.arraycopy(payload, 0, p, 4 + stuffing, payload.length);
            return p;
        }

        ByteBuf bytes() {
            return Unpooled.wrappedBuffer(out.toByteArray());
        }
    }

    private static List<TsDemuxer.Pes> demux(TsDemuxer d, ByteBuf ts) {
        List<TsDemuxer.Pes> out = new ArrayList<>();
        d.accept(ts, out);
        ts.release();
        return out;
    }

    private static byte[] es(int size, int seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String hex(TsDemuxer.Pes p) {
        String h = ByteBufUtil.hexDump(p.payload());
        p.payload().release();
        return h;
    }

    @Test
    void aVideoPesWithoutALengthIsWholeWhenTheNextOneStarts() {
        TsDemuxer d = new TsDemuxer(UnpooledByteBufAllocator.DEFAULT, 1 << 20);
        byte[] first = es(1000, 1);
        List<TsDemuxer.Pes> out = demux(d, new Stream().tables().pes(VIDEO, 90_000, false, first).bytes());
        assertThat(out).as("its end is not known yet").isEmpty();
        Stream s = new Stream();
        s.cc[VIDEO] = 6; // 1000 + 14 bytes took six packets
        out = demux(d, s.pes(VIDEO, 93_000, false, es(10, 2)).bytes());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).pid()).isEqualTo(VIDEO);
        assertThat(out.get(0).streamType()).isEqualTo(PesPacketizer.H264);
        assertThat(out.get(0).pts90k()).isEqualTo(90_000);
        assertThat(out.get(0).dts90k()).isEqualTo(90_000);
        assertThat(hex(out.get(0))).isEqualTo(ByteBufUtil.hexDump(first));
        d.close();
    }

    @Test
    void aPesOfUnknownLengthIsHandedOutInABufferOfAboutItsOwnSize() {
        // grown by doubling while it was put together; the GOP cache holds it for seconds
        for (int size : new int[] {1000, 4100, 9000, 40_000}) {
            TsDemuxer d = new TsDemuxer(UnpooledByteBufAllocator.DEFAULT, 1 << 20);
            byte[] frame = es(size, 5);
            demux(d, new Stream().tables().pes(VIDEO, 90_000, false, frame).bytes());
            Stream s = new Stream();
            s.cc[VIDEO] = (size + 14 + 183) / 184 & 0xf; // the packets the frame took
            List<TsDemuxer.Pes> out = demux(d, s.pes(VIDEO, 93_000, false, es(10, 2)).bytes());
            assertThat(out).hasSize(1);
            assertThat(out.get(0).payload().capacity()).as("%d bytes", size).isLessThanOrEqualTo(size + size / 4);
            assertThat(hex(out.get(0))).isEqualTo(ByteBufUtil.hexDump(frame));
            d.close();
        }
    }

    @Test
    void aPesThatSaysItsLengthIsHandedOutAsSoonAsItIsWhole() {
        TsDemuxer d = new TsDemuxer(UnpooledByteBufAllocator.DEFAULT, 1 << 20);
        byte[] aac = es(400, 3);
        List<TsDemuxer.Pes> out = demux(d, new Stream().tables().pes(AUDIO, (1L << 33) - 1, true, aac).bytes());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).streamType()).isEqualTo(0x0f);
        assertThat(out.get(0).pts90k()).as("all 33 bits").isEqualTo((1L << 33) - 1);
        assertThat(hex(out.get(0))).isEqualTo(ByteBufUtil.hexDump(aac));
        d.close();
    }

    @Test
    void aContinuityGapDropsThePesItBrokeAndADuplicatePacketIsIgnored() {
        TsDemuxer d = new TsDemuxer(UnpooledByteBufAllocator.DEFAULT, 1 << 20);
        Stream s = new Stream().tables().pes(VIDEO, 0, false, es(600, 4));
        byte[] all = s.out.toByteArray();
        // lose the second video packet (index 3: PAT, PMT, first, second, ...)
        byte[] lost = new byte[all.length - 188];
        System.arraycopy(all, 0, lost, 0, 3 * 188);
        System.arraycopy(all, 4 * 188, lost, 3 * 188, all.length - 4 * 188);
        Stream next = new Stream();
        next.cc[VIDEO] = 4;
        next.pes(VIDEO, 3000, false, es(20, 5)).pes(VIDEO, 6000, false, es(20, 6));
        List<TsDemuxer.Pes> out = demux(d, Unpooled.wrappedBuffer(lost, next.out.toByteArray()));
        assertThat(out).as("the broken one is gone; the next is whole").hasSize(1);
        assertThat(out.get(0).pts90k()).isEqualTo(3000);
        hex(out.get(0));
        assertThat(d.dropped()).isEqualTo(1);

        TsDemuxer dup = new TsDemuxer(UnpooledByteBufAllocator.DEFAULT, 1 << 20);
        Stream t = new Stream().tables().pes(VIDEO, 0, false, es(300, 7));
        byte[] b = t.out.toByteArray();
        byte[] twice = new byte[b.length + 188];
        System.arraycopy(b, 0, twice, 0, 4 * 188);
        System.arraycopy(b, 3 * 188, twice, 4 * 188, b.length - 3 * 188); // packet 3 sent twice
        Stream u = new Stream();
        u.cc[VIDEO] = 2;
        out = demux(dup, Unpooled.wrappedBuffer(twice, u.pes(VIDEO, 3000, false, es(5, 8)).out.toByteArray()));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).payload().readableBytes()).isEqualTo(300);
        hex(out.get(0));
        d.close();
        dup.close();
    }

    @Test
    void aPesLongerThanTheBoundIsDroppedAndStreamsNoPmtListsAreIgnored() {
        TsDemuxer d = new TsDemuxer(UnpooledByteBufAllocator.DEFAULT, 1000);
        Stream s = new Stream().tables().pes(VIDEO, 0, false, es(5000, 9)).pes(VIDEO, 3000, false, es(10, 10))
                .pes(0x333, 0, false, es(10, 11)).pes(VIDEO, 6000, false, es(10, 12));
        List<TsDemuxer.Pes> out = demux(d, s.bytes());
        assertThat(out).extracting(TsDemuxer.Pes::pts90k).containsExactly(3000L);
        out.forEach(p -> p.payload().release());
        assertThat(d.dropped()).isEqualTo(1);
        d.close();
    }

    @Test
    void anH264StreamBecomesAFeedAtItsFirstIdrWithPtsOnTheServersClockAcrossTheWrap() {
        PesPacketizer p = new PesPacketizer(io.kymux.core.media.SourceClock.mpegTs());
        List<PacketStreamEvent> out = new ArrayList<>();
        long start = (1L << 33) - 3000; // 33 ms before the wrap
        p.accept(pes(start - 3000, TsBuilder.NON_IDR), 1_000_000, out);
        assertThat(out).as("nothing decodable before an IDR").isEmpty();
        p.accept(pes(start, cat(SPS_320x240, TsBuilder.IDR)), 5_000_000, out);
        p.accept(pes((start + 3000) & ((1L << 33) - 1), TsBuilder.NON_IDR), 5_040_000, out);
        p.accept(pes((start + 6000) & ((1L << 33) - 1), TsBuilder.NON_IDR), 5_070_000, out);
        assertThat(out.get(0)).isEqualTo(StreamHeader.video(io.kymux.core.packet.CodecId.H264, 320, 240));
        List<MediaPacket> packets = out.stream().skip(1).map(MediaPacket.class::cast).toList();
        assertThat(packets).extracting(MediaPacket::ptsUs).containsExactly(5_000_000L, 5_033_333L, 5_066_666L);
        assertThat(packets).extracting(MediaPacket::key).containsExactly(true, false, false);
        packets.forEach(MediaPacket::release);
        assertThat(p.droppedBeforeStart()).isEqualTo(1);
    }

    @Test
    void aRestartedEncodersPtsMapAnewAndPtsNeverGoBack() {
        PesPacketizer p = new PesPacketizer(io.kymux.core.media.SourceClock.mpegTs());
        List<PacketStreamEvent> out = new ArrayList<>();
        p.accept(pes(900_000, cat(SPS_320x240, TsBuilder.IDR)), 1_000_000, out);
        p.accept(pes(900_000 + 90 * 60_000, TsBuilder.NON_IDR), 1_040_000, out); // a minute on: a new encoder
        p.accept(pes(800_000, TsBuilder.NON_IDR), 1_050_000, out); // back past the last: still later
        List<MediaPacket> packets = out.stream().skip(1).map(MediaPacket.class::cast).toList();
        assertThat(packets).extracting(MediaPacket::ptsUs).containsExactly(1_000_000L, 1_040_000L, 1_050_000L);
        packets.forEach(MediaPacket::release);
    }

    /** An ADTS frame: AAC-LC, 48 kHz, stereo, {@code raw} bytes of payload. */
    static byte[] adts(int raw) {
        int length = 7 + raw;
        byte[] f = new byte[length];
        f[0] = (byte) 0xff;
        f[1] = (byte) 0xf1; // MPEG-4, layer 0, no CRC
        f[2] = (byte) (1 << 6 | 3 << 2); // profile LC (1 = object type 2), rate index 3 (48 kHz), channels bit 2 = 0
        f[3] = (byte) (2 << 6 | length >> 11 & 0x3);
        f[4] = (byte) (length >> 3);
        f[5] = (byte) ((length & 0x7) << 5 | 0x1f);
        f[6] = (byte) 0xfc;
        return f;
    }

    @Test
    void aacInAdtsBecomesOnePacketPerFrameAfterItsAudioSpecificConfig() {
        PesPacketizer p = new PesPacketizer(io.kymux.core.media.SourceClock.mpegTs());
        List<PacketStreamEvent> out = new ArrayList<>();
        byte[] three = cat(adts(100), adts(120), adts(90), new byte[] {1, 2, 3}); // a broken tail is left out
        p.accept(new TsDemuxer.Pes(AUDIO, PesPacketizer.AAC_ADTS, 90_000, 90_000, false, Unpooled.wrappedBuffer(three)),
                2_000_000, out);
        assertThat(out.get(0)).isEqualTo(StreamHeader.audio(io.kymux.core.packet.CodecId.AAC));
        MediaPacket config = (MediaPacket) out.get(1);
        assertThat(config.config()).isTrue();
        assertThat(ByteBufUtil.hexDump(config.payload())).as("AAC-LC, 48 kHz, 2 channels").isEqualTo("1190");
        assertThat(io.kymux.core.media.TrackInfos.of(StreamHeader.audio(io.kymux.core.packet.CodecId.AAC), config.payload()))
                .satisfies(t -> {
                    assertThat(t.codecString()).isEqualTo("mp4a.40.2");
                    assertThat(t.sampleRate()).isEqualTo(48000);
                    assertThat(t.channels()).isEqualTo(2);
                });
        config.release();
        List<MediaPacket> frames = out.stream().skip(2).map(MediaPacket.class::cast).toList();
        assertThat(frames).extracting(f -> f.payload().readableBytes()).containsExactly(107, 127, 97);
        assertThat(frames).extracting(MediaPacket::ptsUs).containsExactly(2_000_000L, 2_021_333L, 2_042_666L);
        assertThat(frames).allSatisfy(f -> assertThat(f.key()).isTrue());
        frames.forEach(MediaPacket::release);
    }

    @Test
    void aProgramsStreamsShareOneClock() {
        io.kymux.core.media.SourceClock clock = io.kymux.core.media.SourceClock.mpegTs();
        PesPacketizer video = new PesPacketizer(clock);
        PesPacketizer audio = new PesPacketizer(clock);
        List<PacketStreamEvent> out = new ArrayList<>();
        video.accept(pes(900_000, cat(SPS_320x240, TsBuilder.IDR)), 1_000_000, out);
        // the audio arrives 80 ms later but was stamped 20 ms after the picture
        audio.accept(new TsDemuxer.Pes(AUDIO, PesPacketizer.AAC_ADTS, 901_800, 901_800, false,
                Unpooled.wrappedBuffer(adts(50))), 1_080_000, out);
        List<MediaPacket> media = out.stream().filter(MediaPacket.class::isInstance).map(MediaPacket.class::cast)
                .filter(m -> !m.config()).toList();
        assertThat(media).extracting(MediaPacket::ptsUs).containsExactly(1_000_000L, 1_020_000L);
        out.stream().filter(MediaPacket.class::isInstance).map(MediaPacket.class::cast).forEach(MediaPacket::release);
    }

    @Test
    void randomTruncatedAndCorruptedInputHarmsNothing() {
        Random r = new Random(42);
        byte[] good = new Stream().tables().pes(VIDEO, 1000, false, cat(SPS_320x240, TsBuilder.IDR, es(3000, 13)))
                .pes(AUDIO, 1000, true, cat(adts(100), adts(80))).pes(VIDEO, 4000, false, es(2000, 15)).out.toByteArray();
        for (int round = 0; round < 2000; round++) {
            byte[] b = Arrays.copyOf(good, good.length);
            int flips = r.nextInt(20);
            for (int i = 0; i < flips; i++) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            if (round % 3 == 0) {
                new Random(round).nextBytes(b);
            }
            int cut = r.nextInt(b.length / 188 + 1) * 188;
            TsDemuxer d = new TsDemuxer(UnpooledByteBufAllocator.DEFAULT, 4096);
            PesPacketizer p = new PesPacketizer(io.kymux.core.media.SourceClock.mpegTs());
            List<PacketStreamEvent> events = new ArrayList<>();
            for (TsDemuxer.Pes pes : demux(d, Unpooled.wrappedBuffer(b, 0, cut))) {
                if (PesPacketizer.carries(pes.streamType())) {
                    p.accept(pes, round * 1000L, events);
                } else {
                    pes.payload().release();
                }
            }
            d.close();
            events.stream().filter(MediaPacket.class::isInstance).map(MediaPacket.class::cast).forEach(MediaPacket::release);
        }
    }

    /** A baseline SPS for 320x240 (profile 66, level 13). */
    static final byte[] SPS_320x240 = {0, 0, 0, 1, 0x67, 0x42, (byte) 0xc0, 0x0d, (byte) 0xda, 0x05, 0x07, (byte) 0xe8,
            0x40, 0, 0, 3, 0, 0x40, 0, 0, 0x0f, 0x03, (byte) 0xc5, 0x0a, (byte) 0xa8};

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static TsDemuxer.Pes pes(long pts, byte[] es) {
        return new TsDemuxer.Pes(VIDEO, PesPacketizer.H264, pts, pts, false, Unpooled.wrappedBuffer(es));
    }
}

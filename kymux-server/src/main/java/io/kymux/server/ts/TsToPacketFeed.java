package io.kymux.server.ts;

import io.kymux.core.feed.Feed;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.PacketStreamEvent;
import io.kymux.core.packet.StreamHeader;
import io.kymux.core.ts.PesPacketizer;
import io.kymux.core.ts.TsDemuxer;
import io.kymux.server.Kymux;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TS ingest's H.264 or H.265 video and AAC or Opus audio as packet feeds, so {@code /watch},
 * WHEP and {@code kymux client} can play what jsmpeg-style viewers get as raw TS: the TS bytes
 * are demuxed beside the relay (which stays byte-identical). The first H.264 or H.265 stream
 * the PMT lists is the packet feed of the ingest's name, from its first random-access picture;
 * the first AAC or Opus stream is {@code {name}.audio}, or the first MPEG audio (MP2)
 * stream, transcoded to Opus when the server has a transcoder. Each feed's producer slot is
 * claimed when its stream starts; if another producer holds it, that stream is relayed as TS
 * alone. Used on the ingest's loop.
 */
final class TsToPacketFeed {

    private static final Logger log = LoggerFactory.getLogger(TsToPacketFeed.class);
    /** The audio feed's name is the ingest's with this after it. */
    static final String AUDIO_SUFFIX = ".audio";

    private final Kymux kymux;
    private final String name;
    private final TsDemuxer demuxer;
    private final io.kymux.core.media.SourceClock clock = io.kymux.core.media.SourceClock.mpegTs();
    private final List<TsDemuxer.Pes> pes = new ArrayList<>();
    private final Output video;
    private final Output audio;

    /** One elementary stream carried into one packet feed. */
    private final class Output {
        final String feedName;
        final boolean isVideo;
        final PesPacketizer packetizer = new PesPacketizer(clock);
        final List<PacketStreamEvent> events = new ArrayList<>();
        int pid = -1;
        Feed feed;
        AudioTranscoder.Stream transcoding;
        /** Set before the transcoder opens: it opens the feed while it is being made. */
        boolean transcoded;
        boolean refused;

        Output(String feedName, boolean isVideo) {
            this.feedName = feedName;
            this.isVideo = isVideo;
        }

        /** Whether this output takes the PES (its PID, or the first of its kind). */
        boolean takes(TsDemuxer.Pes p) {
            boolean kind = isVideo ? p.streamType() == PesPacketizer.H264 || p.streamType() == PesPacketizer.H265
                    : p.streamType() == PesPacketizer.AAC_ADTS || p.streamType() == PesPacketizer.OPUS
                            || (mpegAudio(p.streamType()) && kymux.transcoder() != null);
            if (refused || !kind) {
                return false;
            }
            if (pid < 0) {
                pid = p.pid();
            }
            return p.pid() == pid;
        }

        void accept(TsDemuxer.Pes p, long nowUs) {
            if (mpegAudio(p.streamType())) {
                transcode(p, nowUs);
                return;
            }
            packetizer.accept(p, nowUs, events);
            for (PacketStreamEvent ev : events) {
                if (ev instanceof StreamHeader h) {
                    open(h);
                } else if (ev instanceof MediaPacket m) {
                    publish(m, nowUs);
                }
            }
            events.clear();
        }

        /** Into the feed once it is open (taking the payload either way). */
        private void publish(MediaPacket m, long nowUs) {
            if (feed != null) {
                kymux.metrics().frameIn();
                feed.publish(m, nowUs);
            } else {
                m.release();
            }
        }

        /**
         * MPEG audio through the server's transcoder into Opus packets for the feed. On the
         * ingest's loop: decoding and encoding 20 ms of audio is a fraction of a millisecond.
         */
        private void transcode(TsDemuxer.Pes p, long nowUs) {
            try {
                if (transcoding == null) {
                    transcoded = true;
                    transcoding = kymux.transcoder().open("mp2", new io.kymux.core.packet.PacketSink() {
                        @Override
                        public void open(StreamHeader h) {
                            Output.this.open(h);
                        }

                        @Override
                        public void accept(MediaPacket m) {
                            publish(m, kymux.nowUs());
                        }

                        @Override
                        public void close() {
                        }
                    });
                }
                transcoding.accept(p.payload(), packetizer.ptsUs(p, nowUs));
            } catch (RuntimeException e) { // a broken frame costs this stream's audio, not the ingest
                log.info("TS ingest {}: MPEG audio on PID {} not transcoded: {}", name, pid, e.getMessage());
                refused = true;
                if (transcoding != null) {
                    transcoding.close();
                    transcoding = null;
                }
            } finally {
                p.payload().release();
            }
        }

        private void open(StreamHeader h) {
            Kymux.FeedClaim claim = kymux.claimFeed(feedName);
            if (!claim.granted()) {
                refused = true;
                log.info("TS ingest {}: its {} is relayed as TS only: {}", name, h.codec().shortName(), claim.refusal());
                return;
            }
            feed = claim.feed();
            feed.open(h);
            feed.setKeyframeRequester(null); // a TS producer cannot be asked
            log.info("TS ingest {}: {} on PID {} is the packet feed {} too", name,
                    isVideo ? h.codec().shortName() + " " + h.width() + "x" + h.height()
                            : transcoded ? "MPEG audio transcoded to " + h.codec().shortName() : h.codec().shortName(),
                    pid, feedName);
        }

        void close() {
            if (transcoding != null) {
                transcoding.close();
                transcoding = null;
            }
            if (feed != null) {
                feed.close();
                kymux.releaseProducer(feedName);
                feed = null;
            }
        }
    }

    private static boolean mpegAudio(int streamType) {
        return streamType == PesPacketizer.MPEG1_AUDIO || streamType == PesPacketizer.MPEG2_AUDIO;
    }

    TsToPacketFeed(Kymux kymux, String name, ByteBufAllocator alloc) {
        this.kymux = kymux;
        this.name = name;
        this.demuxer = new TsDemuxer(alloc, kymux.config().maxPacketSize());
        this.video = new Output(name, true);
        this.audio = new Output(name + AUDIO_SUFFIX, false);
    }

    /** Demuxes a run of whole packets (read, not released) and publishes what it completes. */
    void accept(ByteBuf run, long nowUs) {
        demuxer.accept(run, pes);
        for (TsDemuxer.Pes p : pes) {
            if (video.takes(p)) {
                video.accept(p, nowUs);
            } else if (audio.takes(p)) {
                audio.accept(p, nowUs);
            } else {
                p.payload().release();
            }
        }
        pes.clear();
    }

    void close() {
        demuxer.close();
        video.close();
        audio.close();
        if (demuxer.dropped() > 0) {
            log.info("TS ingest {}: {} PES packets dropped (continuity gaps, oversize or malformed)", name,
                    demuxer.dropped());
        }
    }
}

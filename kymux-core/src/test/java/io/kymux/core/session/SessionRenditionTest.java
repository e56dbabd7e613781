package io.kymux.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.kymux.core.feed.Feed;
import io.kymux.core.feed.FeedLimits;
import io.kymux.core.feed.FeedRegistry;
import io.kymux.core.packet.CodecId;
import io.kymux.core.packet.MediaPacket;
import io.kymux.core.packet.StreamHeader;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session on a set of three renditions, over a simulated link whose rate changes, with a
 * fake clock: it goes down when the link narrows, up after the headroom held, and every
 * switch is at a keyframe of the new rendition, its description and config first.
 */
class SessionRenditionTest {

    static final String[] NAMES = {"v", "v~360p", "v~180p"};
    static final long[] BITRATES = {4_000_000, 1_000_000, 300_000};
    static final int FPS = 30;
    static final int GOP = 60;
    static final long FRAME_US = 1_000_000 / FPS;

    /** What the viewer got: each switch, and each media frame by its rendition and arrival. */
    record Arrival(int rendition, long atUs, boolean config, boolean key) {
    }

    record Switch(long atUs, String feed, List<Arrival> next) {
    }

    final FeedRegistry registry = new FeedRegistry(FeedLimits.DEFAULT, 16);
    final Feed[] feeds = new Feed[3];
    final int[] keyRequests = new int[3];
    boolean keyNext;
    long nextFrameUs;
    long frameNo;

    void openRenditions() {
        for (int i = 0; i < 3; i++) {
            int id = i;
            feeds[i] = registry.getOrCreate(NAMES[i]).orElseThrow();
            feeds[i].open(StreamHeader.video(CodecId.H264, 1280 >> i, 720 >> i));
            feeds[i].declareBitrate(BITRATES[i]);
            // a request to any rendition forces an IDR on all of them, as kymux capture does
            feeds[i].setKeyframeRequester(() -> {
                keyRequests[id]++;
                keyNext = true;
            });
            feeds[i].publish(new MediaPacket(0, true, false, Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 0x68, (byte) i})), 0);
        }
    }

    /** One source frame, encoded by every rendition at the same PTS; keyframes aligned. */
    void publishDue(long nowUs) {
        while (nextFrameUs <= nowUs) {
            boolean key = frameNo % GOP == 0 || keyNext;
            keyNext = false;
            for (int i = 0; i < 3; i++) {
                int size = (int) (BITRATES[i] / 8 / FPS) * (key ? 3 : 1);
                byte[] b = new byte[size];
                b[0] = (byte) i;
                feeds[i].publish(new MediaPacket(nextFrameUs, false, key, Unpooled.wrappedBuffer(b)), nextFrameUs);
            }
            frameNo++;
            nextFrameUs += FRAME_US;
        }
    }

    @AfterEach
    void dispose() {
        registry.disposeAll();
    }

    @Test
    void followsALinkThatNarrowsAndWidensSwitchingOnlyAtKeyframesWithTheConfigFirst() {
        openRenditions();
        Session s = new Session(1, "v", List.of(feeds[0]), new QueueLimits(120, 8 << 20, 150_000), () -> { })
                .adaptWith(registry::renditionsOf);
        SimulatedLink link = new SimulatedLink(3_000_000, 20_000); // 24 Mbit/s
        List<Arrival> arrivals = new ArrayList<>();
        List<Switch> switches = new ArrayList<>();
        int[] delivering = {0};
        s.ack(-1, -1, 0);
        s.start(0);
        for (long now = 0; now < 32_000_000; now += 1_000) {
            if (now == 6_000_000) {
                link.rate(250_000); // 2 Mbit/s: the top layer no longer fits
            } else if (now == 14_000_000) {
                link.rate(60_000); // 480 kbit/s: only the lowest
            } else if (now == 22_000_000) {
                link.rate(3_000_000);
            }
            publishDue(now);
            link.deliverAcks(s::ack, now);
            while (s.mayWrite(now)) {
                QueueItem item = s.poll(now);
                if (item == null) {
                    break;
                }
                if (item instanceof QueueItem.Control c && c.event() instanceof SessionEvent.TrackChanged t) {
                    delivering[0] = List.of(NAMES).indexOf(t.feed());
                    switches.add(new Switch(now, t.feed(), new ArrayList<>()));
                } else if (item instanceof QueueItem.Media m) {
                    int rendition = m.frame().payload().getByte(m.frame().payload().readerIndex() + (m.frame().config() ? 5 : 0));
                    assertThat(rendition).as("frames of the rendition last described, at %d µs", now).isEqualTo(delivering[0]);
                    long at = now;
                    if (!m.frame().config()) { // as the transports do: config is not acknowledged
                        at = link.send(m.seq(), m.frame().size(), now);
                        s.sent(m, now);
                    }
                    Arrival a = new Arrival(rendition, at, m.frame().config(), m.frame().key());
                    arrivals.add(a);
                    if (!switches.isEmpty() && switches.get(switches.size() - 1).next().size() < 2) {
                        switches.get(switches.size() - 1).next().add(a);
                    }
                    m.frame().release();
                }
            }
        }
        List<String> order = switches.stream().map(Switch::feed).toList();
        assertThat(order).as("the join, then down twice, then up one layer at a time")
                .containsExactly("v", "v~360p", "v~180p", "v~360p", "v");
        for (Switch sw : switches.subList(1, switches.size())) {
            assertThat(sw.next()).as("config, then a keyframe, of %s", sw.feed()).hasSize(2);
            assertThat(sw.next().get(0).config()).isTrue();
            assertThat(sw.next().get(1).key()).isTrue();
        }
        assertThat(switches.get(1).atUs()).as("down within a second of the link narrowing").isBetween(6_000_000L, 7_000_000L);
        assertThat(switches.get(2).atUs()).isBetween(14_000_000L, 15_000_000L);
        assertThat(switches.get(3).atUs()).as("up only after 2 s of headroom").isBetween(24_000_000L, 27_000_000L);
        assertThat(switches.get(4).atUs() - switches.get(3).atUs()).isBetween(2_000_000L, 4_000_000L);
        assertThat(fps(arrivals, 1, 8_000_000, 14_000_000)).as("fps on 360p over 2 Mbit/s").isGreaterThanOrEqualTo(28);
        assertThat(fps(arrivals, 2, 16_000_000, 22_000_000)).as("fps on 180p over 480 kbit/s").isGreaterThanOrEqualTo(28);
        assertThat(fps(arrivals, 0, 1_000_000, 6_000_000)).as("fps on the top over 24 Mbit/s").isGreaterThanOrEqualTo(29);
        assertThat(keyRequests[1] + keyRequests[2]).as("each switch asked its rendition for a keyframe").isGreaterThanOrEqualTo(3);
        Session.SessionStats st = s.stats(32_000_000);
        assertThat(st.renditions()).singleElement().satisfies(r -> {
            assertThat(r.feed()).isEqualTo("v");
            assertThat(r.switches()).isEqualTo(4);
        });
        s.close();
        assertThat(feeds[1].stats().viewers() + feeds[2].stats().viewers()).as("left renditions unsubscribed").isZero();
    }

    @Test
    void aPinnedRenditionIsSwitchedToWhateverTheLinkAndBackToTheChoiceWhenUnpinned() {
        openRenditions();
        Session s = new Session(1, "v", List.of(feeds[0]), QueueLimits.DEFAULT, () -> { }).adaptWith(registry::renditionsOf);
        s.start(0);
        List<String> described = new ArrayList<>();
        for (long now = 0; now < 6_000_000; now += 1_000) {
            if (now == 1_000_000) {
                s.pinRendition(0, "v~180p");
            } else if (now == 3_000_000) {
                s.pinRendition(0, null);
            }
            publishDue(now);
            QueueItem item;
            while ((item = s.poll(now)) != null) {
                if (item instanceof QueueItem.Control c && c.event() instanceof SessionEvent.TrackChanged t) {
                    described.add(t.feed());
                } else if (item instanceof QueueItem.Media m) {
                    m.frame().release();
                }
            }
        }
        assertThat(described).as("a viewer that does not ack has no estimate: it stays where it is put")
                .containsExactly("v", "v~180p");
        assertThat(s.stats().renditions()).singleElement().satisfies(r -> assertThat(r.pinned()).isNull());
        s.close();
    }

    @Test
    void aViewerOfOneRenditionByItsOwnNameStaysOnIt() {
        openRenditions();
        assertThat(registry.renditionsOf(feeds[1])).isEmpty();
        assertThat(registry.renditionsOf(feeds[0])).extracting(r -> r.feed().name()).containsExactly(NAMES);
    }

    static double fps(List<Arrival> arrivals, int rendition, long fromUs, long toUs) {
        long n = arrivals.stream().filter(a -> !a.config() && a.rendition() == rendition && a.atUs() >= fromUs
                && a.atUs() < toUs).count();
        return n * 1e6 / (toUs - fromUs);
    }
}

package io.kymux.server;

import io.kymux.core.feed.BoundedRegistry;
import io.kymux.core.feed.Feed;
import io.kymux.core.feed.FeedRegistry;
import io.kymux.core.feed.StreamRegistry;
import io.kymux.core.session.Session;
import io.kymux.core.ts.TsFeed;
import io.kymux.server.destination.Destinations;
import io.kymux.server.input.InputHub;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The server's shared state, independent of any transport: feeds, streams, live sessions,
 * metrics and the clock. Transports look names up here.
 */
public final class Kymux {

    /** A feed, stream or destination name; a rendition of feed {@code video0} is {@code video0~label}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}(~[A-Za-z0-9._-]{1,32})?");
    /** What {@link #validName} accepts, for error messages. */
    public static final String NAME_RULE = "use 1-64 of A-Z a-z 0-9 . _ - (a rendition: name~label)";

    private final ServerConfig config;
    private final FeedRegistry feeds;
    private final BoundedRegistry<TsFeed> tsFeeds;
    /** Things other than sessions that watch a stream by name and follow its re-posts. */
    private final Set<StreamFollower> followers = ConcurrentHashMap.newKeySet();
    private final StreamRegistry streams = new StreamRegistry();
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final Set<String> producing = ConcurrentHashMap.newKeySet();
    private final AtomicLong sessionIds = new AtomicLong();
    private final ServerMetrics metrics = new ServerMetrics();
    private final ViewerReports viewerReports = new ViewerReports(metrics);
    private final LongSupplier clockUs;
    private final AtomicLong closedSessionDrops = new AtomicLong();
    private volatile Destinations destinations;
    private volatile io.kymux.server.webrtc.WebRtcServer webrtc;
    private final InputHub inputs = new InputHub();
    private final io.kymux.server.pull.Pulls pulls = new io.kymux.server.pull.Pulls(this);
    private volatile ServerInfo info = new ServerInfo(0, 0, null, null);

    public Kymux(ServerConfig config, LongSupplier clockUs) {
        this.config = config;
        this.clockUs = clockUs;
        this.feeds = new FeedRegistry(config.feedLimits(), config.maxFeeds());
        this.tsFeeds = new BoundedRegistry<>(config.maxFeeds(), TsFeed::new);
        metrics.dropsFrom(this, Kymux::framesDropped);
    }

    /**
     * Whether a viewer's link may set its producers' bitrate: the server says every viewer's
     * does ({@code --rate-follows viewer}), it holds the control token, or it asked
     * ({@code rate=follow}) on a server with no control token (or with it as {@code token=}). Only while it is a feed's
     * one viewer ({@link io.kymux.core.feed.Feed#followRate}).
     */
    public boolean followsRate(java.util.Map<String, List<String>> query, boolean holdsControlToken) {
        boolean asked = query.getOrDefault("rate", List.of()).contains("follow");
        String control = config.access().controlToken();
        String token = query.getOrDefault("token", List.of("")).get(0);
        return config.rateFollowsViewer() || holdsControlToken || (asked && (control == null || control.equals(token)));
    }

    public static boolean validName(String name) {
        return NAME.matcher(name).matches();
    }

    /** The WebRTC port is bound at start; WHEP requests find it here. */
    public void attach(io.kymux.server.webrtc.WebRtcServer w) {
        this.webrtc = w;
    }

    public io.kymux.server.webrtc.WebRtcServer webrtc() {
        return webrtc;
    }

    /** Outgoing pushes need the server's event loops, so the server attaches them after construction. */
    public void attach(Destinations d) {
        this.destinations = d;
    }

    /**
     * Where the server listens and its certificates, for {@code GET /api/server}; {@code https}
     * is null when the HTTP port is plain HTTP only.
     */
    public record ServerInfo(int httpPort, int quicPort, io.kymux.server.tls.CertificateRotation certificates,
                             io.kymux.server.tls.CertificateRotation https) {
        /** Set by the server once all its listeners are bound; before, the HTTP port answers but QUIC may not. */
        public boolean ready() {
            return httpPort != 0;
        }

        /** No QUIC listener ({@code --quic-port off}): no kymux/1, no WebTransport. */
        public boolean quicOff() {
            return quicPort < 0;
        }

        /** The current QUIC certificate's SHA-256 fingerprint (it changes when a self-signed one rotates). */
        public String fingerprint() {
            return certificates.current().fingerprint();
        }

        public java.time.Instant certificateNotAfter() {
            return certificates.current().notAfter();
        }
    }

    public ServerInfo info() {
        return info;
    }

    public void info(ServerInfo i) {
        this.info = i;
    }

    /** Input events from viewers allowed to control, to the injectors of their stream. */
    public InputHub inputs() {
        return inputs;
    }

    /** Feeds pulled from network sources (RTSP cameras). */
    public io.kymux.server.pull.Pulls pulls() {
        return pulls;
    }

    private volatile io.kymux.server.ts.AudioTranscoder transcoder;

    /** How TS audio no browser decodes (MP2) becomes Opus; the application's, with FFmpeg. */
    public void useTranscoder(io.kymux.server.ts.AudioTranscoder t) {
        transcoder = t;
    }

    /** The transcoder given, or null: then such audio is relayed as TS alone. */
    public io.kymux.server.ts.AudioTranscoder transcoder() {
        return transcoder;
    }

    public Destinations destinations() {
        return destinations;
    }

    public ServerConfig config() {
        return config;
    }

    public FeedRegistry feeds() {
        return feeds;
    }

    /** MPEG-TS feeds (vw / jsmpeg), a namespace apart from packet-stream feeds. */
    public BoundedRegistry<TsFeed> tsFeeds() {
        return tsFeeds;
    }

    public StreamRegistry streams() {
        return streams;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public long nowUs() {
        return clockUs.getAsLong();
    }

    public LongSupplier clock() {
        return clockUs;
    }

    /**
     * Whether a feed name has, or had, a producer: a packet feed or an MPEG-TS feed. A feed a
     * viewer or destination merely waits on exists too, but is not known.
     */
    public boolean hasHadProducer(String feed) {
        return producing.contains(feed) || producing.contains("ts:" + feed)
                || feeds.get(feed).map(f -> f.stats().framesIn() > 0).orElse(false)
                || tsFeeds.get(feed).map(f -> f.stats().bytesIn() > 0).orElse(false);
    }

    /** Claims a feed for one producer; false if another producer holds it. */
    public boolean claimProducer(String feed) {
        return producing.add(feed);
    }

    /** A producer's claim on a packet feed: the feed, or why not in one line ({@code taken}: another producer has it). */
    public record FeedClaim(Feed feed, String refusal, boolean taken) {
        public boolean granted() {
            return feed != null;
        }
    }

    /** Claims feed {@code name}'s producer slot, making the feed if need be; release with {@link #releaseProducer}. */
    public FeedClaim claimFeed(String name) {
        if (!validName(name)) {
            return new FeedClaim(null, "bad feed name '" + name + "': " + NAME_RULE, false);
        }
        Optional<Feed> f = feeds.getOrCreate(name);
        if (f.isEmpty()) {
            return new FeedClaim(null, "too many feeds (limit " + config.maxFeeds() + ")", false);
        }
        if (!claimProducer(name)) {
            return new FeedClaim(null, "feed " + name + " already has a producer", true);
        }
        return new FeedClaim(f.get(), null, false);
    }

    public void releaseProducer(String feed) {
        producing.remove(feed);
    }

    /** The same for an MPEG-TS feed. */
    public boolean claimTsProducer(String feed) {
        return producing.add("ts:" + feed);
    }

    public void releaseTsProducer(String feed) {
        producing.remove("ts:" + feed);
    }

    /** The feed names a viewer or destination of {@code name} gets: a stream's feeds, or the name itself. */
    public List<String> feedNames(String name) {
        return streams.get(name).orElseGet(() -> validName(name) ? List.of(name) : List.of());
    }

    public void follow(StreamFollower f) {
        followers.add(f);
    }

    public void unfollow(StreamFollower f) {
        followers.remove(f);
    }

    /** The feeds a viewer of {@code name} gets: a stream's feeds, or one feed; empty if neither. */
    public Optional<List<Feed>> resolve(String name) {
        Optional<List<String>> stream = streams.get(name);
        if (stream.isPresent()) {
            List<Feed> out = new ArrayList<>();
            for (String f : stream.get()) {
                feeds.getOrCreate(f).ifPresent(out::add);
            }
            return Optional.of(out);
        }
        return feeds.get(name).map(List::of);
    }

    /**
     * Creates or replaces a stream (vw: update by re-posting). Every viewer of it follows
     * at once: feeds left out are muted, feeds added are joined; nobody reconnects.
     *
     * @return the feeds that do not exist yet (allowed; reported to the caller)
     */
    public List<String> putStream(String name, List<String> feedNames) {
        String key = StreamRegistry.normalize(name);
        List<String> unknown = feedNames.stream().filter(f -> !hasHadProducer(f)).toList();
        streams.put(key, feedNames);
        List<Feed> resolved = resolve(key).orElse(List.of());
        for (Session s : sessions.values()) {
            if (s.target().equals(key)) {
                s.update(resolved, nowUs());
            }
        }
        tellFollowers(key, feedNames);
        return unknown;
    }

    /** Deletes a stream; its viewers stay connected with every track muted. */
    public boolean removeStream(String name) {
        String key = StreamRegistry.normalize(name);
        boolean removed = streams.remove(key);
        for (Session s : sessions.values()) {
            if (removed && s.target().equals(key)) {
                s.update(List.of(), nowUs());
            }
        }
        if (removed) {
            tellFollowers(key, List.of());
        }
        return removed;
    }

    private void tellFollowers(String stream, List<String> feedNames) {
        for (StreamFollower f : followers) {
            if (f.target().equals(stream)) {
                f.streamChanged(feedNames);
            }
        }
    }

    public void removeAllStreams() {
        streams.all().keySet().forEach(this::removeStream);
    }

    public long nextSessionId() {
        return sessionIds.incrementAndGet();
    }

    public void register(Session s) {
        sessions.put(s.id(), s);
        metrics.sessionOpened();
    }

    public ViewerReports viewerReports() {
        return viewerReports;
    }

    public void unregister(Session s) {
        viewerReports.remove(s.id());
        if (sessions.remove(s.id()) != null) {
            closedSessionDrops.addAndGet(s.stats().drops().total());
            metrics.sessionClosed();
        }
    }

    /** Frames dropped for viewers, closed sessions included. */
    public double framesDropped() {
        long live = 0;
        for (Session s : sessions.values()) {
            live += s.stats().drops().total();
        }
        return closedSessionDrops.get() + live;
    }

    public Optional<Session> session(long id) {
        return Optional.ofNullable(sessions.get(id));
    }

    public Collection<Session> sessions() {
        return List.copyOf(sessions.values());
    }
}

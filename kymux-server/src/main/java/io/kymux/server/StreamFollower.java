package io.kymux.server;

import java.util.List;

/**
 * Something outside the session machinery that watches a stream (or feed) by name and
 * follows its re-posts: MPEG-TS viewers and destinations. vw's mute is a re-post.
 */
public interface StreamFollower {

    /** The stream or feed name followed, normalised (no leading '/'). */
    String target();

    /** The stream now has these feeds (none once deleted). */
    void streamChanged(List<String> feeds);
}

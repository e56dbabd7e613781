package io.kymux.core.io;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one Jackson mapper of a process (thread-safe once configured, and each mapper keeps
 * its own caches). Callers name {@code Json.MAPPER} where they use it, not in a static field
 * of their own, so Jackson is loaded with the first JSON a server reads or writes: a relay
 * serving only MPEG-TS never loads it.
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}

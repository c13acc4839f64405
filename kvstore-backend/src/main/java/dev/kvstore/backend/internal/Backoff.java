package dev.kvstore.backend.internal;

import java.time.Duration;

/** Bounded exponential back-off for the recipes' retries. Stateless. */
final class Backoff {

    static final Duration FIRST = Duration.ofMillis(100);
    static final Duration MAX = Duration.ofSeconds(2);

    private Backoff() {}

    /** Twice {@code last}, at most {@link #MAX} and at most half the TTL (so a retry fits in it). */
    static Duration next(Duration last, Duration ttl) {
        Duration doubled = last.multipliedBy(2);
        Duration cap = ttl.dividedBy(2).compareTo(MAX) < 0 ? ttl.dividedBy(2) : MAX;
        return doubled.compareTo(cap) > 0 ? cap : doubled;
    }
}

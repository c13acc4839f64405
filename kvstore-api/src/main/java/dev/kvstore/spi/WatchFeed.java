package dev.kvstore.spi;

import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import java.util.Map;

/**
 * Where a {@link SnapshotWatchSource} sends one watch's stream: the store's events and, in line
 * with them, exact snapshots of the watched range. {@link GapFreeWatch} implements it; a store
 * only calls it.
 *
 * <p>Threads: calls may come from any thread, a driver's I/O thread included, but never two at a
 * time for one feed, and in stream order. Each call is quick and never blocks.
 */
public interface WatchFeed {

    /**
     * One event of the store's raw watch: {@code PUT}, {@code DELETE}, {@code CONNECTION_DOWN} or
     * {@code UNKNOWN} (a gap: the library then asks for a snapshot when the watch resyncs).
     *
     * @param event the event
     */
    void event(KvEvent event);

    /**
     * The watched range's state, exactly in line with the events: it reflects every change sent
     * before it through {@link #event} and none sent after it.
     *
     * @param state every key of the range with its value and version, by full key
     */
    void snapshot(Map<String, KvPair> state);
}

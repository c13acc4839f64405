package dev.kvstore.spi;

import dev.kvstore.KvWatch;

/**
 * A store's watch that can put an exact snapshot of its range in line with its events, made by a
 * {@link SnapshotWatchSource}.
 */
public interface SnapshotWatch extends KvWatch {

    /**
     * Asks for a snapshot: some time later the feed gets {@link WatchFeed#snapshot} in line with
     * the events. Called on a kvstore thread, never from inside a feed call; returns at once.
     * Requests made while one is being read may be answered by one later snapshot. A read that
     * fails is retried until it succeeds or the watch is closed.
     */
    void requestSnapshot();
}

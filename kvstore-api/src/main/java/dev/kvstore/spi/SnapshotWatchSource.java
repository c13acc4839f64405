package dev.kvstore.spi;

import dev.kvstore.KvStoreClient;
import dev.kvstore.WatchOptions;
import java.util.concurrent.CompletableFuture;

/**
 * Implemented by a {@link KvStoreClient} that can place a consistent read exactly in its watch's
 * event stream (etcd: read at revision R, then watch from R + 1). The default
 * {@link KvStoreClient#watch(String, boolean, java.util.function.Consumer, WatchOptions)} then uses it
 * for initial state and resync instead of its generic path ({@link GapFreeWatch}), which has to
 * reconcile a read that races with the events.
 */
public interface SnapshotWatchSource {

    /**
     * Opens a watch that sends its events, and the snapshots asked for, to {@code feed}.
     *
     * <p>When {@code options.initialState()} the first thing sent is a snapshot, and the future
     * completes only after it was sent (it fails if the read fails). A store with revisions honours
     * {@code options.fromRevision()}; one without throws {@link UnsupportedOperationException} for a
     * non-zero revision. Queue limit and resync are not the store's business: {@link GapFreeWatch}
     * does them.
     *
     * @param key the full key, or the raw prefix when {@code withPrefix}
     * @param withPrefix {@code true} to watch every key starting with {@code key}
     * @param options the watch's options
     * @param feed where events and snapshots go
     * @return the watch, once active on the store
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code withPrefix} is false and {@code key} is not valid
     */
    CompletableFuture<SnapshotWatch> watchWithSnapshots(
            String key, boolean withPrefix, WatchOptions options, WatchFeed feed);
}

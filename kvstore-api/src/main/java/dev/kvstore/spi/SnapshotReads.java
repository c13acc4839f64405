package dev.kvstore.spi;

import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Implemented by a {@link KvStoreClient} that reads a prefix more cheaply when the lease of each key
 * is not wanted. {@link GapFreeWatch} reads its snapshots (initial state, resync) with it when the
 * client offers it, since events carry no lease; otherwise with {@link KvStoreClient#list}.
 */
public interface SnapshotReads {

    /**
     * As {@link KvStoreClient#list}, but every pair's {@link KvPair#lease()} may be 0 whether or not
     * the key is leased.
     *
     * @param prefix the raw prefix
     * @return the pairs under {@code prefix}, sorted by key, as {@code list} gives them but for leases
     * @throws NullPointerException if {@code prefix} is null
     * @throws IllegalArgumentException if {@code prefix} is not valid
     */
    CompletableFuture<Map<String, KvPair>> listWithoutLeases(String prefix);
}

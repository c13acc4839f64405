package dev.kvstore.spi;

import dev.kvstore.KvStoreClient;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Implemented by a {@link KvStoreClient} that can keep an index of its keys for prefix reads
 * (Redis with option {@code key-index}): the maintenance an operator runs on it, {@code kvctl
 * reindex}. An optional interface, like {@link BoundedByTimeout}, rather than a method on
 * {@link KvStoreClient}: only a store that keeps an index beside its data has anything to rebuild,
 * and no user code on the hot path needs it. Reach it from a {@code Backend} with
 * {@code KeyIndexMaintenance.of(backend.client())}.
 */
public interface KeyIndexMaintenance {

    /**
     * Whether this client keeps and reads a key index (a Redis client has one only with its
     * {@code key-index} option).
     *
     * @return {@code true} if {@link #reindex} applies
     */
    boolean keyIndexed();

    /**
     * Builds or repairs the index for the keys under a prefix: members whose keys no longer exist
     * leave it, then every existing key the store finds by walking all its keys (Redis: a
     * {@code SCAN} of the whole database) joins it. Safe while other clients write; a maintenance
     * operation, not a hot path: it walks the whole database, and only each of its steps, not the
     * whole, is bounded by the client's timeout.
     *
     * @param prefix the full key prefix; {@code ""} for every key
     * @return what changed
     * @throws NullPointerException if {@code prefix} is null
     * @throws UnsupportedOperationException if {@link #keyIndexed()} is {@code false}
     */
    CompletableFuture<Counts> reindex(String prefix);

    /**
     * What a {@link #reindex} did.
     *
     * @param added existing keys that were missing from the index and were added
     * @param removed index members whose keys no longer existed, removed
     * @param kept index members whose keys exist, left as they were
     */
    record Counts(long added, long removed, long kept) {}

    /**
     * The client's index maintenance, if it keeps an index.
     *
     * @param client a client, as {@code Backend.client()} returns it
     * @return the maintenance, or empty when the client keeps no key index
     * @throws NullPointerException if {@code client} is null
     */
    static Optional<KeyIndexMaintenance> of(KvStoreClient client) {
        Objects.requireNonNull(client, "client");
        return client instanceof KeyIndexMaintenance m && m.keyIndexed() ? Optional.of(m) : Optional.empty();
    }
}

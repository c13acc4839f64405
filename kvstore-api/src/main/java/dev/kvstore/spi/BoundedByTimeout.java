package dev.kvstore.spi;

import dev.kvstore.KvStoreClient;

/**
 * Implemented by a {@link KvStoreClient} every one of whose futures completes within the
 * configured timeout (plus scheduling slack), failing with
 * {@link dev.kvstore.KvStoreUnavailableException} when the store does not answer in time. The
 * façade then arms no timer of its own per operation. A contract between a store and the façade,
 * not a feature users choose, so it is not a {@link dev.kvstore.KvCapability}.
 *
 * <p>{@link Futures#withTimeout} is the one way to bound a future; a client that bounds every
 * operation with it (or by its driver's own deadline) may implement this interface.
 */
public interface BoundedByTimeout {

    /**
     * Whether a client bounds every future by its timeout: it implements this interface, or still
     * declares the deprecated {@code KvCapability.BOUNDED_BY_TIMEOUT}.
     *
     * @param client the client
     * @return {@code true} if the caller need not bound the client's futures itself
     */
    @SuppressWarnings("deprecation")
    static boolean isBounded(KvStoreClient client) {
        return client instanceof BoundedByTimeout
                || client.capabilities().contains(dev.kvstore.KvCapability.BOUNDED_BY_TIMEOUT);
    }
}

/**
 * The service-provider interface: what a plugin author implements to add a store, and the small
 * helpers every store needs to keep the contract, written once so that no store has its own copy:
 * {@link dev.kvstore.spi.Keys} (argument checks), {@link dev.kvstore.spi.ListenerDispatcher} and
 * {@link dev.kvstore.spi.AbstractKvWatch} (delivery off I/O threads, one {@code CONNECTION_DOWN} per
 * loss, {@code UNKNOWN} after a gap), {@link dev.kvstore.spi.OrderedDelivery} (events read
 * asynchronously, delivered in order), {@link dev.kvstore.spi.Futures} (unwrapping, timeouts on one
 * shared timer), {@link dev.kvstore.spi.StoreErrors} (one error-message shape) and
 * {@link dev.kvstore.spi.WaitingCaller} (no thread hand-off for a caller that only waits).
 * Register a {@link dev.kvstore.spi.KvStoreProvider} with {@code @AutoService(KvStoreProvider.class)}
 * and prove the store with the conformance kit ({@code kvstore-tck}).
 *
 * <p><b>Null policy.</b> As in {@link dev.kvstore}: no {@code null} arguments unless documented,
 * no {@code null} results.
 */
package dev.kvstore.spi;

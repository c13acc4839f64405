/**
 * The service-provider interface: what a plugin author implements to add a store, and the small
 * helpers every store needs to keep the contract (key checks, listener delivery off I/O threads).
 * Register a {@link dev.kvstore.spi.KvStoreProvider} with {@code @AutoService(KvStoreProvider.class)}
 * and prove the store with the conformance kit ({@code kvstore-tck}).
 *
 * <p><b>Null policy.</b> As in {@link dev.kvstore}: no {@code null} arguments unless documented,
 * no {@code null} results.
 */
package dev.kvstore.spi;

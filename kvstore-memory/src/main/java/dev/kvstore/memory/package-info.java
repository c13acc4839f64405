/**
 * storeType {@code memory}: an in-process, thread-safe store with the full contract (versions,
 * every write reported to watches in commit order). The embedded default, and the reference the
 * network stores are held to. Data lives as long as its client: each client is its own store.
 *
 * <p><b>Null policy.</b> No {@code null} arguments, no {@code null} results.
 */
package dev.kvstore.memory;

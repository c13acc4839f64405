/**
 * storeType {@code memory}: an in-process, thread-safe store with the full contract (versions,
 * every write reported to watches in commit order). The embedded default, and the reference the
 * network stores are held to. The address names a store shared by every client of that address in
 * the JVM (an empty address: a private store per client); a store's data lives while any of its
 * clients is open.
 *
 * <p><b>Null policy.</b> No {@code null} arguments, no {@code null} results.
 */
package dev.kvstore.memory;

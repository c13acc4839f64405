/**
 * The façade users hold: {@link dev.kvstore.backend.Backend}, one store chosen at run time by its
 * storeType, under a path prefix, with blocking operations bounded by a timeout, asynchronous
 * forms and a liveness channel. Stores are found with {@link java.util.ServiceLoader}.
 *
 * <p><b>Null policy.</b> No method in this package accepts {@code null}; a {@code null} argument
 * fails at once with {@link java.lang.NullPointerException}. No method returns {@code null}:
 * absence is an empty {@link java.util.Optional} or an empty collection.
 */
package dev.kvstore.backend;

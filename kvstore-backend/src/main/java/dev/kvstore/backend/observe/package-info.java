/**
 * The instrumentation point of the {@link dev.kvstore.backend.Backend}: an observer, given to
 * {@link dev.kvstore.backend.Backend.Builder#observer}, sees every operation start and end, every
 * watch opened and every watch event. The {@code kvstore-micrometer} and
 * {@code kvstore-opentelemetry} modules implement it; a Backend built with no observer runs exactly
 * as before (one null check per operation) and needs neither library on the class path.
 */
package dev.kvstore.backend.observe;

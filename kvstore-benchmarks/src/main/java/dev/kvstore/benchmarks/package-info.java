/**
 * The benchmark: each store's {@code Backend} against its driver used directly, on real servers
 * started by kvstore-testing, in one JVM. Not a library: nothing here is public API; {@link
 * dev.kvstore.benchmarks.Bench} is the entry point. Nulls: none are passed or returned, except that
 * {@code Side.get} returns null for a missing key, as the drivers do.
 */
package dev.kvstore.benchmarks;

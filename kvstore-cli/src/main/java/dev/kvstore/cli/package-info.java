/**
 * {@code kvctl}, the command-line tool: inspect, watch, copy, back up and benchmark any store through
 * {@link dev.kvstore.backend.Backend}. The entry point is {@link dev.kvstore.cli.Kvctl}; everything
 * else in this package is internal to the tool.
 *
 * <p>Null policy: no method here accepts or returns {@code null} unless its documentation says so;
 * option fields that picocli leaves unset are {@code null} and are resolved (flag, environment,
 * configuration file, default) before use.
 */
package dev.kvstore.cli;

/**
 * The Redis stores: storeType {@code redis} (one server), {@code redis-sentinel} (a master found
 * through Sentinel) and {@code redis-cluster} (a Redis Cluster), on lettuce. Keys and values are plain Redis strings ({@code SET},
 * {@code GET}, {@code DEL}), exactly what {@code redis-cli} sees; watches use keyspace
 * notifications. The public surface is the three providers and {@link dev.kvstore.redis.RedisOptions};
 * everything else is package-private.
 *
 * <p><b>Null policy.</b> No method accepts {@code null} unless its documentation says so; a
 * {@code null} argument fails with {@link java.lang.NullPointerException}. No method returns
 * {@code null}.
 */
package dev.kvstore.redis;

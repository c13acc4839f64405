/**
 * Micrometer metrics for kvstore's {@link dev.kvstore.backend.Backend}: build a Backend with
 * {@code .observer(new KvStoreMetrics(registry))}.
 */
package dev.kvstore.micrometer;

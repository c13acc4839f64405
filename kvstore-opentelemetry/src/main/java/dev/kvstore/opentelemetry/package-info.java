/**
 * OpenTelemetry tracing for kvstore's {@link dev.kvstore.backend.Backend}: build a Backend with
 * {@code .observer(new KvStoreTracing(openTelemetry))}.
 */
package dev.kvstore.opentelemetry;

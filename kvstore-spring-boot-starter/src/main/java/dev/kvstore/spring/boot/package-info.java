/**
 * Spring Boot auto-configuration for kvstore: a {@link dev.kvstore.backend.Backend} bean from the
 * {@code kvstore.*} properties ({@link dev.kvstore.spring.boot.KvStoreProperties}), a
 * {@code kvstore} health indicator, and Micrometer metrics and OpenTelemetry tracing when those
 * beans exist.
 */
package dev.kvstore.spring.boot;

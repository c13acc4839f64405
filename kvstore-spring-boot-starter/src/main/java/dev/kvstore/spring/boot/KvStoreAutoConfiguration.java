package dev.kvstore.spring.boot;

import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.backend.Backend;
import dev.kvstore.backend.observe.BackendObserver;
import dev.kvstore.micrometer.KvStoreMetrics;
import dev.kvstore.opentelemetry.KvStoreTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configures kvstore: a {@link Backend} from the {@code kvstore.*} properties (closed when
 * the context closes), a {@code kvstore} health indicator when Actuator is present, and the
 * Backend's observers: {@link KvStoreMetrics} when {@code kvstore-micrometer} is on the class path
 * and a {@link MeterRegistry} bean exists, {@link KvStoreTracing} when
 * {@code kvstore-opentelemetry} is and an {@link OpenTelemetry} bean exists. Any
 * {@link BackendObserver} bean of the application is added too.
 *
 * <p>Threads: Spring's start-up thread creates the beans; see {@link Backend} and
 * {@link KvStoreHealthIndicator} for theirs.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration"
        })
@ConditionalOnClass(Backend.class)
@EnableConfigurationProperties(KvStoreProperties.class)
public class KvStoreAutoConfiguration {

    /** Created by Spring. */
    public KvStoreAutoConfiguration() {}

    /**
     * The Backend, built from the properties, with every {@link BackendObserver} bean; its liveness
     * channel enabled, so that a silent store is checked every {@code kvstore.liveness-interval}.
     *
     * @param properties the {@code kvstore.*} properties
     * @param observers the observer beans
     * @return the Backend; Spring closes it on shutdown
     * @throws KvStoreConfigurationException naming the property at fault
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Backend kvstoreBackend(KvStoreProperties properties, ObjectProvider<BackendObserver> observers) {
        Backend.Builder b;
        try {
            b = Backend.builder()
                    .storeType(required(properties.getStoreType()))
                    .address(properties.getAddress())
                    .timeout(properties.getTimeout())
                    .pathPrefix(properties.getPathPrefix())
                    .options(properties.getOptions())
                    .livenessInterval(properties.getLivenessInterval());
        } catch (RuntimeException e) {
            throw new KvStoreStartupException(
                    propertyOf(e.getMessage(), properties),
                    new KvStoreConfigurationException("kvstore: " + e.getMessage(), e));
        }
        observers.orderedStream().forEach(b::observer);
        Backend backend;
        try {
            backend = b.build();
        } catch (KvStoreConfigurationException e) {
            throw new KvStoreStartupException(propertyOf(e.getMessage(), properties), e);
        }
        backend.enableLivenessChannel();
        return backend;
    }

    private static String required(String storeType) {
        if (storeType == null || storeType.isBlank()) {
            throw new IllegalArgumentException("storeType is not set");
        }
        return storeType;
    }

    /** The property a configuration failure is about, from its message. */
    static String propertyOf(String message, KvStoreProperties properties) {
        String m = String.valueOf(message);
        for (Map.Entry<String, String> o : properties.getOptions().entrySet()) {
            if (m.contains(o.getKey())) {
                return "kvstore.options." + o.getKey();
            }
        }
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("storetype")) {
            return "kvstore.store-type";
        }
        if (lower.contains("liveness")) {
            return "kvstore.liveness-interval";
        }
        if (lower.contains("timeout")) {
            return "kvstore.timeout";
        }
        if (lower.contains("path")) {
            return "kvstore.path-prefix";
        }
        if (lower.contains("option")) {
            return "kvstore.options";
        }
        return "kvstore.address";
    }

    /** The health indicator, when Actuator is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Health {
        @Bean
        @ConditionalOnEnabledHealthIndicator("kvstore")
        @ConditionalOnMissingBean(name = "kvstoreHealthIndicator")
        HealthIndicator kvstoreHealthIndicator(Backend backend) {
            return new KvStoreHealthIndicator(backend);
        }
    }

    /** Micrometer metrics, when kvstore-micrometer is on the class path and a registry exists. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({KvStoreMetrics.class, MeterRegistry.class})
    @ConditionalOnBean(MeterRegistry.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        KvStoreMetrics kvstoreMetrics(MeterRegistry registry) {
            return new KvStoreMetrics(registry);
        }
    }

    /** OpenTelemetry tracing, when kvstore-opentelemetry is on the class path and an SDK bean exists. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({KvStoreTracing.class, OpenTelemetry.class})
    @ConditionalOnBean(OpenTelemetry.class)
    static class Tracing {
        @Bean
        @ConditionalOnMissingBean
        KvStoreTracing kvstoreTracing(OpenTelemetry openTelemetry) {
            return new KvStoreTracing(openTelemetry);
        }
    }
}

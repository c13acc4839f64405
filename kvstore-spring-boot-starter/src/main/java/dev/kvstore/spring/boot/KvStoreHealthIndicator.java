package dev.kvstore.spring.boot;

import dev.kvstore.backend.Backend;
import java.time.Instant;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code kvstore} health: UP when the store answers a liveness check, DOWN when it does not.
 * Each call runs one {@link Backend#performLivenessCheck()}, which waits at most the Backend's
 * timeout, so the health endpoint never waits on kvstore longer than {@code kvstore.timeout}.
 * Details: {@code storeType}, {@code address}, {@code lastCheck} (when this check ended).
 *
 * <p>Threads: called by Actuator's health endpoint threads, possibly concurrently; keeps no state.
 */
final class KvStoreHealthIndicator implements HealthIndicator {

    private final Backend backend;

    KvStoreHealthIndicator(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Health health() {
        boolean up = backend.performLivenessCheck();
        return (up ? Health.up() : Health.down())
                .withDetail("storeType", backend.storeType())
                .withDetail("address", backend.address())
                .withDetail("lastCheck", Instant.now().toString())
                .build();
    }
}

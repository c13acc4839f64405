package dev.kvstore.tck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.KvPair;
import dev.kvstore.KvRegistration;
import dev.kvstore.backend.Backend;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;

/**
 * The registration case of contract §9 for a store's own fault: register a key, break the store
 * for the holder (a ZooKeeper session expiry, an etcd partition longer than the TTL, a Redis restart
 * without persistence), heal it, and check that the key comes back by itself within the TTL + 5 s
 * of the store being reachable, with {@code onChange} reporting {@code false} then {@code true}.
 * Store engineers call it from their store-specific ITs; the kit calls it with a TCP proxy.
 *
 * <pre>{@code
 * try (Backend b = Backend.builder().storeType("etcd").address(proxy.address()).build()) {
 *     RegistrationHealing.assertComesBack(b, "svc/a", Duration.ofSeconds(3), proxy::blackhole, proxy::restore);
 * }
 * }</pre>
 */
public final class RegistrationHealing {

    private RegistrationHealing() {}

    /**
     * Registers {@code key} through {@code backend}, runs {@code fault}, waits until the
     * registration reports the loss, runs {@code heal}, and checks that it is back within
     * {@code ttl} + 5 s, seen both by the registration and by a read; closes it and checks the key is
     * gone.
     *
     * @param backend the holder's Backend (e.g. through a proxy)
     * @param key the key, relative to the Backend's path prefix
     * @param ttl the registration's TTL
     * @param fault breaks the store for the holder (returns once broken)
     * @param heal makes the store reachable again (returns once healed)
     * @param lossBound how long after {@code fault} the loss must be reported (the TTL + 2 s for a
     *     partition; a store's session timeout where that rules)
     */
    public static void assertComesBack(
            Backend backend, String key, Duration ttl, Runnable fault, Runnable heal, Duration lossBound) {
        List<Boolean> changes = new CopyOnWriteArrayList<>();
        try (KvRegistration r = backend.register(key, "here".getBytes(UTF_8), ttl)) {
            r.onChange(changes::add);
            assertThat(r.isRegistered()).isTrue();
            assertThat(backend.exists(key)).isTrue();
            fault.run();
            Awaitility.await("the registration reports its loss")
                    .atMost(lossBound)
                    .until(() -> changes.contains(false));
            assertThat(r.isRegistered()).isFalse();
            heal.run();
            Awaitility.await("the registration is back")
                    .atMost(ttl.plusSeconds(5))
                    .until(() -> !changes.isEmpty() && changes.get(changes.size() - 1));
            assertThat(changes).startsWith(false).endsWith(true);
            assertThat(r.isRegistered()).isTrue();
            Optional<KvPair> back = backend.get(key);
            assertThat(back).as("the key, read back").isPresent();
            assertThat(back.get().valueAsString()).isEqualTo("here");
            assertThat(back.get().lease()).as("its lease").isNotZero();
        }
        assertThat(backend.exists(key)).as("the key after close()").isFalse();
    }
}

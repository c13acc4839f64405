package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisSentinelCluster;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code sentinel-password} against sentinels that ask for a password ({@code requirepass}). */
class RedisSentinelPasswordIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String PASSWORD = "sentinel-pw";
    private static RedisSentinelCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisSentinelCluster.startWithSentinelPassword("pwmaster", PASSWORD);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static Backend.Builder backend(String ns) {
        return Backend.builder()
                .storeType("redis-sentinel")
                .address(cluster.sentinelAddress())
                .timeout(TIMEOUT)
                .pathPrefix(ns)
                .option(RedisOptions.MASTER_NAME, cluster.masterName());
    }

    @Test
    @DisplayName(
            "with sentinel-password the master is found and used; without it, or with a wrong one, operations fail within the timeout")
    void sentinelPassword() {
        String ns = "spw-" + UUID.randomUUID();
        try (Backend b =
                backend(ns).option(RedisOptions.SENTINEL_PASSWORD, PASSWORD).build()) {
            // lettuce's first sentinel handshake can lose a race ("RedisHandshakeHandler not registered"),
            // reported as unavailable: the right password must work once the connection is up.
            Awaitility.await("put with the right sentinel password")
                    .atMost(Duration.ofSeconds(15))
                    .ignoreExceptionsInstanceOf(KvStoreUnavailableException.class)
                    .until(() -> {
                        b.put("k", "v");
                        return true;
                    });
            assertThat(b.get("k"))
                    .hasValueSatisfying(p -> assertThat(p.valueAsString()).isEqualTo("v"));
            assertThat(b.performLivenessCheck()).isTrue();
        }
        assertRefused(backend(ns), "NOAUTH");
        assertRefused(backend(ns).option(RedisOptions.SENTINEL_PASSWORD, "wrong"), "WRONGPASS");
    }

    /** A refused sentinel password is a configuration problem, like a refused Redis password: not "unavailable". */
    private static void assertRefused(Backend.Builder builder, String error) {
        try (Backend b = builder.build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> b.get("k"))
                    .isInstanceOf(KvStoreException.class)
                    .isNotInstanceOf(KvStoreUnavailableException.class)
                    .hasMessageContaining(error);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(2));
        }
    }
}

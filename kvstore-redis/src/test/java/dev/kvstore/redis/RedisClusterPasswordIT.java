package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisClusterServer;
import dev.kvstore.testing.RedisServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * storeType {@code redis-cluster} against a real six-node cluster whose nodes ask for a password
 * ({@code requirepass}, replicas with {@code masterauth}) and know an ACL user.
 */
class RedisClusterPasswordIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** What a failure may take beyond the timeout: scheduling on a loaded 2-core machine. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private static final String PASSWORD = "cluster-pw";
    private static final String USER = "app";
    private static final String USER_PASSWORD = "app-pw";

    private static RedisClusterServer cluster;

    private String ns;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterServer.builder()
                .password(PASSWORD)
                .user(USER, USER_PASSWORD)
                .start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void namespace() {
        ns = "cpw-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Backend.Builder backend() {
        return Backend.builder()
                .storeType("redis-cluster")
                .address(cluster.address())
                .timeout(TIMEOUT)
                .pathPrefix(ns);
    }

    @Test
    @DisplayName("the right password: put, get, list and a prefix watch work with keys on every master")
    void rightPassword() {
        try (Backend b = backend().option(RedisOptions.PASSWORD, PASSWORD).build()) {
            EveryMaster.check(cluster, b);
        }
    }

    @Test
    @DisplayName(
            "an ACL user with its password, one replica as the only seed: the masters are found and logged in to as that user; put, get, list and a prefix watch work on every master")
    void aclUser() {
        RedisServer seed = cluster.replicas().get(0);
        try (Backend b = backend()
                .address(seed.address())
                .option(RedisOptions.USERNAME, USER)
                .option(RedisOptions.PASSWORD, USER_PASSWORD)
                .build()) {
            EveryMaster.check(cluster, b);
            for (RedisServer master : cluster.masters()) {
                assertThat(master.redisCli("CLIENT", "LIST").lines().filter(l -> l.contains(" name=kvstore ")))
                        .as("the store's connections to " + master.address() + " log in as the ACL user")
                        .isNotEmpty()
                        .allMatch(l -> l.contains(" user=" + USER + " "));
            }
        }
    }

    @Test
    @DisplayName(
            "no password, or a wrong one: the first operation fails within the timeout with KvStoreException (not 'unavailable') naming the refusal")
    void refusedPassword() {
        assertRefused(backend(), "NOAUTH");
        assertRefused(backend().option(RedisOptions.PASSWORD, "wrong"), "WRONGPASS");
        assertRefused(
                backend().option(RedisOptions.USERNAME, USER).option(RedisOptions.PASSWORD, PASSWORD), "WRONGPASS");
        for (RedisServer master : cluster.masters()) {
            assertThat(master.redisCli("KEYS", ns + "*")).as(master.address()).isEmpty();
        }
    }

    @Test
    @DisplayName("a username without a password is refused at create, before any connection")
    void usernameNeedsPassword() {
        assertThatThrownBy(() -> backend().option(RedisOptions.USERNAME, USER).build())
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("option " + RedisOptions.USERNAME + " needs option " + RedisOptions.PASSWORD);
    }

    /** A refused password is a configuration problem, as on {@code redis}: not "unavailable", and quick. */
    private static void assertRefused(Backend.Builder builder, String error) {
        try (Backend b = builder.build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> b.put("k", "v"))
                    .isInstanceOf(KvStoreException.class)
                    .isNotInstanceOf(KvStoreUnavailableException.class)
                    .hasMessageContaining(error);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plus(MARGIN));
            assertThatThrownBy(() -> b.get("k"))
                    .isInstanceOf(KvStoreException.class)
                    .isNotInstanceOf(KvStoreUnavailableException.class)
                    .hasMessageContaining(error);
            assertThatThrownBy(() -> b.createWatch("k", false, e -> {}))
                    .isInstanceOf(KvStoreException.class)
                    .hasMessageContaining(error);
        }
    }
}

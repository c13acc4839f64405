package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvLease;
import dev.kvstore.Txn;
import dev.kvstore.backend.Backend;
import dev.kvstore.spi.KeyIndexMaintenance;
import dev.kvstore.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The key index ({@link RedisOptions#KEY_INDEX}) as the kit cannot see it: the sorted set itself,
 * read with a raw lettuce connection, after every kind of write, after keys expire, and after
 * {@code reindex}.
 */
class RedisKeyIndexIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] INDEX = ReservedKeys.INDEX.getBytes(StandardCharsets.UTF_8);

    private static RedisServer redis;
    private static RedisClient rawClient;
    private static StatefulRedisConnection<byte[], byte[]> rawConnection;
    private static RedisCommands<byte[], byte[]> raw;

    private Backend indexed;
    private String ns;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startWithoutPersistence();
        rawClient = RedisClient.create(RedisURI.create("redis://" + redis.address()));
        rawConnection = rawClient.connect(ByteArrayCodec.INSTANCE);
        raw = rawConnection.sync();
    }

    @AfterAll
    static void stopRedis() {
        rawConnection.close();
        rawClient.shutdown();
        redis.close();
    }

    @BeforeEach
    void open() {
        indexed = backend(true);
        ns = "index-it-" + UUID.randomUUID() + "/";
    }

    @AfterEach
    void close() {
        indexed.close();
    }

    private static Backend backend(boolean keyIndex) {
        return Backend.builder()
                .storeType("redis")
                .address(redis.address())
                .timeout(TIMEOUT)
                .option(RedisOptions.KEY_INDEX, Boolean.toString(keyIndex))
                .build();
    }

    /** The index members under {@code prefix}, read raw. */
    private static List<String> members(String prefix) {
        List<String> out = new ArrayList<>();
        for (byte[] m : raw.zrange(INDEX, 0, -1)) {
            String s = new String(m, StandardCharsets.UTF_8);
            if (s.startsWith(prefix)) {
                out.add(s);
            }
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("put, delete and a transaction's puts and deletes join and leave the index in their own step")
    void writesAndTransactions() {
        indexed.put(ns + "a", "1");
        indexed.put(ns + "b", "2");
        indexed.put(ns + "c", "3");
        assertThat(members(ns)).containsExactly(ns + "a", ns + "b", ns + "c");
        indexed.delete(ns + "b");
        assertThat(members(ns)).containsExactly(ns + "a", ns + "c");

        assertThat(indexed.commit(Txn.builder()
                                .ifPresent(ns + "a")
                                .put(ns + "d", utf8("4"))
                                .delete(ns + "c")
                                .build())
                        .succeeded())
                .isTrue();
        assertThat(members(ns)).containsExactly(ns + "a", ns + "d");
        // A transaction whose condition fails changes the index no more than the keys.
        assertThat(indexed.commit(Txn.builder()
                                .ifAbsent(ns + "a")
                                .put(ns + "e", utf8("5"))
                                .delete(ns + "a")
                                .build())
                        .succeeded())
                .isFalse();
        assertThat(members(ns)).containsExactly(ns + "a", ns + "d");
        assertThat(indexed.putIfAbsent(ns + "f", utf8("6"))).isTrue();
        assertThat(indexed.listKeys("")).contains(ns + "a", ns + "d", ns + "f");
        assertThat(indexed.list("").keySet()).contains(ns + "a", ns + "d", ns + "f");
        assertThat(members(ns)).containsExactly(ns + "a", ns + "d", ns + "f");
    }

    @Test
    @DisplayName("a prefix reads exactly the keys that start with it, across pages and for any UTF-8")
    void prefixBoundaries() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 2 * RedisKvStoreClient.BATCH + 7; i++) {
            entries.put(ns + "p/" + String.format("%05d", i), utf8("v" + i));
        }
        List<String> odd = List.of(
                ns + "p/é",
                ns + "p/\uFFFF",
                ns + "p/\uD834\uDD1E",
                ns + "p/",
                ns + "p/~",
                ns + "p/\u007F",
                ns + "p/ü/x");
        for (String k : odd) {
            entries.put(k, utf8(k));
        }
        List<String> outside = List.of(ns + "p", ns + "p0", ns + "p.", ns + "q/", ns + "o\uFFFF");
        for (String k : outside) {
            entries.put(k, utf8(k));
        }
        indexed.putAll(entries);

        List<String> expected = entries.keySet().stream()
                .filter(k -> k.startsWith(ns + "p/"))
                .sorted()
                .toList();
        // In the same (String) order as without the index.
        assertThat(indexed.listKeys(ns + "p/")).containsExactlyElementsOf(expected);
        assertThat(indexed.list(ns + "p/").keySet()).containsExactlyElementsOf(expected);
        assertThat(indexed.list(ns + "p/").get(ns + "p/\uD834\uDD1E").valueAsString())
                .isEqualTo(ns + "p/\uD834\uDD1E");
        assertThat(indexed.listKeys(ns + "p/\uFFFF")).containsExactly(ns + "p/\uFFFF");
        assertThat(indexed.listKeys(ns + "p/é")).containsExactly(ns + "p/é");
        assertThat(indexed.listKeys(ns + "p")).hasSize(expected.size() + 3); // p, p0, p.
        assertThat(indexed.listKeys(ns)).hasSize(entries.size());
    }

    @Test
    @DisplayName("putAll and deleteAll keep the index, in groups of keys (a large value alone), and end a key's lease")
    void bulk() {
        KvLease lease = indexed.grantLease(Duration.ofSeconds(10));
        indexed.put(ns + "7", utf8("leased"), lease);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 1500; i++) {
            entries.put(ns + i, utf8("v" + i));
        }
        byte[] large = new byte[300 * 1024];
        large[0] = 42;
        entries.put(ns + "1000", large);
        indexed.putAll(entries);
        assertThat(members(ns)).hasSize(1500);
        assertThat(indexed.get(ns + "1000").orElseThrow().value()).isEqualTo(large);
        assertThat(indexed.get(ns + "1499").orElseThrow().valueAsString()).isEqualTo("v1499");
        assertThat(indexed.get(ns + "7").orElseThrow().lease()).isZero();
        assertThat(raw.exists(utf8(ReservedKeys.leaseOf(ns + "7")))).isZero();
        lease.revoke();
        assertThat(indexed.get(ns + "7")).isPresent(); // no longer under the lease
        assertThat(members(ns)).hasSize(1500);
        List<String> half = new ArrayList<>(entries.keySet()).subList(0, 750);
        indexed.deleteAll(half);
        assertThat(members(ns)).hasSize(750).doesNotContainAnyElementsOf(half);
        assertThat(indexed.listKeys(ns)).hasSize(750);
    }

    @Test
    @DisplayName(
            "deleteWithPrefix deletes every indexed key under the prefix, their members and lease keys, and nothing else")
    void deleteWithPrefix() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 2500; i++) {
            entries.put(ns + "d/" + i, utf8("v"));
        }
        entries.put(ns + "d", utf8("stays"));
        entries.put(ns + "e/1", utf8("stays"));
        indexed.putAll(entries);
        KvLease lease = indexed.grantLease(Duration.ofSeconds(10));
        indexed.put(ns + "d/leased", utf8("x"), lease);

        indexed.deleteWithPrefix(ns + "d/");
        assertThat(members(ns)).containsExactly(ns + "d", ns + "e/1");
        assertThat(indexed.listKeys(ns)).containsExactly(ns + "d", ns + "e/1");
        assertThat(raw.exists(utf8(ns + "d/0"), utf8(ReservedKeys.leaseOf(ns + "d/leased"))))
                .isZero();
        lease.revoke();
    }

    @Test
    @DisplayName("revoking a lease takes its keys out of the index with them")
    void revoke() {
        KvLease lease = indexed.grantLease(Duration.ofSeconds(10));
        indexed.put(ns + "l1", utf8("1"), lease);
        indexed.put(ns + "l2", utf8("2"), lease);
        indexed.put(ns + "plain", "3");
        assertThat(members(ns)).containsExactly(ns + "l1", ns + "l2", ns + "plain");
        lease.revoke();
        assertThat(members(ns)).containsExactly(ns + "plain");
        assertThat(indexed.listKeys(ns)).containsExactly(ns + "plain");
    }

    @Test
    @DisplayName("a leased key that expires leaves the index at the lease's next keep-alive, without any read")
    void keepAliveFindsKeyGone() {
        KvLease lease = indexed.grantLease(Duration.ofSeconds(3));
        indexed.put(ns + "k1", utf8("1"), lease);
        indexed.put(ns + "k2", utf8("2"), lease);
        assertThat(members(ns)).containsExactly(ns + "k1", ns + "k2");
        // Redis expires the key (as when a lease's TTL runs out): no script runs.
        raw.pexpire(utf8(ns + "k1"), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> members(ns).equals(List.of(ns + "k2")));
        assertThat(lease.isActive()).isTrue();
        lease.revoke();
    }

    @Test
    @DisplayName("list and listKeys leave out and prune indexed keys that expired or were deleted around the index")
    void readsPrune() {
        indexed.put(ns + "live", "1");
        // Keys that expired with no script to tell the index: members whose keys are gone.
        raw.set(utf8(ns + "expired"), utf8("x"));
        raw.zadd(INDEX, 0, utf8(ns + "expired"));
        raw.pexpire(utf8(ns + "expired"), 1);
        raw.zadd(INDEX, 0, utf8(ns + "never-written"));
        await().atMost(Duration.ofSeconds(5)).until(() -> raw.exists(utf8(ns + "expired")) == 0);
        assertThat(members(ns)).containsExactly(ns + "expired", ns + "live", ns + "never-written");

        assertThat(indexed.list(ns).keySet()).containsExactly(ns + "live");
        assertThat(members(ns)).containsExactly(ns + "live");

        raw.zadd(INDEX, 0, utf8(ns + "gone-again"));
        assertThat(indexed.listKeys(ns)).containsExactly(ns + "live");
        assertThat(members(ns)).containsExactly(ns + "live");
    }

    @Test
    @DisplayName(
            "keys written without the index are invisible to prefix reads until reindex, which also removes stale members")
    void reindex() {
        try (Backend plain = backend(false)) {
            plain.put(ns + "r/plain", "1");
        }
        raw.set(utf8(ns + "r/raw1"), utf8("2"));
        raw.set(utf8(ns + "r/raw2"), utf8("3"));
        raw.set(utf8(ns + "outside"), utf8("4"));
        indexed.put(ns + "r/indexed", "5");

        assertThat(indexed.get(ns + "r/raw1")).isPresent(); // a get sees every key
        assertThat(indexed.listKeys(ns + "r/")).containsExactly(ns + "r/indexed");
        assertThat(indexed.list(ns + "r/").keySet()).containsExactly(ns + "r/indexed");
        // A member whose key is gone, as a read would have pruned it.
        raw.zadd(INDEX, 0, utf8(ns + "r/stale"));

        KeyIndexMaintenance maintenance =
                KeyIndexMaintenance.of(indexed.client()).orElseThrow();
        KeyIndexMaintenance.Counts counts = maintenance.reindex(ns + "r/").join();
        assertThat(counts).isEqualTo(new KeyIndexMaintenance.Counts(3, 1, 1));
        assertThat(indexed.listKeys(ns + "r/"))
                .containsExactly(ns + "r/indexed", ns + "r/plain", ns + "r/raw1", ns + "r/raw2");
        assertThat(members(ns)).doesNotContain(ns + "outside", ns + "r/stale");

        // Run again: nothing to do.
        assertThat(maintenance.reindex(ns + "r/").join()).isEqualTo(new KeyIndexMaintenance.Counts(0, 0, 4));
        // The whole database: the key outside the prefix joins too.
        assertThat(maintenance.reindex("").join().added()).isGreaterThanOrEqualTo(1);
        assertThat(members(ns)).contains(ns + "outside");
    }

    @Test
    @DisplayName("a client without the option offers no reindex")
    void withoutIndex() {
        try (Backend plain = backend(false)) {
            assertThat(KeyIndexMaintenance.of(plain.client())).isEmpty();
            KeyIndexMaintenance m = (KeyIndexMaintenance) plain.client();
            assertThat(m.keyIndexed()).isFalse();
            assertThatThrownBy(() -> m.reindex("x"))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining(RedisOptions.KEY_INDEX);
        }
    }
}

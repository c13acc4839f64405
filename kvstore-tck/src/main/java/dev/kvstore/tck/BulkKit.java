package dev.kvstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.EventType;
import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvValueTooLargeException;
import dev.kvstore.backend.Backend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The bulk operations ({@code getAllAsync}, {@code putAllAsync}, {@code deleteAllAsync}; Backend's {@code getAll} ...). */
public abstract class BulkKit extends CoordinationKit {

    /** More keys than one batch of any store (etcd and ZooKeeper: 128; Redis reads: 1,000). */
    private static final int MANY = 1_100;

    /** For subclasses. */
    protected BulkKit() {}

    /** {@code n} keys under this test's namespace, {@code ns + name + i}, each with value {@code "v" + i}. */
    private Map<String, byte[]> entries(String name, int n) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            entries.put(ns + name + i, bytes("v" + i));
        }
        return entries;
    }

    private static Map<String, String> asText(Map<String, KvPair> pairs) {
        Map<String, String> text = new HashMap<>();
        pairs.forEach((k, p) -> text.put(k, p.valueAsString()));
        return text;
    }

    private static Map<String, String> asTextEntries(Map<String, byte[]> entries) {
        Map<String, String> text = new HashMap<>();
        entries.forEach((k, v) -> text.put(k, new String(v, java.nio.charset.StandardCharsets.UTF_8)));
        return text;
    }

    @Nested
    @DisplayName("§12 Bulk operations")
    class BulkOperations {

        @Test
        @DisplayName("putAll then getAll round-trips every key, with full keys, versions and values")
        void bulkRoundTrip() {
            Map<String, byte[]> entries = entries("k", 10);
            entries.put(ns + "empty", new byte[0]);
            await(client.putAllAsync(entries));
            Map<String, KvPair> read = await(client.getAllAsync(entries.keySet()));
            assertThat(asText(read)).isEqualTo(asTextEntries(entries));
            read.forEach((k, p) -> {
                assertThat(p.key()).isEqualTo(k);
                assertThat(p.version()).isEqualTo(has(KvCapability.VERSIONS) ? 1 : 0);
                assertThat(get(k).orElseThrow().value()).isEqualTo(entries.get(k));
            });
        }

        @Test
        @DisplayName("more keys than one batch round-trip, and deleteAll removes them all")
        void manyKeys() {
            Map<String, byte[]> entries = entries("many/", MANY);
            await(client.putAllAsync(entries));
            assertThat(asText(await(client.getAllAsync(entries.keySet())))).isEqualTo(asTextEntries(entries));
            assertThat(await(client.listKeys(ns + "many/"))).hasSize(MANY);
            await(client.deleteAllAsync(entries.keySet()));
            assertThat(await(client.getAllAsync(entries.keySet()))).isEmpty();
            assertThat(await(client.listKeys(ns + "many/"))).isEmpty();
        }

        @Test
        @DisplayName("getAll leaves absent keys out of the map")
        void absentKeys() {
            put(ns + "here", "1");
            put(ns + "also", "2");
            Map<String, KvPair> read =
                    await(client.getAllAsync(List.of(ns + "missing", ns + "here", ns + "gone/x", ns + "also")));
            assertThat(read.keySet()).containsExactlyInAnyOrder(ns + "here", ns + "also");
            assertThat(await(client.getAllAsync(List.of(ns + "missing", ns + "none"))))
                    .isEmpty();
        }

        @Test
        @DisplayName("empty input completes at once with an empty result, asking the store nothing")
        void emptyInput() {
            // A closed client fails anything it sends: empty input must not send anything.
            KvStoreClient closed = providerFor(config.storeType()).create(config);
            closed.close();
            CompletableFuture<Map<String, KvPair>> read = closed.getAllAsync(List.of());
            CompletableFuture<Void> written = closed.putAllAsync(Map.of());
            CompletableFuture<Void> deleted = closed.deleteAllAsync(Set.of());
            assertThat(read).isCompletedWithValue(Map.of());
            assertThat(written).isCompleted().isNotCompletedExceptionally();
            assertThat(deleted).isCompleted().isNotCompletedExceptionally();
            assertThat(await(client.getAllAsync(List.of()))).isEmpty();
        }

        @Test
        @DisplayName("duplicate keys are read once, and putAll overwrites existing keys")
        void duplicatesAndOverwrites() {
            put(ns + "a", "old");
            put(ns + "b", "old");
            await(client.putAllAsync(Map.of(ns + "a", bytes("new"), ns + "c", bytes("new"))));
            Map<String, KvPair> read =
                    await(client.getAllAsync(List.of(ns + "a", ns + "a", ns + "b", ns + "c", ns + "c")));
            assertThat(asText(read)).isEqualTo(Map.of(ns + "a", "new", ns + "b", "old", ns + "c", "new"));
            if (has(KvCapability.VERSIONS)) {
                assertThat(read.get(ns + "a").version()).isEqualTo(2);
                assertThat(read.get(ns + "c").version()).isEqualTo(1);
            }
            await(client.deleteAllAsync(List.of(ns + "a", ns + "a", ns + "missing")));
            assertThat(await(client.getAllAsync(List.of(ns + "a", ns + "b"))).keySet())
                    .containsExactly(ns + "b");
        }

        @Test
        @DisplayName("an invalid key, a null or a too-large value fails at once, before anything is written")
        void invalidRejectedFirst() {
            Map<String, byte[]> withEmptyKey = new LinkedHashMap<>(entries("ok", 3));
            withEmptyKey.put("", bytes("x"));
            withEmptyKey.put(ns + "after", bytes("x"));
            assertThatThrownBy(() -> client.putAllAsync(withEmptyKey)).isInstanceOf(IllegalArgumentException.class);

            Map<String, byte[]> withNul = new LinkedHashMap<>(entries("ok", 3));
            withNul.put(ns + "nul\u0000", bytes("x"));
            assertThatThrownBy(() -> client.putAllAsync(withNul)).isInstanceOf(IllegalArgumentException.class);

            Map<String, byte[]> withNull = new LinkedHashMap<>(entries("ok", 3));
            withNull.put(ns + "null", null);
            assertThatThrownBy(() -> client.putAllAsync(withNull)).isInstanceOf(NullPointerException.class);

            long limit = client.maxValueSize();
            if (limit <= 64L * 1024 * 1024) {
                Map<String, byte[]> tooLarge = new LinkedHashMap<>(entries("ok", 3));
                tooLarge.put(ns + "large", new byte[(int) limit + 1]);
                Throwable failure = failureOf(() -> client.putAllAsync(tooLarge));
                assertThat(failure).isInstanceOf(KvValueTooLargeException.class);
            }
            assertThat(await(client.listKeys(ns))).isEmpty();

            List<String> keys = new ArrayList<>(List.of(ns + "x"));
            keys.add(null);
            assertThatThrownBy(() -> client.getAllAsync(keys)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> client.deleteAllAsync(keys)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> client.deleteAllAsync(List.of(ns + "x", "")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> client.getAllAsync(null)).isInstanceOf(NullPointerException.class);
        }

        @Test
        @DisplayName("values of every size up to max-value-bytes round-trip in one putAll")
        void valueSizes() {
            long limit = Math.min(client.maxValueSize(), 64L * 1024 * 1024);
            Random random = new Random(7);
            Map<String, byte[]> entries = new LinkedHashMap<>();
            for (long size : new long[] {0, 1, 1000, 64 * 1024, 512 * 1024, limit - 1, limit}) {
                if (size <= limit) {
                    byte[] value = new byte[(int) size];
                    random.nextBytes(value);
                    entries.put(ns + "size-" + size, value);
                }
            }
            await(client.putAllAsync(entries));
            Map<String, KvPair> read = await(client.getAllAsync(entries.keySet()));
            assertThat(read.keySet()).isEqualTo(entries.keySet());
            entries.forEach((k, v) -> assertThat(Arrays.equals(read.get(k).value(), v))
                    .as("value of %s (%d bytes)", k, v.length)
                    .isTrue());
        }

        @Test
        @DisplayName("a prefix watch sees one PUT per key of a putAll, and one DELETE per key of a deleteAll")
        void watchSeesEachKey() {
            EventRecorder events = recorder();
            watch(ns, true, events);
            Map<String, byte[]> entries = entries("w", 20);
            await(client.putAllAsync(entries));
            put(ns + "zz-marker", "end");
            events.awaitPut(ns + "zz-marker", "end");
            Map<String, Long> puts = events.events(EventType.PUT).stream()
                    .map(KvEvent::key)
                    .filter(entries::containsKey)
                    .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
            assertThat(puts.keySet()).isEqualTo(entries.keySet());
            assertThat(puts.values()).allMatch(n -> n == 1);
            for (KvEvent e : events.events(EventType.PUT)) {
                if (entries.containsKey(e.key())) {
                    assertThat(e.value()).isEqualTo(entries.get(e.key()));
                }
            }
            await(client.deleteAllAsync(entries.keySet()));
            Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> events.events(EventType.DELETE).stream()
                            .map(KvEvent::key)
                            .collect(Collectors.toSet())
                            .containsAll(entries.keySet()));
        }

        @Test
        @DisplayName("a putAll over a leased key makes it a plain key, as a put does: revoking the lease leaves it")
        void putAllClearsLease() {
            org.junit.jupiter.api.Assumptions.assumeTrue(has(KvCapability.LEASES), "the store does not declare LEASES");
            KvLease lease = await(client.grantLease(LeaseKit.SHORT_TTL));
            toClose.add(lease);
            await(client.put(ns + "was-leased", bytes("1"), lease));
            await(client.put(ns + "still-leased", bytes("1"), lease));
            await(client.putAllAsync(Map.of(ns + "was-leased", bytes("2"), ns + "plain", bytes("2"))));
            Map<String, KvPair> read = await(client.getAllAsync(List.of(ns + "was-leased", ns + "still-leased")));
            assertThat(read.get(ns + "was-leased").lease()).isZero();
            assertThat(read.get(ns + "still-leased").lease()).isEqualTo(lease.id());
            lease.revoke();
            Awaitility.await()
                    .atMost(LeaseKit.SHORT_TTL.plus(LeaseKit.GRACE))
                    .until(() -> get(ns + "still-leased").isEmpty());
            assertThat(get(ns + "was-leased").orElseThrow().valueAsString()).isEqualTo("2");
        }

        @Test
        @DisplayName("deleteAll then getAll finds nothing, and leaves other keys alone")
        void deleteAllThenGetAll() {
            Map<String, byte[]> entries = entries("d", 5);
            await(client.putAllAsync(entries));
            put(ns + "keep", "1");
            await(client.deleteAllAsync(entries.keySet()));
            assertThat(await(client.getAllAsync(entries.keySet()))).isEmpty();
            assertThat(await(client.listKeys(ns))).containsExactly(ns + "keep");
        }

        @Test
        @DisplayName("through the Backend: keys get the path prefix, and two prefixes do not see each other")
        void bulkPrefixIsolation() {
            Backend a = backend(ns + "a");
            Backend b = backend(ns + "b");
            a.putAll(Map.of("k1", bytes("a1"), "k2", bytes("a2")));
            b.putAll(Map.of("k1", bytes("b1")));
            Map<String, KvPair> readA = a.getAll(List.of("k1", "k2", "k3"));
            assertThat(asText(readA)).isEqualTo(Map.of(ns + "a/k1", "a1", ns + "a/k2", "a2"));
            assertThat(asText(b.getAll(List.of("k1", "k2")))).isEqualTo(Map.of(ns + "b/k1", "b1"));
            assertThat(get(ns + "a/k1").orElseThrow().valueAsString()).isEqualTo("a1");

            a.deleteAll(List.of("k1", "k2"));
            assertThat(a.getAll(List.of("k1", "k2"))).isEmpty();
            assertThat(asText(await(b.getAllAsync(List.of("k1"))))).isEqualTo(Map.of(ns + "b/k1", "b1"));

            assertThat(a.getAll(List.of())).isEmpty();
            a.putAll(Map.of());
            a.deleteAll(List.of());
            assertThatThrownBy(() -> a.putAll(Map.of("", bytes("x")))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.getAll(List.of("x".repeat(KvStoreClient.MAX_KEY_BYTES + 1))))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}

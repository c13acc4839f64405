package dev.kvstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kvstore.EventType;
import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreException;
import dev.kvstore.Txn;
import dev.kvstore.TxnResult;
import dev.kvstore.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Contract §8: conditional writes and transactions. */
public abstract class TransactionKit extends ResilienceKit {

    /** For subclasses. */
    protected TransactionKit() {}

    /**
     * Another client of the store under test, closed after the test.
     *
     * @return a new client made from {@link #config}
     */
    protected KvStoreClient newClient() {
        KvStoreClient c = providerFor(config.storeType()).create(config);
        toClose.add(c);
        return c;
    }

    private Txn.Builder txn() {
        return Txn.builder();
    }

    private TxnResult commit(Txn txn) {
        return await(client.commit(txn));
    }

    private String value(String key) {
        return get(key).map(KvPair::valueAsString).orElse(null);
    }

    @Nested
    @DisplayName("§8 Conditional writes and transactions")
    class ConditionalWrites {

        @BeforeEach
        void requireCapability() {
            assumeTrue(has(KvCapability.CONDITIONAL_WRITES), "the store does not declare CONDITIONAL_WRITES");
        }

        @Test
        @DisplayName("putIfAbsent writes an absent key and returns true")
        void putIfAbsentOnAbsent() {
            assertThat(await(client.putIfAbsent(ns + "k", bytes("v1")))).isTrue();
            assertThat(value(ns + "k")).isEqualTo("v1");
        }

        @Test
        @DisplayName("putIfAbsent on a present key writes nothing and returns false")
        void putIfAbsentOnPresent() {
            put(ns + "k", "old");
            long version = get(ns + "k").orElseThrow().version();
            assertThat(await(client.putIfAbsent(ns + "k", bytes("new")))).isFalse();
            KvPair p = get(ns + "k").orElseThrow();
            assertThat(p.valueAsString()).isEqualTo("old");
            assertThat(p.version()).isEqualTo(version);
        }

        @Test
        @DisplayName("exactly one of 16 threads on 3 clients wins putIfAbsent on one key")
        void exactlyOneWinner() throws Exception {
            List<KvStoreClient> clients = List.of(client, newClient(), newClient());
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    KvStoreClient c = clients.get(i % 3);
                    String me = "writer-" + i;
                    results.add(pool.submit(() -> {
                        start.await();
                        return await(c.putIfAbsent(ns + "winner", bytes(me)));
                    }));
                }
                start.countDown();
                int wins = 0;
                for (Future<Boolean> f : results) {
                    wins += f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS) ? 1 : 0;
                }
                assertThat(wins).isEqualTo(1);
                assertThat(value(ns + "winner")).startsWith("writer-");
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @DisplayName("ifPresent and ifValue hold only for a present key with exactly that value")
        void presentAndValueConditions() {
            assumeTrue(
                    has(KvCapability.TRANSACTIONS), "a condition on one key and a write to another need TRANSACTIONS");
            assertThat(commit(txn().ifPresent(ns + "k")
                                    .put(ns + "out", bytes("1"))
                                    .build())
                            .succeeded())
                    .isFalse();
            put(ns + "k", "v");
            assertThat(commit(txn().ifValue(ns + "k", bytes("other"))
                                    .put(ns + "out", bytes("2"))
                                    .build())
                            .succeeded())
                    .isFalse();
            assertThat(get(ns + "out")).isEmpty();
            assertThat(commit(txn().ifPresent(ns + "k")
                                    .ifValue(ns + "k", bytes("v"))
                                    .put(ns + "out", bytes("3"))
                                    .build())
                            .succeeded())
                    .isTrue();
            assertThat(value(ns + "out")).isEqualTo("3");
        }

        @Test
        @DisplayName("ifValue compares bytes exactly: an empty value is not a missing key")
        void emptyValueIsNotAbsent() {
            assumeTrue(
                    has(KvCapability.TRANSACTIONS), "a condition on one key and a write to another need TRANSACTIONS");
            assertThat(commit(txn().ifValue(ns + "k", new byte[0])
                                    .put(ns + "out", bytes("x"))
                                    .build())
                            .succeeded())
                    .isFalse();
            await(client.put(ns + "k", new byte[0]));
            assertThat(commit(txn().ifValue(ns + "k", new byte[0])
                                    .put(ns + "out", bytes("x"))
                                    .build())
                            .succeeded())
                    .isTrue();
        }

        @Test
        @DisplayName("a read–compare-and-set loop by value on 3 clients × 4 threads loses no increment")
        void noLostUpdateByValue() throws Exception {
            contend(false);
        }

        @Test
        @DisplayName("a read–compare-and-set loop by version on 3 clients × 4 threads loses no increment")
        void noLostUpdateByVersion() throws Exception {
            assumeTrue(has(KvCapability.VERSIONS), "the store keeps no versions");
            contend(true);
        }

        private void contend(boolean byVersion) throws Exception {
            int perThread = 250;
            List<KvStoreClient> clients = List.of(client, newClient(), newClient());
            String counter = ns + "counter";
            put(counter, "0");
            ExecutorService pool = Executors.newFixedThreadPool(12);
            AtomicInteger conflicts = new AtomicInteger();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 12; t++) {
                    KvStoreClient c = clients.get(t % 3);
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            while (true) {
                                KvPair p = await(c.get(counter)).orElseThrow();
                                byte[] next = bytes(String.valueOf(Long.parseLong(p.valueAsString()) + 1));
                                boolean ok = byVersion
                                        ? await(c.compareAndSet(counter, p.version(), next))
                                        : await(c.commit(Txn.builder()
                                                        .ifValue(counter, p.value())
                                                        .put(counter, next)
                                                        .build()))
                                                .succeeded();
                                if (ok) {
                                    break;
                                }
                                conflicts.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(value(counter))
                    .as("after %d conflicts", conflicts.get())
                    .isEqualTo(String.valueOf(12 * perThread));
        }

        @Test
        @DisplayName("compareAndSet with a stale version writes nothing; with the current one it writes")
        void compareAndSetVersions() {
            assumeTrue(has(KvCapability.VERSIONS), "the store keeps no versions");
            assertThat(await(client.compareAndSet(ns + "k", 0, bytes("v1"))))
                    .as("version 0: must be absent")
                    .isTrue();
            assertThat(await(client.compareAndSet(ns + "k", 0, bytes("v2"))))
                    .as("version 0 on a present key")
                    .isFalse();
            KvPair p = get(ns + "k").orElseThrow();
            assertThat(p.version()).isEqualTo(1);
            assertThat(await(client.compareAndSet(ns + "k", 2, bytes("v2")))).isFalse();
            assertThat(value(ns + "k")).isEqualTo("v1");
            assertThat(await(client.compareAndSet(ns + "k", 1, bytes("v2")))).isTrue();
            assertThat(get(ns + "k").orElseThrow().version()).isEqualTo(2);
            assertThat(value(ns + "k")).isEqualTo("v2");
        }

        @Test
        @DisplayName("compareAndDelete deletes only at the expected version")
        void compareAndDeleteVersions() {
            assumeTrue(has(KvCapability.VERSIONS), "the store keeps no versions");
            put(ns + "k", "v");
            put(ns + "k", "v2");
            assertThat(await(client.compareAndDelete(ns + "k", 1))).isFalse();
            assertThat(get(ns + "k")).isPresent();
            assertThat(await(client.compareAndDelete(ns + "k", 2))).isTrue();
            assertThat(get(ns + "k")).isEmpty();
            assertThat(await(client.compareAndDelete(ns + "k", 0)))
                    .as("version 0 on an absent key")
                    .isTrue();
        }

        @Test
        @DisplayName("a store without VERSIONS refuses version conditions before sending")
        void versionConditionsNeedVersions() {
            assumeTrue(!has(KvCapability.VERSIONS), "the store keeps versions");
            assertThatThrownBy(() -> client.compareAndSet(ns + "k", 1, bytes("v")))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> client.commit(txn().ifVersion(ns + "k", 1)
                            .put(ns + "k", bytes("v"))
                            .build()))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(get(ns + "k")).isEmpty();
        }
    }

    @Nested
    @DisplayName("§8 Transactions over several keys")
    class Transactions {

        @BeforeEach
        void requireCapability() {
            assumeTrue(has(KvCapability.TRANSACTIONS), "the store does not declare TRANSACTIONS");
        }

        @Test
        @DisplayName("every operation applies when every condition holds")
        void allApply() {
            put(ns + "a", "1");
            put(ns + "gone", "x");
            TxnResult r = commit(txn().ifPresent(ns + "a")
                    .ifAbsent(ns + "b")
                    .ifValue(ns + "a", bytes("1"))
                    .put(ns + "a", bytes("2"))
                    .put(ns + "b", bytes("3"))
                    .delete(ns + "gone")
                    .delete(ns + "never")
                    .build());
            assertThat(r.succeeded()).isTrue();
            assertThat(value(ns + "a")).isEqualTo("2");
            assertThat(value(ns + "b")).isEqualTo("3");
            assertThat(get(ns + "gone")).isEmpty();
        }

        @Test
        @DisplayName("one failed condition writes nothing and produces no event")
        void failedConditionWritesNothing() {
            put(ns + "a", "1");
            EventRecorder events = recorder();
            watch(ns, true, events);
            TxnResult r = commit(txn().ifAbsent(ns + "x")
                    .ifAbsent(ns + "a")
                    .put(ns + "x", bytes("x"))
                    .delete(ns + "a")
                    .build());
            assertThat(r.succeeded()).isFalse();
            assertThat(get(ns + "x")).isEmpty();
            assertThat(value(ns + "a")).isEqualTo("1");
            // a write after the failed transaction is the first thing the watch sees
            put(ns + "marker", "m");
            events.awaitPut(ns + "marker", "m");
            assertThat(events.events()).extracting(KvEvent::key).containsExactly(ns + "marker");
        }

        @Test
        @DisplayName("a watch gets one event per written key")
        void oneEventPerKey() {
            EventRecorder events = recorder();
            watch(ns, true, events);
            put(ns + "d", "x");
            events.awaitPut(ns + "d", "x");
            assertThat(commit(txn().put(ns + "a", bytes("1"))
                                    .put(ns + "b", bytes("2"))
                                    .delete(ns + "d")
                                    .build())
                            .succeeded())
                    .isTrue();
            events.awaitDelete(ns + "d");
            events.awaitPut(ns + "a", "1");
            events.awaitPut(ns + "b", "2");
            put(ns + "marker", "m");
            events.awaitPut(ns + "marker", "m");
            assertThat(events.events())
                    .extracting(KvEvent::key)
                    .containsExactlyInAnyOrder(ns + "d", ns + "a", ns + "b", ns + "d", ns + "marker");
        }

        @Test
        @DisplayName("no reader and no watch ever sees one key of a transaction without the other")
        void atomicity() throws Exception {
            String a = ns + "pair/a";
            String b = ns + "pair/b";
            commit(txn().put(a, bytes("0")).put(b, bytes("0")).build());
            EventRecorder events = recorder();
            watch(ns + "pair/", true, events);
            KvStoreClient reader = newClient();
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<String> torn = new ConcurrentLinkedQueue<>();
            AtomicInteger reads = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> readers = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    readers.add(pool.submit(() -> {
                        while (!stop.get()) {
                            Map<String, KvPair> m = await(reader.list(ns + "pair/"));
                            String va = m.get(a).valueAsString();
                            String vb = m.get(b).valueAsString();
                            if (!va.equals(vb)) {
                                torn.add(va + "/" + vb);
                            }
                            reads.incrementAndGet();
                        }
                        return null;
                    }));
                }
                int swaps = 500;
                for (int i = 1; i <= swaps; i++) {
                    assertThat(commit(txn().put(a, bytes(String.valueOf(i)))
                                            .put(b, bytes(String.valueOf(i)))
                                            .build())
                                    .succeeded())
                            .isTrue();
                }
                stop.set(true);
                for (Future<?> f : readers) {
                    f.get(1, TimeUnit.MINUTES);
                }
                events.awaitPut(a, String.valueOf(swaps));
                events.awaitPut(b, String.valueOf(swaps));
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
            assertThat(torn)
                    .as("lists that saw one key changed without the other, of %d", reads.get())
                    .isEmpty();
            if (has(KvCapability.EVERY_WRITE_EVENT)) {
                // One revision per transaction: its two events arrive together, before the next transaction's.
                List<KvEvent> puts = events.events(EventType.PUT);
                assertThat(puts).hasSize(1000);
                for (int i = 0; i < puts.size(); i += 2) {
                    assertThat(puts.get(i).valueAsString())
                            .isEqualTo(puts.get(i + 1).valueAsString());
                    assertThat(puts.get(i).key()).isNotEqualTo(puts.get(i + 1).key());
                }
            }
        }

        @Test
        @DisplayName("the store takes at least 64 conditions and operations per transaction")
        void sixtyFour() {
            assertThat(client.maxTxnSize()).isGreaterThanOrEqualTo(64);
            Txn.Builder t = txn();
            for (int i = 0; i < 32; i++) {
                t.ifAbsent(ns + "k" + i);
            }
            for (int i = 0; i < 32; i++) {
                t.put(ns + "k" + i, bytes("v" + i));
            }
            assertThat(commit(t.build()).succeeded()).isTrue();
            assertThat(await(client.listKeys(ns))).hasSize(32);
        }

        @Test
        @DisplayName("a transaction over the store's limit fails before sending, naming the limit")
        void overTheLimit() {
            int limit = client.maxTxnSize();
            Txn.Builder t = txn();
            for (int i = 0; i <= limit; i++) {
                t.put(ns + "k" + i, bytes("v"));
            }
            Txn big = t.build();
            assertThatThrownBy(() -> client.commit(big))
                    .isInstanceOf(KvStoreException.class)
                    .hasMessageContaining(String.valueOf(limit));
            assertThat(await(client.listKeys(ns))).isEmpty();
        }

        @Test
        @DisplayName("an empty transaction, a key written twice and a negative version are refused")
        void badTransactions() {
            assertThatThrownBy(() -> txn().ifAbsent(ns + "a").build()).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> txn().put(ns + "a", bytes("1")).delete(ns + "a"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> txn().ifVersion(ns + "a", -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> txn().put("", bytes("1"))).isInstanceOf(IllegalArgumentException.class);
            assertThat(await(client.listKeys(ns))).isEmpty();
        }

        @ParameterizedTest
        @MethodSource("dev.kvstore.tck.DataKit#hostileKeys")
        @DisplayName("hostile keys work in conditions and operations")
        void hostileKeys(String suffix) {
            String key = ns + suffix;
            assertThat(commit(txn().ifAbsent(key).put(key, bytes("1")).build()).succeeded())
                    .isTrue();
            assertThat(commit(txn().ifValue(key, bytes("1"))
                                    .ifPresent(key)
                                    .put(key, bytes("2"))
                                    .build())
                            .succeeded())
                    .isTrue();
            assertThat(value(key)).isEqualTo("2");
            assertThat(commit(txn().ifPresent(key).delete(key).build()).succeeded())
                    .isTrue();
            assertThat(get(key)).isEmpty();
        }

        @Test
        @DisplayName("through a Backend, transaction keys get the path prefix")
        void backendPrefixesKeys() {
            Backend b = backend(ns + "svc");
            assertThat(b.commit(Txn.builder()
                                    .ifAbsent("x")
                                    .put("x", bytes("1"))
                                    .put("y", bytes("2"))
                                    .build())
                            .succeeded())
                    .isTrue();
            assertThat(value(ns + "svc/x")).isEqualTo("1");
            assertThat(value(ns + "svc/y")).isEqualTo("2");
            assertThat(b.putIfAbsent("x", bytes("again"))).isFalse();
            assertThat(b.commitAsync(Txn.builder()
                                    .ifValue("x", bytes("1"))
                                    .delete("x")
                                    .build())
                            .join()
                            .succeeded())
                    .isTrue();
            assertThat(b.get("x")).isEmpty();
        }
    }

    @Nested
    @DisplayName("§8 Undeclared conditional writes fail fast")
    class UndeclaredConditionalWrites {

        @Test
        @DisplayName("without CONDITIONAL_WRITES every conditional form throws before sending")
        void undeclared() {
            assumeTrue(!has(KvCapability.CONDITIONAL_WRITES), "the store declares CONDITIONAL_WRITES");
            assertThatThrownBy(() -> client.putIfAbsent(ns + "k", bytes("v")))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> client.commit(
                            Txn.builder().put(ns + "k", bytes("v")).build()))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(get(ns + "k")).isEmpty();
        }

        @Test
        @DisplayName("without TRANSACTIONS a transaction over two keys throws before sending")
        void undeclaredTransactions() {
            assumeTrue(!has(KvCapability.TRANSACTIONS), "the store declares TRANSACTIONS");
            assertThatThrownBy(() -> client.commit(Txn.builder()
                            .put(ns + "a", bytes("v"))
                            .put(ns + "b", bytes("v"))
                            .build()))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(await(client.listKeys(ns))).isEmpty();
        }
    }
}

package dev.kvstore.tck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kvstore.KvCapability;
import dev.kvstore.KvElection;
import dev.kvstore.KvLock;
import dev.kvstore.KvLockHandle;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Contract §10: locks with fencing tokens, leader elections and reservations. */
public abstract class CoordinationKit extends LeaseKit {

    /**
     * The lock TTL of the contention tests, which check mutual exclusion, not expiry: long enough
     * that a child JVM starved of CPU on a loaded 2-core machine (keep-alives late by more than
     * {@link #SHORT_TTL}) does not lose its lease and fail the run for a reason the test is not about.
     */
    private static final Duration CONTENTION_TTL = Duration.ofSeconds(15);

    /** For subclasses. */
    protected CoordinationKit() {}

    private String lockName() {
        return ns + "lock";
    }

    private List<String> queued(String name) {
        return await(client.listKeys(name + "/q/"));
    }

    private static long since(long nanos) {
        return System.nanoTime() - nanos;
    }

    @Nested
    @DisplayName("§10 Locks")
    class Locks {

        @BeforeEach
        void requireCapability() {
            assumeTrue(has(KvCapability.LOCKS), "the store does not declare LOCKS");
        }

        @Test
        @DisplayName(
                "one holder at a time; a try that fails leaves nothing queued; each acquisition's fencing token is greater")
        void exclusiveWithTokens() {
            KvLock a = backend("").lock(lockName(), SHORT_TTL);
            KvLock b = backend("").lock(lockName(), SHORT_TTL);
            assertThat(a.name()).isEqualTo(lockName());
            KvLockHandle first = a.tryAcquire(Duration.ZERO).orElseThrow();
            assertThat(first.isHeld()).isTrue();
            assertThat(first.fencingToken()).isPositive();
            assertThat(b.tryAcquire(Duration.ZERO)).isEmpty();
            assertThat(b.tryAcquire(Duration.ofMillis(300))).isEmpty();
            assertThat(queued(lockName())).hasSize(1);
            first.release();
            assertThat(first.isHeld()).isFalse();
            first.release(); // idempotent
            KvLockHandle second = b.tryAcquire(Duration.ZERO).orElseThrow();
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            second.close();
            assertThat(queued(lockName())).isEmpty();
        }

        @Test
        @DisplayName(
                "a lock whose queue others moved on by 20 acquisitions still sees their holder, and they see it hold")
        void staleViewOfTheQueue() {
            KvLock a = backend("").lock(lockName(), SHORT_TTL);
            KvLock b = backend("").lock(lockName(), SHORT_TTL);
            a.tryAcquire(Duration.ZERO).orElseThrow().release();
            long last = 0;
            for (int i = 0; i < 20; i++) {
                try (KvLockHandle h = b.tryAcquire(Duration.ZERO).orElseThrow()) {
                    assertThat(h.fencingToken()).isGreaterThan(last);
                    last = h.fencingToken();
                }
            }
            KvLockHandle bHolds = b.tryAcquire(Duration.ZERO).orElseThrow();
            assertThat(a.tryAcquire(Duration.ZERO)).isEmpty(); // a's view is 21 tokens old
            bHolds.release();
            KvLockHandle aHolds = a.tryAcquire(Duration.ZERO).orElseThrow();
            assertThat(b.tryAcquire(Duration.ZERO)).isEmpty(); // b's view is two tokens old
            assertThat(aHolds.fencingToken()).isGreaterThan(bHolds.fencingToken());
            aHolds.release();
            assertThat(queued(lockName())).isEmpty();
        }

        @Test
        @DisplayName("a waiter wakes when the holder releases, and waiters are served in arrival order")
        void waitersInOrder() throws Exception {
            KvLock lock = backend("").lock(lockName(), SHORT_TTL);
            KvLockHandle holder = lock.tryAcquire(Duration.ZERO).orElseThrow();
            List<Long> order = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Void>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int expected = i + 2;
                waiters.add(CompletableFuture.runAsync(() -> {
                    try (KvLockHandle h = lock.tryAcquire(WAIT).orElseThrow()) {
                        order.add(h.fencingToken());
                    }
                }));
                Awaitility.await().atMost(WAIT).until(() -> queued(lockName()).size() == expected);
            }
            holder.release();
            CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new))
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(order).hasSize(3).isSorted().allMatch(t -> t > holder.fencingToken());
        }

        @Test
        @DisplayName("tryAcquire refuses a negative wait and a TTL under 2 s")
        void arguments() {
            Backend b = backend("");
            assertThatThrownBy(() -> b.lock(lockName()).tryAcquire(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.lock(lockName(), Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.lock("")).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName(
                "3 Backends x 4 threads, 50 read-increment-writes each under the lock: the counter ends at exactly 600, tokens rising")
        void contentionInProcess() throws Exception {
            List<CompletableFuture<String>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Backend b = backend("");
                runs.add(CompletableFuture.supplyAsync(() -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    try {
                        KitChild.count(
                                b,
                                lockName(),
                                CONTENTION_TTL,
                                4,
                                50,
                                ns + "counter",
                                new PrintStream(out, true, UTF_8));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return out.toString(UTF_8).trim();
                }));
            }
            for (CompletableFuture<String> r : runs) {
                assertThat(r.get(5, TimeUnit.MINUTES)).isEqualTo("done");
            }
            assertThat(get(ns + "counter").orElseThrow().valueAsString()).startsWith("600:");
        }

        @Test
        @DisplayName(
                "3 child JVMs x 4 threads, 50 read-increment-writes each under the lock: the counter ends at exactly 600, tokens rising")
        void contentionAcrossProcesses() {
            List<ChildJvm> children = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                children.add(child(
                        config,
                        "",
                        "count",
                        lockName(),
                        Long.toString(CONTENTION_TTL.toSeconds()),
                        "4",
                        "50",
                        ns + "counter"));
            }
            for (ChildJvm c : children) {
                assertThat(c.awaitLine(l -> l.equals("done") || l.startsWith("error"), Duration.ofMinutes(5)))
                        .isEqualTo("done");
            }
            assertThat(get(ns + "counter").orElseThrow().valueAsString()).startsWith("600:");
        }

        @Test
        @DisplayName("a holder killed with SIGKILL is replaced within the TTL + 2 s")
        void killedHolderReplaced() throws Exception {
            ChildJvm holder = child(config, "", "hold", lockName(), Long.toString(SHORT_TTL.toSeconds()));
            long token = Long.parseLong(
                    holder.awaitLine(l -> l.startsWith("held "), WAIT).split(" ")[1]);
            KvLock lock = backend("").lock(lockName(), SHORT_TTL);
            CompletableFuture<KvLockHandle> next =
                    CompletableFuture.supplyAsync(() -> lock.tryAcquire(WAIT).orElseThrow());
            Awaitility.await().atMost(WAIT).until(() -> queued(lockName()).size() == 2);
            holder.kill();
            long killed = System.nanoTime();
            KvLockHandle h = next.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(Duration.ofNanos(since(killed))).isLessThanOrEqualTo(deadHolderBound());
            assertThat(h.fencingToken()).isGreaterThan(token);
            h.release();
        }

        @Test
        @DisplayName("a holder cut off from the store gets onLost before a second holder acquires the lock")
        void cutOffHolderLearnsFirst() throws Exception {
            Proxied p = proxied();
            KvLockHandle cutOff = backend(p.config(), "")
                    .lock(lockName(), SHORT_TTL)
                    .tryAcquire(WAIT)
                    .orElseThrow();
            AtomicLong lostAt = new AtomicLong();
            cutOff.onLost(() -> lostAt.set(System.nanoTime()));
            KvLock lock = backend("").lock(lockName(), SHORT_TTL);
            CompletableFuture<KvLockHandle> next =
                    CompletableFuture.supplyAsync(() -> lock.tryAcquire(WAIT).orElseThrow());
            Awaitility.await().atMost(WAIT).until(() -> queued(lockName()).size() == 2);
            p.proxy().blackhole();
            long cut = System.nanoTime();
            KvLockHandle second = next.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            long acquiredAt = System.nanoTime();
            assertThat(lostAt.get()).as("onLost ran").isNotZero();
            assertThat(lostAt.get())
                    .as(
                            "onLost (%d ms after the cut) before the second holder (%d ms)",
                            (lostAt.get() - cut) / 1_000_000, (acquiredAt - cut) / 1_000_000)
                    .isLessThan(acquiredAt);
            assertThat(cutOff.isHeld()).isFalse();
            assertThat(second.fencingToken()).isGreaterThan(cutOff.fencingToken());
            second.release();
            p.proxy().restore();
        }
    }

    @Nested
    @DisplayName("§10 Leader elections")
    class Elections {

        @BeforeEach
        void requireCapability() {
            assumeTrue(has(KvCapability.LOCKS), "the store does not declare LOCKS");
        }

        @Test
        @DisplayName(
                "of 3 candidates exactly one leads, everyone agrees, and when it resigns another leads and every candidate is told")
        void oneLeader() {
            String name = ns + "election";
            List<KvElection> candidates = new ArrayList<>();
            List<List<Optional<String>>> told = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                KvElection e = backend("").elect(name, "c" + i, SHORT_TTL);
                toClose.add(0, e);
                List<Optional<String>> changes = new CopyOnWriteArrayList<>();
                e.onChange(changes::add);
                candidates.add(e);
                told.add(changes);
            }
            Backend observer = backend("");
            Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> candidates.stream().allMatch(c -> c.leader().equals(Optional.of("c1"))));
            assertThat(candidates.stream().filter(KvElection::isLeader).map(KvElection::candidateId))
                    .containsExactly("c1");
            assertThat(observer.leader(name)).contains("c1");
            candidates.get(0).close();
            assertThat(candidates.get(0).isLeader()).isFalse();
            Awaitility.await()
                    .atMost(SHORT_TTL.plus(GRACE))
                    .until(() -> candidates.get(1).isLeader());
            assertThat(candidates.get(2).isLeader()).isFalse();
            assertThat(observer.leader(name)).contains("c2");
            Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> told.get(1).contains(Optional.of("c2"))
                            && told.get(2).contains(Optional.of("c2")));
            assertThat(told.get(1)).startsWith(Optional.of("c1"));
            candidates.get(1).close();
            candidates.get(2).close();
            assertThat(observer.leader(name)).isEmpty();
        }

        @Test
        @DisplayName(
                "3 candidate processes: exactly one leader at every sample, agreed by a non-candidate; killing it elects another within the TTL + 2 s")
        void leaderProcessKilled() {
            String name = ns + "election";
            List<ChildJvm> children = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                children.add(child(config, "", "elect", name, "c" + i, Long.toString(SHORT_TTL.toSeconds())));
                children.get(i - 1).awaitLine(l -> l.startsWith("leader "), WAIT);
            }
            Backend observer = backend("");
            Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> believers(children, children).size() == 1);
            for (int sample = 0; sample < 10; sample++) {
                List<String> leaders = believers(children, children);
                assertThat(leaders).hasSize(1);
                assertThat(observer.leader(name)).contains(leaders.get(0));
            }
            String leader = believers(children, children).get(0);
            ChildJvm leaderJvm = children.get(Integer.parseInt(leader.substring(1)) - 1);
            List<ChildJvm> rest = new ArrayList<>(children);
            rest.remove(leaderJvm);
            leaderJvm.kill();
            long killed = System.nanoTime();
            Awaitility.await()
                    .atMost(deadHolderBound())
                    .until(() -> believers(rest, children).size() == 1);
            assertThat(Duration.ofNanos(since(killed))).isLessThanOrEqualTo(deadHolderBound());
            String next = believers(rest, children).get(0);
            assertThat(next).isNotEqualTo(leader);
            Awaitility.await().atMost(WAIT).until(() -> observer.leader(name).equals(Optional.of(next)));
        }

        /** The candidates among {@code alive} whose last report names themselves as the leader. */
        private List<String> believers(List<ChildJvm> alive, List<ChildJvm> all) {
            List<String> ids = new ArrayList<>();
            for (ChildJvm c : alive) {
                String id = "c" + (all.indexOf(c) + 1);
                List<String> lines =
                        c.lines().stream().filter(l -> l.startsWith("leader ")).toList();
                if (!lines.isEmpty()
                        && lines.get(lines.size() - 1).split(" ")[1].equals(id)) {
                    ids.add(id);
                }
            }
            return ids;
        }
    }

    @Nested
    @DisplayName("§10 Reservations")
    class Reservations {

        @BeforeEach
        void requireCapability() {
            assumeTrue(has(KvCapability.LOCKS), "the store does not declare LOCKS");
        }

        private String reserve(Backend b, String key, String value, Duration ttl) {
            return new String(b.reserve(key, value.getBytes(UTF_8), ttl), UTF_8);
        }

        @Test
        @DisplayName("the second reserver gets the first one's value; after release a new reserver wins")
        void secondGetsFirstsValue() {
            Backend one = backend("");
            Backend two = backend("");
            assertThat(reserve(one, ns + "r", "one", SHORT_TTL)).isEqualTo("one");
            assertThat(reserve(two, ns + "r", "two", SHORT_TTL)).isEqualTo("one");
            assertThat(two.renewReservation(ns + "r")).isFalse();
            two.releaseReservation(ns + "r"); // not ours: nothing happens
            assertThat(reserve(two, ns + "r", "two", SHORT_TTL)).isEqualTo("one");
            one.releaseReservation(ns + "r");
            assertThat(reserve(two, ns + "r", "two", SHORT_TTL)).isEqualTo("two");
        }

        @Test
        @DisplayName("a reservation not renewed expires after its TTL, then a new reserver wins")
        void expires() {
            Backend one = backend("");
            Backend two = backend("");
            long start = System.nanoTime();
            assertThat(reserve(one, ns + "r", "one", SHORT_TTL)).isEqualTo("one");
            Awaitility.await()
                    .atMost(SHORT_TTL.plus(GRACE))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> reserve(two, ns + "r", "two", SHORT_TTL).equals("two"));
            assertThat(Duration.ofNanos(since(start))).isGreaterThanOrEqualTo(SHORT_TTL.minusMillis(200));
            assertThat(one.renewReservation(ns + "r")).isFalse();
        }

        @Test
        @DisplayName("renewing keeps a reservation past its TTL")
        void renewKeeps() {
            Backend one = backend("");
            Backend two = backend("");
            assertThat(reserve(one, ns + "r", "one", SHORT_TTL)).isEqualTo("one");
            long start = System.nanoTime();
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                assertThat(one.renewReservation(ns + "r")).isTrue();
                return since(start) > SHORT_TTL.multipliedBy(2).toNanos();
            });
            assertThat(reserve(two, ns + "r", "two", SHORT_TTL)).isEqualTo("one");
        }

        @Test
        @DisplayName("releaseAllReservations releases ours only")
        void releaseAllOnlyOurs() {
            Backend one = backend("");
            Backend two = backend("");
            reserve(one, ns + "a", "one", SHORT_TTL);
            reserve(one, ns + "b", "one", SHORT_TTL);
            reserve(two, ns + "c", "two", SHORT_TTL);
            one.releaseAllReservations();
            assertThat(reserve(two, ns + "a", "two", SHORT_TTL)).isEqualTo("two");
            assertThat(reserve(two, ns + "b", "two", SHORT_TTL)).isEqualTo("two");
            assertThat(reserve(one, ns + "c", "one", SHORT_TTL)).isEqualTo("two");
            assertThat(two.renewReservation(ns + "c")).isTrue();
        }
    }

    @Nested
    @DisplayName("§10 Locks, elections and reservations (undeclared)")
    class Undeclared {

        @Test
        @DisplayName(
                "a store without LOCKS refuses locks, elections and reservations with UnsupportedOperationException")
        void locksRefused() {
            assumeFalse(has(KvCapability.LOCKS), "the store declares LOCKS");
            Backend b = backend("");
            assertThatThrownBy(() -> b.lock(lockName())).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> b.elect(ns + "e", "c1")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> b.leader(ns + "e")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> b.reserve(ns + "r", new byte[0], SHORT_TTL))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }
}

package dev.kvstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kvstore.KvCapability;
import dev.kvstore.KvLease;
import dev.kvstore.KvLeaseInfo;
import dev.kvstore.KvPair;
import dev.kvstore.KvRegistration;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.ChildJvm;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Contract §9: leases and self-healing registrations. */
public abstract class LeaseKit extends GapFreeWatchKit {

    /** The TTL the fault cases use: short, so that they finish quickly. */
    protected static final Duration SHORT_TTL = Duration.ofSeconds(3);
    /** The contract's bound past the TTL for a store to delete a lease's keys. */
    protected static final Duration GRACE = Duration.ofSeconds(2);

    /** For subclasses. */
    protected LeaseKit() {}

    /**
     * How long after its holder stops keeping it alive (killed with SIGKILL) a lease granted with
     * {@code ttl} may still hold its keys on this store: the TTL itself, as contract §9 says. A store
     * whose leases cannot have a TTL of their own returns what rules there instead, as its README
     * says (ZooKeeper: the session timeout); the kit then allows that plus 2 s where it allows the
     * TTL plus 2 s for a dead holder.
     *
     * @param ttl the TTL the lease was granted with
     * @return how long its keys may outlive their holder's last keep-alive
     */
    protected Duration leaseExpiry(Duration ttl) {
        return ttl;
    }

    /**
     * {@link #leaseExpiry} of {@link #SHORT_TTL} plus the contract's 2 s.
     *
     * @return the bound
     */
    protected Duration deadHolderBound() {
        return leaseExpiry(SHORT_TTL).plus(GRACE);
    }

    /**
     * Whether another process can reach the store under test with {@link #config()}: true for
     * every store with a server; false for the in-process store, whose child-process cases are then
     * skipped (their in-process forms still run).
     *
     * @return whether child JVMs can share the store
     */
    protected boolean reachableFromOtherProcesses() {
        return !"memory".equals(config.storeType());
    }

    /**
     * Starts {@link KitChild} in a child JVM against the store under test, killed after the test.
     *
     * @param config the configuration the child uses
     * @param pathPrefix its Backend's path prefix
     * @param mode the mode and its arguments
     * @return the child
     */
    protected ChildJvm child(KvStoreConfig config, String pathPrefix, String... mode) {
        assumeTrue(reachableFromOtherProcesses(), "another process cannot reach this store (in-process)");
        ChildJvm c = ChildJvm.start(KitChild.class, KitChild.args(config, pathPrefix, mode));
        toClose.add(0, c);
        return c;
    }

    /**
     * {@link #proxiedClient()}, skipped at once (before any proxy starts) for a store that cannot
     * be reached through a proxy.
     *
     * @return the proxy and a client through it
     */
    protected Proxied proxied() {
        assumeTrue(
                configVia("127.0.0.1:1").isPresent(),
                "this store cannot be reached through one proxied address (configVia is empty)");
        return proxiedClient();
    }

    /**
     * A Backend for a configuration (such as a proxied one), closed after the test.
     *
     * @param config the configuration
     * @param pathPrefix the path prefix
     * @return the Backend
     */
    protected Backend backend(KvStoreConfig config, String pathPrefix) {
        Backend b = Backend.builder()
                .storeType(config.storeType())
                .address(config.address())
                .timeout(config.timeout())
                .options(config.options())
                .pathPrefix(pathPrefix)
                .build();
        toClose.add(0, b);
        return b;
    }

    @Nested
    @DisplayName("§9 Leases")
    class Leases {

        @BeforeEach
        void requireCapability() {
            assumeTrue(has(KvCapability.LEASES), "the store does not declare LEASES");
        }

        @Test
        @DisplayName("a leased key reports its lease's id in KvPair.lease(); an ordinary key reports 0")
        void leaseIdOnPairs() {
            KvLease lease = await(client.grantLease(SHORT_TTL));
            toClose.add(lease);
            assertThat(lease.id()).isNotZero();
            assertThat(lease.ttl()).isEqualTo(SHORT_TTL);
            assertThat(lease.isActive()).isTrue();
            await(client.put(ns + "leased", bytes("v"), lease));
            put(ns + "plain", "v");
            assertThat(get(ns + "leased").orElseThrow().lease()).isEqualTo(lease.id());
            assertThat(get(ns + "plain").orElseThrow().lease()).isZero();
        }

        @Test
        @DisplayName("revoke() deletes the lease's keys within the TTL + 2 s, a watch sees DELETE, onLost does not run")
        void revokeDeletes() {
            KvLease lease = await(client.grantLease(SHORT_TTL));
            await(client.put(ns + "a", bytes("1"), lease));
            await(client.put(ns + "b", bytes("2"), lease));
            EventRecorder events = recorder();
            watch(ns, true, events);
            List<Boolean> lost = new CopyOnWriteArrayList<>();
            lease.onLost(() -> lost.add(true));
            lease.revoke();
            assertThat(lease.isActive()).isFalse();
            Awaitility.await()
                    .atMost(SHORT_TTL.plus(GRACE))
                    .until(() -> get(ns + "a").isEmpty() && get(ns + "b").isEmpty());
            events.awaitDelete(ns + "a");
            events.awaitDelete(ns + "b");
            lease.revoke(); // idempotent
            assertThat(lost).isEmpty();
        }

        @Test
        @DisplayName(
                "listLeases and leaseInfo describe a lease (any client's): its TTLs and exactly the keys it still holds; a revoked one is gone")
        void describeLeases() {
            KvLease lease = await(client.grantLease(SHORT_TTL));
            toClose.add(lease);
            Optional<KvLeaseInfo> probe;
            try {
                probe = await(client.leaseInfo(lease.id()));
            } catch (UnsupportedOperationException e) {
                // A store that cannot describe leases (ZooKeeper: a lease is a session) refuses both
                // calls before sending anything; the rest of this case does not apply to it.
                assertThatThrownBy(() -> client.listLeases(ns)).isInstanceOf(UnsupportedOperationException.class);
                Assumptions.abort("the store cannot describe leases: " + e.getMessage());
                return;
            }
            assertThat(probe).as("a lease with no keys yet").isPresent();
            await(client.put(ns + "d/a", bytes("1"), lease));
            await(client.put(ns + "d/b", bytes("2"), lease));
            await(client.put(ns + "d/c", bytes("3"), lease));
            put(ns + "d/c", "plain now"); // no longer the lease's
            put(ns + "d/plain", "v");
            KvStoreClient other = newClient();

            KvLeaseInfo info = await(other.leaseInfo(lease.id())).orElseThrow();
            assertThat(info.id()).isEqualTo(lease.id());
            assertThat(info.grantedTtl()).isEqualTo(SHORT_TTL);
            assertThat(info.remainingTtl()).isPositive().isLessThanOrEqualTo(SHORT_TTL);
            assertThat(info.keys()).containsExactly(ns + "d/a", ns + "d/b");
            assertThat(await(other.listLeases(ns + "d/"))).singleElement().satisfies(listed -> {
                assertThat(listed.id()).isEqualTo(lease.id());
                assertThat(listed.grantedTtl()).isEqualTo(SHORT_TTL);
                assertThat(listed.keys()).containsExactly(ns + "d/a", ns + "d/b");
            });
            assertThat(await(other.listLeases(ns + "elsewhere/"))).isEmpty();

            lease.revoke();
            Awaitility.await()
                    .atMost(SHORT_TTL.plus(GRACE))
                    .until(() -> await(other.leaseInfo(lease.id())).isEmpty());
            assertThat(await(other.listLeases(ns + "d/"))).isEmpty();
        }

        @Test
        @DisplayName("a TTL under 2 s or not whole seconds fails with IllegalArgumentException")
        void ttlBounds() {
            assertThatThrownBy(() -> client.grantLease(Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> client.grantLease(Duration.ofMillis(2500)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> backend("").register("k", bytes("v"), Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName(
                "a leased key is gone within the TTL + 2 s after its holder process is killed with SIGKILL (see leaseExpiry)")
        void holderKilled() {
            ChildJvm holder = child(config, "", "lease", ns + "mine", Long.toString(SHORT_TTL.toSeconds()));
            String ready = holder.awaitLine(l -> l.startsWith("ready "), WAIT);
            assertThat(get(ns + "mine").orElseThrow().lease()).isEqualTo(Long.parseLong(ready.substring(6)));
            EventRecorder events = recorder();
            watch(ns + "mine", false, events);
            holder.kill();
            long killed = System.nanoTime();
            events.awaitDelete(ns + "mine");
            assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThanOrEqualTo(deadHolderBound());
            assertThat(get(ns + "mine")).isEmpty();
        }

        @Test
        @DisplayName(
                "onLost runs when the holder is cut off longer than the TTL, no later than the store deletes the key")
        void cutOffHolderLosesLease() {
            Proxied p = proxied();
            KvLease lease = await(p.client().grantLease(SHORT_TTL));
            await(p.client().put(ns + "cut", bytes("v"), lease));
            AtomicLong lostAt = new AtomicLong();
            lease.onLost(() -> lostAt.set(System.nanoTime()));
            EventRecorder events = recorder();
            watch(ns + "cut", false, events);
            p.proxy().blackhole();
            long cut = System.nanoTime();
            events.awaitDelete(ns + "cut");
            long deletedSeen = System.nanoTime();
            Awaitility.await().atMost(SHORT_TTL.plus(GRACE)).until(() -> lostAt.get() != 0);
            assertThat(lease.isActive()).isFalse();
            assertThat(Duration.ofNanos(lostAt.get() - cut))
                    .as("onLost after the cut")
                    .isLessThanOrEqualTo(SHORT_TTL.plus(GRACE));
            assertThat(lostAt.get()).as("onLost before the deletion was seen").isLessThanOrEqualTo(deletedSeen);
            p.proxy().restore();
        }
    }

    @Nested
    @DisplayName("§9 Leases (undeclared)")
    class LeasesUndeclared {

        @Test
        @DisplayName(
                "a store without LEASES fails grantLease, leased puts and register with UnsupportedOperationException, sending nothing")
        void leasesRefused() {
            assumeFalse(has(KvCapability.LEASES), "the store declares LEASES");
            assertThat(failureOf(() -> client.grantLease(SHORT_TTL))).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> backend("").register("k", bytes("v"), SHORT_TTL))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    @DisplayName("§9 Self-healing registrations")
    class Registrations {

        @BeforeEach
        void requireCapability() {
            assumeTrue(has(KvCapability.LEASES), "the store does not declare LEASES");
        }

        @Test
        @DisplayName("register() puts a leased key; close() deletes it")
        void registerAndClose() {
            Backend b = backend("");
            KvRegistration r = b.register(ns + "svc", bytes("addr"), SHORT_TTL);
            assertThat(r.isRegistered()).isTrue();
            assertThat(r.key()).isEqualTo(ns + "svc");
            KvPair p = get(ns + "svc").orElseThrow();
            assertThat(p.valueAsString()).isEqualTo("addr");
            assertThat(p.lease()).isNotZero();
            r.close();
            assertThat(r.isRegistered()).isFalse();
            assertThat(get(ns + "svc")).isEmpty();
            r.close(); // idempotent
        }

        @Test
        @DisplayName("a registration deleted by someone else comes back by itself; onChange reports false then true")
        void deletedComesBack() {
            Backend b = backend("");
            List<Boolean> changes = new CopyOnWriteArrayList<>();
            KvRegistration r = b.register(ns + "svc", bytes("addr"), SHORT_TTL);
            toClose.add(0, r);
            r.onChange(changes::add);
            await(client.delete(ns + "svc"));
            Awaitility.await().atMost(SHORT_TTL.plusSeconds(5)).until(() -> changes.size() >= 2);
            assertThat(changes).containsExactly(false, true);
            assertThat(get(ns + "svc").orElseThrow().valueAsString()).isEqualTo("addr");
            assertThat(r.isRegistered()).isTrue();
        }

        @Test
        @DisplayName(
                "a registration cut off from the store longer than its TTL comes back within TTL + 5 s of the store being reachable")
        void partitionComesBack() {
            Proxied p = proxied();
            Backend b = backend(p.config(), "");
            RegistrationHealing.assertComesBack(
                    b,
                    ns + "svc",
                    SHORT_TTL,
                    p.proxy()::blackhole,
                    p.proxy()::restore,
                    SHORT_TTL.plus(GRACE).plus(GRACE));
        }
    }
}

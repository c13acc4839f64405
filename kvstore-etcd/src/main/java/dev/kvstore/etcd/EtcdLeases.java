package dev.kvstore.etcd;

import dev.kvstore.KvLease;
import dev.kvstore.KvStoreException;
import dev.kvstore.spi.AbstractKvLease;
import dev.kvstore.spi.Futures;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of one client: granted with etcd's {@code LeaseGrant}, kept alive on jetcd's
 * keep-alive stream (one stream per client for all its leases), reported lost when they can no
 * longer be vouched for, revoked with {@code LeaseRevoke}.
 *
 * <p>When a lease is lost. etcd keeps a lease until its TTL after the server received the last
 * keep-alive; the server received it after it was sent, so the lease is safe until TTL after
 * the SEND of the last answered keep-alive. {@link KeepAliveClock} reports each answer with the
 * time its request was sent, and that time plus the TTL is the lease's deadline (the first one:
 * the send of the grant plus the TTL). When the deadline passes with no newer answer, or etcd
 * answers that the lease is gone, the lease is lost: its {@code onLost} actions run (no later than
 * the deadline, so before etcd can give what it held to anyone else), jetcd stops keeping it alive,
 * and it is revoked if etcd can still be reached, so that the store agrees with what the holder
 * was told. jetcd sends a keep-alive a third of the TTL after the last answer (its timer ticks
 * every 500 ms), so a healthy lease has at least two chances per TTL.
 *
 * <p>Threads: answers arrive on jetcd's event loop ({@link #answered}, the jetcd observers) and only
 * move a deadline or hand work on; deadline checks run on the SPI's timer workers; grants and revokes
 * complete on the client's callback threads; {@code onLost} actions run on the SPI's lease
 * threads. The table of leases is concurrent; each lease's deadline is its own atomic field.
 */
final class EtcdLeases implements KeepAliveClock.Answers {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdLeases.class);

    private final EtcdKvStoreClient client;
    private final Lease leaseClient;
    private final Duration timeout;
    private final Map<Long, EtcdLease> active = new ConcurrentHashMap<>();

    EtcdLeases(EtcdKvStoreClient client, Lease leaseClient, Duration timeout) {
        this.client = client;
        this.leaseClient = leaseClient;
        this.timeout = timeout;
    }

    /**
     * Grants a lease and starts keeping it alive. A grant that fails (or times out) leaves no lease
     * kept alive: one granted anyway by etcd expires after its TTL.
     */
    CompletableFuture<KvLease> grant(Duration ttl) {
        AbstractKvLease.checkTtl(ttl);
        long sentAt = System.nanoTime();
        return client.call("grantLease", null, () -> leaseClient.grant(ttl.toSeconds()), r -> r)
                .thenApply(response -> start(response, sentAt));
    }

    private KvLease start(LeaseGrantResponse response, long sentAt) {
        if (client.isClosed()) { // closed while the grant was under way: the lease ends with its TTL
            throw new KvStoreException("etcd grantLease failed: the client is closed");
        }
        // etcd may grant more than asked (its minimum TTL); the granted TTL is what it enforces.
        Duration ttl = Duration.ofSeconds(response.getTTL());
        EtcdLease lease = new EtcdLease(response.getID(), ttl, sentAt + ttl.toNanos());
        active.put(lease.id(), lease);
        keepAlive(lease);
        check(lease);
        return lease;
    }

    /**
     * The etcd lease id of a lease this client granted, for a leased put.
     *
     * @throws IllegalArgumentException if another client granted it
     * @throws KvStoreException if it is no longer active (lost or revoked)
     */
    long idOf(KvLease lease) {
        if (!(lease instanceof EtcdLease etcdLease) || etcdLease.owner() != this) {
            throw new IllegalArgumentException("lease " + lease + " was not granted by this etcd client");
        }
        if (!etcdLease.isActive()) {
            throw new KvStoreException("etcd lease " + etcdLease.id() + " is no longer active (lost or revoked): "
                    + "a key put with it would not live");
        }
        return etcdLease.id();
    }

    @Override
    public void answered(long leaseId, long sentAtNanos, long ttlSeconds) {
        EtcdLease lease = active.get(leaseId);
        if (lease == null) {
            return;
        }
        if (ttlSeconds <= 0) {
            lost(lease, "etcd answered that it no longer has the lease");
        } else {
            lease.extendTo(sentAtNanos + TimeUnit.SECONDS.toNanos(ttlSeconds));
        }
    }

    /** Revokes every lease still held, waiting at most the timeout in all. Called by the client's close. */
    void closeAll() {
        List<CompletableFuture<Void>> revokes = new ArrayList<>();
        for (EtcdLease lease : List.copyOf(active.values())) {
            revokes.add(CompletableFuture.runAsync(lease::revoke, client.callbackExecutor()));
        }
        try {
            CompletableFuture.allOf(revokes.toArray(CompletableFuture[]::new))
                    .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.info(
                    "etcd close: not every lease could be revoked ({}); their keys go when their TTL runs out",
                    e.toString());
        }
    }

    /** Registers the lease with jetcd's keep-alive stream. */
    private void keepAlive(EtcdLease lease) {
        try {
            lease.keepAlive = leaseClient.keepAlive(lease.id(), new Observer(lease));
        } catch (RuntimeException e) {
            LOG.debug("etcd lease {}: keep-alive not started", lease.id(), e); // the client is closing
        }
        if (!lease.isActive()) {
            lease.stopKeepAlive(); // lost or revoked meanwhile
        }
    }

    /** Checks the lease's deadline now and again when it is due; on the client's timer. */
    private void check(EtcdLease lease) {
        if (!lease.isActive()) {
            return;
        }
        long left = lease.deadline() - System.nanoTime();
        if (left <= 0) {
            lost(lease, "no keep-alive was answered within its TTL of " + lease.ttl());
        } else {
            Futures.schedule(() -> check(lease), Duration.ofNanos(left));
        }
    }

    private void lost(EtcdLease lease, String reason) {
        if (!lease.markLostOnce()) {
            return;
        }
        LOG.warn("etcd lease {} is lost: {}", lease.id(), reason);
        active.remove(lease.id());
        lease.stopKeepAlive();
        client.call("revokeLease", null, () -> leaseClient.revoke(lease.id()), r -> null)
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOG.debug("etcd lease {}: revoke after loss failed (its TTL ends it)", lease.id(), failure);
                    }
                });
    }

    /** A lease granted by this client. */
    private final class EtcdLease extends AbstractKvLease {
        private final AtomicLong deadline;
        private volatile CloseableClient keepAlive;

        EtcdLease(long id, Duration ttl, long deadline) {
            super(EtcdKvStoreProvider.STORE_TYPE, id, ttl, timeout);
            this.deadline = new AtomicLong(deadline);
        }

        EtcdLeases owner() {
            return EtcdLeases.this;
        }

        long deadline() {
            return deadline.get();
        }

        void extendTo(long newDeadline) {
            deadline.accumulateAndGet(newDeadline, (a, b) -> b - a > 0 ? b : a);
        }

        boolean markLostOnce() {
            return markLost();
        }

        void stopKeepAlive() {
            CloseableClient k = keepAlive;
            if (k != null) {
                try {
                    k.close();
                } catch (RuntimeException e) {
                    LOG.debug("etcd lease {}: stopping its keep-alive failed", id(), e);
                }
            }
        }

        @Override
        protected CompletableFuture<Void> doRevoke() {
            active.remove(id());
            stopKeepAlive();
            return client.call("revokeLease", null, () -> leaseClient.revoke(id()), r -> (Void) null)
                    .exceptionallyCompose(failure -> EtcdErrors.code(failure) == Status.Code.NOT_FOUND
                            ? CompletableFuture.completedFuture(null) // gone already: so are its keys
                            : CompletableFuture.failedFuture(failure));
        }
    }

    /** jetcd's view of one lease's keep-alive; the timing comes from {@link KeepAliveClock}. */
    private final class Observer implements StreamObserver<LeaseKeepAliveResponse> {
        private final EtcdLease lease;

        Observer(EtcdLease lease) {
            this.lease = lease;
        }

        @Override
        public void onNext(LeaseKeepAliveResponse response) {
            // answered() has moved the deadline already
        }

        @Override
        public void onError(Throwable failure) {
            if (EtcdErrors.code(failure) == Status.Code.NOT_FOUND) {
                lost(lease, "etcd answered that it no longer has the lease");
            }
            // Otherwise the stream failed: jetcd opens a new one and the deadline decides.
        }

        @Override
        public void onCompleted() {
            // jetcd dropped the lease: no answer within its own limit (the TTL, or 10 s for the
            // first keep-alive). Keep trying until our deadline says otherwise.
            if (lease.isActive()) {
                Futures.schedule(() -> keepAlive(lease), Duration.ZERO);
            }
        }
    }
}

package dev.kvstore.backend.internal;

import dev.kvstore.KvLease;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreException;
import dev.kvstore.Txn;
import dev.kvstore.spi.Futures;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Go library's reservations ({@code Reserve}, {@code RenewReservation},
 * {@code ReleaseReservation}, {@code ReleaseAllReservations}): a key taken with a leased
 * put-if-absent. As there, a reservation lasts its TTL unless renewed: here a deadline in
 * this process revokes the lease (deleting the key) when the TTL passes without a renewal, while
 * the lease, kept alive by the library meanwhile, makes the key vanish within the TTL if this
 * process dies or is cut off.
 *
 * <p>Threads: the map of this Backend's reservations is concurrent; each reservation's deadline is
 * guarded by its monitor; deadlines fire on the shared timer's workers. Store calls run on the
 * callers' threads, or on the workers for deadlines.
 */
final class Reservations {

    private static final Logger LOG = LoggerFactory.getLogger(Reservations.class);
    /** Attempts when the key disappears between our failed put-if-absent and the read of its holder. */
    private static final int ATTEMPTS = 5;

    private final Calls calls;
    private final ConcurrentHashMap<String, Reservation> held = new ConcurrentHashMap<>();

    Reservations(Calls calls) {
        this.calls = calls;
    }

    byte[] reserve(String key, byte[] value, Duration ttl) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            KvLease lease = calls.await("grantLease", key, () -> calls.client().grantLease(ttl));
            Txn txn = Txn.builder().ifAbsent(key).put(key, value, lease).build();
            boolean won;
            try {
                won = calls.await("reserve", key, () -> calls.client().commit(txn))
                        .succeeded();
            } catch (RuntimeException e) {
                revokeLater(lease);
                throw e;
            }
            if (won) {
                Reservation r = new Reservation(key, lease, ttl);
                Reservation old = held.put(key, r);
                if (old != null) {
                    old.end(); // its key had gone from the store; forget it
                }
                r.extend();
                lease.onLost(() -> r.end());
                return value.clone();
            }
            revokeLater(lease);
            Optional<KvPair> holder =
                    calls.await("get", key, () -> calls.client().get(key));
            if (holder.isPresent()) {
                return holder.get().value();
            }
        }
        throw new KvStoreException(calls.storeType() + " reserve \"" + key + "\" failed: the key was taken and freed "
                + ATTEMPTS + " times in a row");
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    boolean renew(String key) {
        Reservation r = held.get(key);
        if (r == null) {
            return false;
        }
        if (!r.lease.isActive()) {
            r.end();
            return false;
        }
        Optional<KvPair> now = calls.await("get", key, () -> calls.client().get(key));
        if (now.isEmpty() || now.get().lease() != 0 && now.get().lease() != r.lease.id()) {
            if (r.end()) {
                revokeLater(r.lease);
            }
            return false;
        }
        return r.extend();
    }

    void release(String key) {
        Reservation r = held.get(key);
        if (r != null && r.end()) {
            r.lease.revoke();
        }
    }

    void releaseAll() {
        RuntimeException first = null;
        for (Reservation r : List.copyOf(held.values())) {
            try {
                release(r.key);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void revokeLater(KvLease lease) {
        Coordination.POOL.execute(() -> {
            try {
                lease.revoke();
            } catch (RuntimeException e) {
                LOG.debug("revoking {} failed; it ends with its TTL", lease, e);
            }
        });
    }

    /** One reservation of ours: its lease and the deadline that ends it unless renewed. */
    private final class Reservation {
        final String key;
        final KvLease lease;
        final Duration ttl;
        private ScheduledFuture<?> deadline;
        private boolean ended;

        Reservation(String key, KvLease lease, Duration ttl) {
            this.key = key;
            this.lease = lease;
            this.ttl = ttl;
        }

        /** Moves the deadline to a TTL from now; false if already ended. */
        synchronized boolean extend() {
            if (ended) {
                return false;
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            deadline = Futures.schedule(this::expire, ttl);
            return true;
        }

        private void expire() {
            if (end()) {
                LOG.debug("reservation \"{}\" expired without a renewal", key);
                revokeLater(lease);
            }
        }

        /** Forgets the reservation; true for the call that ended it. */
        boolean end() {
            synchronized (this) {
                if (ended) {
                    return false;
                }
                ended = true;
                if (deadline != null) {
                    deadline.cancel(false);
                }
            }
            held.remove(key, this);
            return true;
        }
    }
}

package dev.kvstore.backend.internal;

import dev.kvstore.EventType;
import dev.kvstore.KvLease;
import dev.kvstore.KvPair;
import dev.kvstore.KvRegistration;
import dev.kvstore.KvWatch;
import dev.kvstore.spi.Futures;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A self-healing ephemeral key: a put under a lease of its own, and a watch on the key. When the
 * lease is lost (keep-alives failing for the TTL, session expired) or the key is deleted by
 * someone else (seen by the watch, then checked with a read), listeners hear {@code false} and the
 * key is put again, under the same lease while it is active or a new one, retried with bounded
 * back-off until it works or the registration is closed; then listeners hear {@code true}. This
 * is what Curator's {@code PersistentNode} does for ZooKeeper, on every store.
 *
 * <p>Threads: the state is guarded by this object's monitor. Lease-loss actions and watch events
 * come on kvstore threads and only schedule work; repairs and checks run on the shared timer's
 * workers; listeners run on one {@link SerialExecutor}, in order. No store call and no listener
 * runs under the monitor.
 */
final class Registration implements KvRegistration {

    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

    private final Coordination co;
    private final Calls calls;
    private final String key;
    private final byte[] value;
    private final Duration ttl;
    private final SerialExecutor serial = new SerialExecutor(Coordination.POOL);
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();

    private KvLease lease;
    private boolean registered;
    private boolean repairing;
    private boolean closed;
    private KvWatch watch;

    Registration(Coordination co, String key, byte[] value, Duration ttl) {
        this.co = co;
        this.calls = co.calls();
        this.key = key;
        this.value = value.clone();
        this.ttl = ttl;
    }

    /** Watches the key, then puts it under a new lease; throws (leaving nothing) if either fails. */
    void start() {
        KvWatch w = calls.watch(key, false, e -> {
            if (e.type() == EventType.DELETE || e.type() == EventType.UNKNOWN) {
                Futures.schedule(this::check, Duration.ZERO);
            }
        });
        KvLease l;
        try {
            l = calls.await("grantLease", key, () -> calls.client().grantLease(ttl));
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        try {
            calls.await("put", key, () -> calls.client().put(key, value, l));
        } catch (RuntimeException e) {
            w.close();
            revokeQuietly(l);
            throw e;
        }
        synchronized (this) {
            watch = w;
            lease = l;
            registered = true;
        }
        l.onLost(() -> lost(l));
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public boolean isRegistered() {
        KvLease l;
        synchronized (this) {
            if (!registered) {
                return false;
            }
            l = lease;
        }
        return l.isActive();
    }

    @Override
    public void onChange(Consumer<Boolean> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void lost(KvLease which) {
        synchronized (this) {
            if (closed || which != lease) {
                return;
            }
        }
        LOG.warn("registration \"{}\" lost its lease; putting it back", key);
        markLost();
    }

    /** After a DELETE or a gap: is the key still there? (Read first: the DELETE may be an old one.) */
    private void check() {
        synchronized (this) {
            if (closed || !registered) {
                return;
            }
        }
        try {
            Optional<KvPair> now = calls.await("get", key, () -> calls.client().get(key));
            if (now.isEmpty()) {
                LOG.warn("registration \"{}\" was deleted; putting it back", key);
                markLost();
            }
        } catch (RuntimeException e) {
            LOG.debug("checking registration \"{}\" failed; the watch will tell when the store is back", key, e);
        }
    }

    private void markLost() {
        synchronized (this) {
            if (closed) {
                return;
            }
            boolean was = registered;
            registered = false;
            if (was) {
                tell(false);
            }
            if (repairing) {
                return;
            }
            repairing = true;
        }
        repair(Duration.ZERO);
    }

    private void repair(Duration delay) {
        Futures.schedule(
                () -> {
                    KvLease l;
                    synchronized (this) {
                        if (closed) {
                            repairing = false;
                            return;
                        }
                        l = lease;
                    }
                    try {
                        if (!l.isActive()) {
                            KvLease fresh = calls.await(
                                    "grantLease", key, () -> calls.client().grantLease(ttl));
                            boolean late;
                            synchronized (this) {
                                late = closed;
                                if (late) {
                                    repairing = false;
                                } else {
                                    lease = fresh;
                                }
                            }
                            if (late) {
                                revokeQuietly(fresh);
                                return;
                            }
                            fresh.onLost(() -> lost(fresh));
                            l = fresh;
                        }
                        KvLease use = l;
                        calls.await("put", key, () -> calls.client().put(key, value, use));
                        synchronized (this) {
                            repairing = false;
                            if (closed) {
                                return; // close revokes the lease, which deletes the key
                            }
                            registered = true;
                            tell(true);
                        }
                        LOG.info("registration \"{}\" is back", key);
                    } catch (RuntimeException e) {
                        LOG.debug("putting registration \"{}\" back failed; retrying", key, e);
                        repair(delay.isZero() ? Backoff.FIRST : Backoff.next(delay, ttl));
                    }
                },
                delay);
    }

    /** Under the monitor: queues the listeners' calls, in order. */
    private void tell(boolean state) {
        serial.execute(() -> listeners.forEach(l -> l.accept(state)));
    }

    @Override
    public void close() {
        KvLease l;
        KvWatch w;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            registered = false;
            l = lease;
            w = watch;
        }
        if (w != null) {
            w.close();
        }
        try {
            if (l != null && l.isActive()) {
                l.revoke();
            } else {
                calls.await("delete", key, () -> calls.client().delete(key));
            }
        } catch (RuntimeException e) {
            LOG.warn("deleting registration \"{}\" failed; it goes when its lease's TTL runs out", key, e);
        }
        co.forget(this);
    }

    private static void revokeQuietly(KvLease l) {
        try {
            l.revoke();
        } catch (RuntimeException e) {
            LOG.debug("revoking {} failed; it ends with its TTL", l, e);
        }
    }

    @Override
    public synchronized String toString() {
        return "registration \"" + key + "\" [" + (closed ? "closed" : registered ? "registered" : "lost") + "]";
    }
}

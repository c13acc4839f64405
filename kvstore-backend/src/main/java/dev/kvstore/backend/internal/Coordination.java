package dev.kvstore.backend.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kvstore.KvCapability;
import dev.kvstore.KvElection;
import dev.kvstore.KvLease;
import dev.kvstore.KvLock;
import dev.kvstore.KvPair;
import dev.kvstore.KvRegistration;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreException;
import dev.kvstore.backend.observe.BackendInstrumentation;
import dev.kvstore.spi.AbstractKvLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Not API. The coordination recipes of one Backend: locks, elections, registrations and
 * reservations, written once over {@link KvStoreClient#commit}, leases and watches, like etcd's
 * {@code concurrency} package and Curator's recipes. The Backend's public methods delegate here.
 *
 * <p><b>Leases.</b> Lock acquisitions and election candidacies of this Backend with the same TTL
 * share one lease (a {@link Session}), as etcd's {@code concurrency.Session} does: an acquisition
 * then costs one transaction and one delete when uncontended (plus a read of the queue when other
 * clients joined it meanwhile: {@link TokenQueue}), with no lease grant or revoke, and one
 * keep-alive covers them all. The price: when that lease is lost, every lock held through it is
 * lost at once (each handle's {@code onLost} runs) and the next acquisition grants a new one.
 * Registrations and reservations have a lease each, since each is renewed, lost and put back on
 * its own.
 *
 * <p>Threads: the session map is guarded by this object's monitor (a grant happens under it, so
 * two threads never grant two sessions for one TTL); everything else is concurrent. Background
 * work runs on {@link #POOL} (daemon threads {@code kvstore-coordination-N}) and on the shared
 * timer's workers.
 */
public final class Coordination implements AutoCloseable {

    /** The TTL of locks and elections when none is given: 10 seconds. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Listener calls, lost-lease actions and background revokes of every Backend. */
    static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kvstore-coordination-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private static final String OWNER = "pid " + ProcessHandle.current().pid();

    /** The most lock queues a Backend remembers ({@link #lockQueues}). */
    private static final int LOCK_QUEUES = 1024;

    private final Calls calls;
    private final UnaryOperator<String> keys;
    private final Reservations reservations;
    private final Map<Duration, Session> sessions = new HashMap<>();
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

    /**
     * The queues of the locks asked for most recently, by full name, so that {@code lock(name)}
     * called per acquisition keeps the queue's floor and counter hint ({@link TokenQueue}) instead of
     * listing the queue again; guarded by its own monitor.
     */
    private final Map<String, TokenQueue> lockQueues = new LinkedHashMap<>(16, 0.75f, true);

    private volatile boolean closed;

    /**
     * Creates the recipes of one Backend.
     *
     * @param client the Backend's client
     * @param storeType names the store in messages
     * @param timeout bounds each store call
     * @param liveness records each call's outcome: {@code false} when the store was unreachable
     * @param keys turns a key or name relative to the path prefix into a full key, refusing a bad one
     * @param instrumentation observes each store call as the Backend's own operations are; {@code
     *     null} for none
     */
    public Coordination(
            KvStoreClient client,
            String storeType,
            Duration timeout,
            Consumer<Boolean> liveness,
            UnaryOperator<String> keys,
            BackendInstrumentation instrumentation) {
        this.calls = new Calls(client, storeType, timeout, liveness, instrumentation);
        this.keys = keys;
        this.reservations = new Reservations(calls);
    }

    /**
     * A lock ({@link KvCapability#LOCKS}).
     *
     * @param name the lock's name, relative to the path prefix
     * @param ttl its lease's TTL
     * @return the lock; acquiring it talks to the store
     * @throws UnsupportedOperationException if the store does not declare {@link KvCapability#LOCKS}
     */
    public KvLock lock(String name, Duration ttl) {
        String full = keys.apply(name);
        AbstractKvLease.checkTtl(ttl);
        calls.require(KvCapability.LOCKS, "a lock");
        requireOpen();
        TokenQueue queue;
        synchronized (lockQueues) {
            queue = lockQueues.get(full);
            if (queue == null) {
                queue = new TokenQueue(calls, full);
                lockQueues.put(full, queue);
                if (lockQueues.size() > LOCK_QUEUES) {
                    Iterator<TokenQueue> eldest = lockQueues.values().iterator();
                    eldest.next();
                    eldest.remove();
                }
            }
        }
        return new RecipeLock(this, name, queue, ttl);
    }

    /**
     * Joins an election ({@link KvCapability#LOCKS}); returns once the candidate is queued and the
     * current leader read.
     *
     * @param name the election's name, relative to the path prefix
     * @param candidateId this candidate's id, as others will see it
     * @param ttl its lease's TTL
     * @return the candidacy; close it to resign
     */
    public KvElection elect(String name, String candidateId, Duration ttl) {
        String full = keys.apply(name);
        Objects.requireNonNull(candidateId, "candidateId");
        AbstractKvLease.checkTtl(ttl);
        calls.require(KvCapability.LOCKS, "an election");
        requireOpen();
        Candidacy c = new Candidacy(this, name, full, candidateId, ttl);
        open.add(c);
        try {
            c.start();
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * The leader of an election, read from the store by anyone.
     *
     * @param name the election's name, relative to the path prefix
     * @return the leader's candidate id, or empty when there is no candidate
     */
    public Optional<String> leader(String name) {
        String full = keys.apply(name);
        calls.require(KvCapability.LOCKS, "an election");
        return new TokenQueue(calls, full).list().values().stream().findFirst().map(KvPair::valueAsString);
    }

    /**
     * Registers a self-healing ephemeral key ({@link KvCapability#LEASES}).
     *
     * @param key the key, relative to the path prefix
     * @param value its value
     * @param ttl its lease's TTL
     * @return the registration, registered; close it to delete the key
     */
    public KvRegistration register(String key, byte[] value, Duration ttl) {
        String full = keys.apply(key);
        Objects.requireNonNull(value, "value");
        AbstractKvLease.checkTtl(ttl);
        calls.require(KvCapability.LEASES, "a registration");
        requireOpen();
        Registration r = new Registration(this, full, value, ttl);
        r.start();
        open.add(r);
        return r;
    }

    /**
     * Reserves a key for a TTL, unless someone holds it ({@link KvCapability#LOCKS}).
     *
     * @param key the key, relative to the path prefix
     * @param value our value
     * @param ttl how long the reservation lasts without a renewal
     * @return the holder's value: ours if we won
     */
    public byte[] reserve(String key, byte[] value, Duration ttl) {
        String full = keys.apply(key);
        Objects.requireNonNull(value, "value");
        AbstractKvLease.checkTtl(ttl);
        calls.require(KvCapability.LOCKS, "a reservation");
        requireOpen();
        return reservations.reserve(full, value, ttl);
    }

    /**
     * Renews one of our reservations for another TTL.
     *
     * @param key the key, relative to the path prefix
     * @return {@code false} if we no longer hold it
     */
    public boolean renewReservation(String key) {
        String full = keys.apply(key);
        calls.require(KvCapability.LOCKS, "a reservation");
        return reservations.renew(full);
    }

    /**
     * Releases one of our reservations (deleting its key); does nothing for a key we do not hold.
     *
     * @param key the key, relative to the path prefix
     */
    public void releaseReservation(String key) {
        String full = keys.apply(key);
        calls.require(KvCapability.LOCKS, "a reservation");
        reservations.release(full);
    }

    /** Releases every reservation of this Backend, and only those. */
    public void releaseAllReservations() {
        calls.require(KvCapability.LOCKS, "a reservation");
        reservations.releaseAll();
    }

    /**
     * Closes every registration and candidacy of this Backend, releases its reservations and
     * revokes its shared leases (deleting lock keys), waiting at most the timeout for all of it.
     * Never throws.
     */
    @Override
    public void close() {
        List<Session> ending;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ending = new ArrayList<>(sessions.values());
            sessions.clear();
        }
        if (ending.isEmpty() && open.isEmpty() && reservations.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (AutoCloseable c : List.copyOf(open)) {
            all.add(CompletableFuture.runAsync(() -> closeQuietly(c), POOL));
        }
        all.add(CompletableFuture.runAsync(() -> closeQuietly(reservations::releaseAll), POOL));
        ending.forEach(s -> all.add(s.close()));
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(calls.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the store did not confirm in time: leases end with their TTL
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- for the recipes ----

    Calls calls() {
        return calls;
    }

    /** A waiter value unique to one attempt, naming this process for people reading the store. */
    byte[] ownerValue() {
        return (OWNER + " " + UUID.randomUUID().toString().substring(0, 8)).getBytes(UTF_8);
    }

    /** The shared lease for {@code ttl}, granted now if there is none or it was lost. */
    Session session(Duration ttl) {
        synchronized (this) {
            requireOpen();
            Session s = sessions.get(ttl);
            if (s != null && s.isActive()) {
                return s;
            }
            KvLease lease = calls.await("grantLease", null, () -> calls.client().grantLease(ttl));
            s = new Session(this, lease);
            sessions.put(ttl, s);
            return s;
        }
    }

    /** A session ended: the next use grants a new one. */
    void forget(Session s) {
        synchronized (this) {
            sessions.remove(s.ttl(), s);
        }
    }

    /** A registration or candidacy closed. */
    void forget(AutoCloseable c) {
        open.remove(c);
    }

    private void requireOpen() {
        if (closed) {
            throw new KvStoreException("the Backend is closed");
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // close() of our own recipes logs what went wrong
        }
    }
}

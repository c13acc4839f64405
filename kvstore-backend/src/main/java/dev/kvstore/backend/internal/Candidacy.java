package dev.kvstore.backend.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kvstore.EventType;
import dev.kvstore.KvElection;
import dev.kvstore.KvPair;
import dev.kvstore.KvWatch;
import dev.kvstore.spi.Futures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A candidate in an election over a {@link TokenQueue}: its key {@code <name>/q/<token>} holds the
 * candidate id under the Backend's shared {@link Session} lease; the leader is the first key. A
 * prefix watch on the queue triggers a re-read of it after every change, and listeners are told
 * when the leader's id changes. When the session's lease is lost the candidate stops leading at
 * once and joins again, at the back, with back-off, until closed.
 *
 * <p>Threads: the state is guarded by this object's monitor. Re-reads and listener calls run on
 * one {@link SerialExecutor}, so they never overlap and listeners see changes in order; watch
 * callbacks only queue a re-read. Re-joining runs on the shared timer's workers. No store call and
 * no listener runs under the monitor.
 */
final class Candidacy implements KvElection, Session.Member {

    private static final Logger LOG = LoggerFactory.getLogger(Candidacy.class);

    private final Coordination co;
    private final Calls calls;
    private final String name;
    private final String candidateId;
    private final Duration ttl;
    private final TokenQueue queue;
    private final SerialExecutor serial = new SerialExecutor(Coordination.POOL);
    /** Touched only on the serial executor. */
    private final List<Consumer<Optional<String>>> listeners = new ArrayList<>();
    /** The leader last told to listeners; touched only on the serial executor. */
    private Optional<String> told;

    private Session session;
    private String myKey;
    private String leaderKey;
    private Optional<String> leader = Optional.empty();
    private boolean closed;
    private CompletableFuture<Void> pendingRefresh;
    private KvWatch watch;

    Candidacy(Coordination co, String name, String fullName, String candidateId, Duration ttl) {
        this.co = co;
        this.calls = co.calls();
        this.name = name;
        this.candidateId = candidateId;
        this.ttl = ttl;
        this.queue = new TokenQueue(calls, fullName);
    }

    /** Watches the queue, joins it and reads it once, so that the state is current on return. */
    void start() {
        KvWatch w = calls.watch(queue.prefix(), true, e -> {
            if (e.type() != EventType.CONNECTION_DOWN) {
                refresh();
            }
        });
        synchronized (this) {
            watch = w;
        }
        join();
        calls.await("read", queue.prefix(), this::refresh);
    }

    private void join() {
        Session s = co.session(ttl);
        long token = queue.join(candidateId.getBytes(UTF_8), s.lease(), s::discard);
        String key = queue.keyOf(token);
        synchronized (this) {
            if (!closed) {
                session = s;
                myKey = key;
                key = null;
            }
        }
        if (key != null) {
            deleteQuietly(s, key); // closed meanwhile
            return;
        }
        s.join(this);
    }

    /** Queues a re-read of the queue, unless one is queued and not yet started. */
    private CompletableFuture<Void> refresh() {
        CompletableFuture<Void> f;
        synchronized (this) {
            if (pendingRefresh != null) {
                return pendingRefresh;
            }
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            f = new CompletableFuture<>();
            pendingRefresh = f;
        }
        serial.execute(() -> read(f));
        return f;
    }

    private void read(CompletableFuture<Void> done) {
        synchronized (this) {
            pendingRefresh = null;
            if (closed) {
                done.complete(null);
                return;
            }
        }
        try {
            SortedMap<String, KvPair> waiters = queue.list();
            synchronized (this) {
                leaderKey = waiters.isEmpty() ? null : waiters.firstKey();
                leader = waiters.isEmpty()
                        ? Optional.empty()
                        : Optional.of(waiters.get(leaderKey).valueAsString());
            }
            tell();
            done.complete(null);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            LOG.debug("reading election \"{}\" failed; reading again in a second", name, e);
            Futures.schedule(this::refresh, Duration.ofSeconds(1));
        }
    }

    /** On the serial executor: tells the listeners if the leader changed since last told. */
    private void tell() {
        Optional<String> now = leader();
        if (now.equals(told)) {
            return;
        }
        told = now;
        for (Consumer<Optional<String>> l : listeners) {
            l.accept(now);
        }
    }

    @Override
    public void sessionEnded() {
        String stale;
        synchronized (this) {
            if (closed) {
                return;
            }
            stale = myKey;
            session = null;
            myKey = null;
            leaderKey = null;
            leader = Optional.empty(); // unknown until read again
        }
        LOG.warn("candidate \"{}\" of election \"{}\" lost its lease; joining again", candidateId, name);
        serial.execute(this::tell);
        rejoin(Backoff.FIRST, stale);
    }

    /**
     * Joins again with a new session. The old key goes first (it may outlive the lost lease on the
     * store for up to its TTL, and would otherwise show this candidate as leader to the others).
     */
    private void rejoin(Duration delay, String stale) {
        Futures.schedule(
                () -> {
                    synchronized (this) {
                        if (closed || session != null) {
                            return;
                        }
                    }
                    try {
                        if (stale != null) {
                            calls.await("delete", stale, () -> calls.client().delete(stale));
                        }
                        join();
                        refresh();
                    } catch (RuntimeException e) {
                        LOG.debug(
                                "candidate \"{}\" could not join election \"{}\" again; retrying",
                                candidateId,
                                name,
                                e);
                        rejoin(Backoff.next(delay, ttl), stale);
                    }
                },
                delay);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String candidateId() {
        return candidateId;
    }

    @Override
    public boolean isLeader() {
        Session s;
        synchronized (this) {
            if (closed || myKey == null || !myKey.equals(leaderKey)) {
                return false;
            }
            s = session;
        }
        return s.isActive();
    }

    @Override
    public synchronized Optional<String> leader() {
        return closed ? Optional.empty() : leader;
    }

    @Override
    public void onChange(Consumer<Optional<String>> listener) {
        Objects.requireNonNull(listener, "listener");
        serial.execute(() -> {
            listeners.add(listener);
            listener.accept(told == null ? leader() : told);
        });
    }

    @Override
    public void close() {
        Session s;
        String key;
        KvWatch w;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = session;
            key = myKey;
            w = watch;
            session = null;
            myKey = null;
        }
        if (w != null) {
            w.close();
        }
        if (s != null) {
            s.leave(this);
            deleteQuietly(s, key);
        }
        co.forget(this);
    }

    private void deleteQuietly(Session s, String key) {
        try {
            calls.await("delete", key, () -> calls.client().delete(key));
        } catch (RuntimeException e) {
            LOG.debug("resigning from election \"{}\" failed; retrying in the background", name, e);
            s.deleteLater(key, Backoff.FIRST);
        }
    }

    @Override
    public String toString() {
        return "candidate \"" + candidateId + "\" of election \"" + name + "\"";
    }
}

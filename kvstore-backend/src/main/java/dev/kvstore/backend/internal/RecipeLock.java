package dev.kvstore.backend.internal;

import dev.kvstore.EventType;
import dev.kvstore.KvLock;
import dev.kvstore.KvLockHandle;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvWatch;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A lock over a {@link TokenQueue}: an acquisition joins the queue (its token is the fencing
 * token) under the Backend's shared {@link Session} lease for the lock's TTL, and holds the lock
 * when its key is the first. A waiter watches only its predecessor's key (then checks that it still
 * exists, closing the race with a delete before the watch) and wakes on its {@code DELETE}: no
 * polling, no thundering herd, arrival order.
 *
 * <p>Thread-safe: {@link #tryAcquire} runs entirely on its caller's thread (watch callbacks only
 * complete a future); several threads may acquire through one instance.
 */
final class RecipeLock implements KvLock {

    private enum Outcome {
        HELD,
        TIMED_OUT,
        LOST
    }

    private final Coordination co;
    private final Calls calls;
    private final String name;
    private final Duration ttl;
    private final TokenQueue queue;

    /** {@code queue}: the lock's, shared by every {@code RecipeLock} of the same name in this Backend. */
    RecipeLock(Coordination co, String name, TokenQueue queue, Duration ttl) {
        this.co = co;
        this.calls = co.calls();
        this.name = name;
        this.ttl = ttl;
        this.queue = queue;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<KvLockHandle> tryAcquire(Duration maxWait) {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            Session session = co.session(ttl);
            long token = queue.join(co.ownerValue(), session.lease(), session::discard);
            LockHandle handle = new LockHandle(calls, session, queue.keyOf(token), token, queue::deleted);
            session.join(handle);
            Outcome outcome;
            try {
                outcome = awaitFirst(handle, token, session, deadline);
            } catch (RuntimeException e) {
                handle.abandon();
                throw e;
            }
            if (outcome == Outcome.HELD) {
                return Optional.of(handle);
            }
            handle.abandon();
            if (outcome == Outcome.TIMED_OUT || deadline - System.nanoTime() <= 0) {
                return Optional.empty();
            }
            // LOST while waiting (lease lost, or our key deleted by someone): queue again in the time left
        }
    }

    private Outcome awaitFirst(LockHandle handle, long token, Session session, long deadline) {
        while (true) {
            if (!session.isActive()) {
                return Outcome.LOST;
            }
            List<String> waiters = queue.waitersUpTo(token);
            int i = waiters.indexOf(handle.key());
            if (i < 0) {
                return Outcome.LOST;
            }
            if (i == 0) {
                return handle.markHeld() ? Outcome.HELD : Outcome.LOST;
            }
            if (deadline - System.nanoTime() <= 0) {
                return Outcome.TIMED_OUT;
            }
            String predecessor = waiters.get(i - 1);
            CompletableFuture<Void> gone = new CompletableFuture<>();
            KvWatch watch = calls.watch(predecessor, false, e -> {
                if (e.type() == EventType.DELETE || e.type() == EventType.UNKNOWN) {
                    gone.complete(null);
                }
            });
            try {
                if (!calls.await("exists", predecessor, () -> calls.client().exists(predecessor))) {
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Outcome.TIMED_OUT;
                }
                CompletableFuture.anyOf(gone, session.ended()).get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return Outcome.TIMED_OUT;
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot happen: the futures waited on never fail", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KvStoreException("interrupted while waiting for lock \"" + name + "\"", e);
            } finally {
                watch.close();
            }
        }
    }

    @Override
    public String toString() {
        return "lock \"" + name + "\" (TTL " + ttl + ")";
    }
}

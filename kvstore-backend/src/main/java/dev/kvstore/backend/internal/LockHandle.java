package dev.kvstore.backend.internal;

import dev.kvstore.KvLockHandle;
import dev.kvstore.KvStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One acquisition of a {@link RecipeLock}: its waiter key and fencing token, on a shared
 * {@link Session}. Lost when the session's lease is lost (the store's {@code onLost} fires no later
 * than the TTL after the last keep-alive sent, so before the store frees the key).
 *
 * <p>Threads: the state and the {@code onLost} actions are guarded by this object's monitor;
 * {@link #sessionEnded()} comes on a kvstore thread; actions run on the coordination pool, never
 * under the monitor.
 */
final class LockHandle implements KvLockHandle, Session.Member {

    private static final Logger LOG = LoggerFactory.getLogger(LockHandle.class);

    private enum State {
        WAITING,
        HELD,
        RELEASED,
        LOST
    }

    private final Calls calls;
    private final Session session;
    private final String key;
    private final long token;
    /** Told the token once its key is deleted here: the queue's floor may rise past it. */
    private final LongConsumer deleted;

    private final List<Runnable> onLost = new ArrayList<>();
    private State state = State.WAITING;

    LockHandle(Calls calls, Session session, String key, long token, LongConsumer deleted) {
        this.calls = calls;
        this.session = session;
        this.key = key;
        this.token = token;
        this.deleted = deleted;
    }

    String key() {
        return key;
    }

    /** Records that the waiter's key came first; false if the session ended meanwhile. */
    synchronized boolean markHeld() {
        if (state != State.WAITING) {
            return false;
        }
        state = State.HELD;
        return true;
    }

    @Override
    public long fencingToken() {
        return token;
    }

    @Override
    public boolean isHeld() {
        synchronized (this) {
            if (state != State.HELD) {
                return false;
            }
        }
        return session.isActive();
    }

    @Override
    public void onLost(Runnable action) {
        Objects.requireNonNull(action, "action");
        synchronized (this) {
            if (state == State.RELEASED) {
                return;
            }
            if (state != State.LOST) {
                onLost.add(action);
                return;
            }
        }
        Coordination.POOL.execute(() -> run(action));
    }

    @Override
    public void sessionEnded() {
        List<Runnable> actions;
        synchronized (this) {
            if (state == State.RELEASED || state == State.LOST) {
                return;
            }
            state = State.LOST;
            actions = List.copyOf(onLost);
            onLost.clear();
        }
        if (!actions.isEmpty()) {
            LOG.warn("lock key \"{}\" (fencing token {}) is lost: its lease could not be kept alive", key, token);
        }
        for (Runnable a : actions) {
            Coordination.POOL.execute(() -> run(a));
        }
    }

    @Override
    public void release() {
        boolean wasLost;
        synchronized (this) {
            if (state == State.RELEASED) {
                return;
            }
            wasLost = state == State.LOST;
            state = State.RELEASED;
            onLost.clear();
        }
        session.leave(this);
        try {
            calls.await("delete", key, () -> calls.client().delete(key));
            deleted.accept(token);
        } catch (KvStoreException e) {
            session.deleteLater(key, Backoff.FIRST);
            if (!wasLost) {
                throw e;
            }
        }
    }

    /** Gives up a waiter (timed out, failed): deletes its key, never throws. */
    void abandon() {
        try {
            release();
        } catch (RuntimeException e) {
            LOG.debug("deleting waiter key \"{}\" failed; retrying in the background", key, e);
        }
    }

    @Override
    public void close() {
        release();
    }

    private void run(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("an onLost action of lock key \"{}\" threw", key, e);
        }
    }

    @Override
    public synchronized String toString() {
        return "lock handle " + key + " [" + state + "]";
    }
}

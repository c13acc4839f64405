package dev.kvstore.backend.internal;

import dev.kvstore.KvLease;
import dev.kvstore.spi.Futures;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lease shared by every lock handle and election candidacy of a Backend with the same TTL, as
 * etcd's {@code concurrency.Session}: one keep-alive for all of them, and an acquisition costs no
 * lease grant or revoke. When the lease is lost, every member is told at once and the Backend
 * grants a new session on next use.
 *
 * <p>Threads: members join and leave from any thread; {@link #end()} runs on the lease's
 * {@code onLost} thread (a kvstore thread) or the caller of {@link #discard()}, and tells each
 * member once. Waiting threads observe {@link #ended()}.
 */
final class Session {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    /** A lock handle or candidacy that lives on this session's lease. */
    interface Member {
        /** The lease is lost: from now on the member's key may be gone. Called once, never under a lock. */
        void sessionEnded();
    }

    private final Coordination owner;
    private final KvLease lease;
    private final Set<Member> members = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    Session(Coordination owner, KvLease lease) {
        this.owner = owner;
        this.lease = lease;
        lease.onLost(this::end);
    }

    KvLease lease() {
        return lease;
    }

    Duration ttl() {
        return lease.ttl();
    }

    boolean isActive() {
        return !ended.isDone() && lease.isActive();
    }

    /** Completes when the lease is lost or the session is discarded. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    /** Adds a member; tells it at once if the session has already ended. */
    void join(Member m) {
        members.add(m);
        if (ended.isDone() && members.remove(m)) {
            m.sessionEnded();
        }
    }

    void leave(Member m) {
        members.remove(m);
    }

    /** Ends the session as a lost lease does, and gives up the lease (its keys go). */
    void discard() {
        end();
        Coordination.POOL.execute(this::revokeQuietly);
    }

    /** Revokes the lease without telling the members (they are closed already); for the Backend's close. */
    CompletableFuture<Void> close() {
        ended.complete(null);
        return CompletableFuture.runAsync(this::revokeQuietly, Coordination.POOL);
    }

    /**
     * Deletes a key of this session in the background, retrying with back-off while the session
     * lives: a release whose delete failed must not leave its key for the session's whole life.
     */
    void deleteLater(String key, Duration delay) {
        Futures.schedule(
                () -> {
                    if (!isActive()) {
                        return; // the lease's end deletes it
                    }
                    owner.calls()
                            .async("delete", key, () -> owner.calls().client().delete(key))
                            .whenComplete((v, e) -> {
                                if (e != null) {
                                    deleteLater(key, Backoff.next(delay, ttl()));
                                }
                            });
                },
                delay);
    }

    private void end() {
        if (!ended.complete(null)) {
            return;
        }
        owner.forget(this);
        for (Member m : members) {
            if (members.remove(m)) {
                try {
                    m.sessionEnded();
                } catch (RuntimeException e) {
                    LOG.warn("a member of {} failed when told of its end", this, e);
                }
            }
        }
    }

    private void revokeQuietly() {
        try {
            lease.revoke();
        } catch (RuntimeException e) {
            LOG.debug("revoking {} failed; its keys go when its TTL runs out", lease, e);
        }
    }

    @Override
    public String toString() {
        return "session " + lease;
    }
}

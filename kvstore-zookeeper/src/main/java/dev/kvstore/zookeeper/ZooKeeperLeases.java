package dev.kvstore.zookeeper;

import static dev.kvstore.zookeeper.ZooKeeperReader.DONE;

import dev.kvstore.KvLease;
import dev.kvstore.spi.AbstractKvLease;
import dev.kvstore.spi.Futures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Leases on ZooKeeper: a leased key is an ephemeral znode of this client's one session, so the
 * server deletes it when the session ends (the client closes, or the server hears nothing from it
 * for the session timeout). One session, so one keep-alive for every lease: ZooKeeper's own pings,
 * plus a probe ({@code exists("/")}) sent every quarter of the shortest effective TTL while leases
 * are active, whose replies tell when the server last heard from this client.
 *
 * <p><b>What a TTL means here.</b> A lease's effective TTL is the smaller of its TTL and the
 * session timeout the server granted. The lease is lost ({@code onLost} runs) when no probe sent in
 * the last effective TTL got its answer, or when the session ends: the server cannot expire the
 * session earlier than a session timeout after it received the probe, so the holder learns first.
 * The keys themselves are deleted by the server a session timeout after it last heard from the
 * client (or at once on revoke or close): set {@code session-timeout} to the TTL you use.
 *
 * <p><b>Lease ids.</b> A lease's id is its session's id, ZooKeeper's {@code ephemeralOwner} of its
 * znodes, so {@code KvPair.lease()} of a leased key is the same in every client. Every lease of
 * one client therefore has the same id; this class tells them apart by identity.
 *
 * <p>Threads: {@link #grant} and {@link #revoke} from any thread; the probe and the deadline check
 * run on the SPI's shared timer thread (short, never blocking); replies and
 * connection-state changes arrive on Curator's threads; the maps are concurrent. Nothing blocks.
 */
final class ZooKeeperLeases {

    private static final Duration TICK = Duration.ofMillis(100);
    /** How much earlier than its effective TTL a lease is given up: a tick and some slack. */
    private static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final ZooKeeperConnection connection;
    private final ZooKeeperSettings settings;
    /** Active leases (by identity: every lease of one session has the session's id). */
    private final Set<ZooKeeperLease> active = ConcurrentHashMap.newKeySet();
    /** Lost leases whose znodes may still exist in the current session: deleted when possible. */
    private final Set<ZooKeeperLease> orphans = ConcurrentHashMap.newKeySet();
    /** Path of a leased znode to the lease it was last put under by this client. */
    private final Map<String, ZooKeeperLease> holders = new ConcurrentHashMap<>();

    private final AtomicLong lastOkSent = new AtomicLong(Long.MIN_VALUE);
    private volatile long lastProbeSent = Long.MIN_VALUE;
    private ScheduledFuture<?> ticker;
    private boolean closed;

    ZooKeeperLeases(ZooKeeperConnection connection, ZooKeeperSettings settings) {
        this.connection = connection;
        this.settings = settings;
    }

    /** Grants a lease once the client is connected and a probe went through. */
    CompletableFuture<KvLease> grant(Duration ttl) {
        AbstractKvLease.checkTtl(ttl);
        return connection
                .whenConnected()
                .thenCompose(zk -> probe(zk).thenApply(sent -> {
                    Duration sessionTimeout = Duration.ofMillis(zk.getSessionTimeout());
                    ZooKeeperLease lease = new ZooKeeperLease(
                            this, zk.getSessionId(), ttl, settings.timeout(), zk.getSessionId(), sessionTimeout, sent);
                    synchronized (this) {
                        if (closed) {
                            throw new CompletionException(ZooKeeperErrors.closed("grantLease", ttl.toString()));
                        }
                        active.add(lease);
                        if (ticker == null) {
                            ticker = Futures.scheduleShortTaskWithFixedDelay(this::tick, TICK, TICK);
                        }
                    }
                    return lease;
                }));
    }

    /** The lease of this client behind {@code lease}, for a leased put. */
    ZooKeeperLease own(KvLease lease) {
        if (lease instanceof ZooKeeperLease z && z.registry() == this) {
            return z;
        }
        throw new IllegalArgumentException("lease " + lease.id() + " was not granted by this zookeeper client");
    }

    /** The current session's id, or 0 when there is none. */
    long sessionId() {
        ZooKeeper zk = connection.connectedHandle();
        return zk == null ? 0 : zk.getSessionId();
    }

    /**
     * What {@code KvPair.lease()} reports for an ephemeral znode owned by session {@code owner}:
     * the session id, which is the id of every lease granted in that session, so every client
     * reports the same id for a leased key.
     */
    long leaseOf(String path, long owner) {
        return owner;
    }

    /** After an applied transaction: which paths are now under which lease, and which under none. */
    void written(Map<String, ZooKeeperLease> leased, Set<String> unleased) {
        unleased.forEach(holders::remove);
        leased.forEach((path, lease) -> {
            holders.put(path, lease);
            lease.paths().add(path);
            if (!lease.isActive()) {
                cleanUp(lease); // lost while the write was on its way
            }
        });
    }

    /** Called by Curator on connection-state changes. */
    void stateChanged(ConnectionState state) {
        if (state == ConnectionState.LOST) {
            active.forEach(this::lose);
        } else if (state == ConnectionState.RECONNECTED) {
            tick();
            orphans.forEach(this::cleanUp);
        }
    }

    private void tick() {
        try {
            if (active.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            ZooKeeper zk = connection.connectedHandle();
            long session = zk == null ? 0 : zk.getSessionId();
            long shortest = Long.MAX_VALUE;
            for (ZooKeeperLease lease : active) {
                shortest = Math.min(shortest, lease.effectiveTtlNanos());
            }
            if (zk != null && now - lastProbeSent >= shortest / 4) {
                probe(zk);
            }
            long ok = lastOkSent.get();
            for (ZooKeeperLease lease : active) {
                long since = Math.max(ok, lease.grantedSentNanos());
                if (session != 0 && session != lease.session()
                        || now - since >= lease.effectiveTtlNanos() - MARGIN_NANOS) {
                    lose(lease);
                }
            }
        } catch (RuntimeException e) {
            // keep ticking: a failure here must not stop the watchdog
        }
    }

    /** Sends a probe; completes with the time it was sent, once answered. */
    private CompletableFuture<Long> probe(ZooKeeper zk) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        long sent = System.nanoTime();
        lastProbeSent = sent;
        zk.exists(
                "/",
                false,
                (rc, path, ctx, stat) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        lastOkSent.accumulateAndGet(sent, Math::max);
                        f.complete(sent);
                    } else {
                        f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc)));
                    }
                },
                null);
        return f;
    }

    /** Marks a lease lost and deletes what it still holds in the current session. */
    void lose(ZooKeeperLease lease) {
        active.remove(lease);
        if (lease.lose()) {
            orphans.add(lease);
            cleanUp(lease);
        }
    }

    /** Revokes a lease: deletes its znodes (those still under it, in its session). */
    CompletableFuture<Void> revoke(ZooKeeperLease lease) {
        active.remove(lease);
        return deleteNodes(lease);
    }

    private void cleanUp(ZooKeeperLease lease) {
        deleteNodes(lease).whenComplete((x, t) -> {
            if (t == null) {
                orphans.remove(lease);
            }
        });
    }

    private CompletableFuture<Void> deleteNodes(ZooKeeperLease lease) {
        if (sessionId() != lease.session()) {
            if (connection.connectedHandle() != null) {
                lease.paths().forEach(p -> holders.remove(p, lease));
                return DONE; // the session is gone, and the server deleted its znodes with it
            }
        }
        List<CompletableFuture<?>> deletes = new ArrayList<>();
        for (String path : List.copyOf(lease.paths())) {
            if (holders.get(path) != lease) {
                lease.paths().remove(path);
                continue;
            }
            Stat stat = new Stat();
            deletes.add(ZooKeeperErrors.recover(
                            connection.async().getData().storingStatIn(stat).forPath(path), (data, code) -> {
                                if (code == KeeperException.Code.NONODE
                                        || code == null && stat.getEphemeralOwner() != lease.session()) {
                                    return DONE;
                                }
                                if (code != null) {
                                    return null;
                                }
                                return ZooKeeperErrors.recover(
                                        connection
                                                .async()
                                                .delete()
                                                .withVersion(stat.getVersion())
                                                .forPath(path),
                                        (y, c2) -> c2 == null
                                                        || c2 == KeeperException.Code.NONODE
                                                        || c2 == KeeperException.Code.BADVERSION
                                                ? DONE
                                                : null);
                            })
                    .thenRun(() -> {
                        holders.remove(path, lease);
                        lease.paths().remove(path);
                    }));
        }
        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
    }

    /** On client close: the session ends, and with it every lease. */
    void close() {
        synchronized (this) {
            closed = true;
            if (ticker != null) {
                ticker.cancel(false);
            }
        }
        for (ZooKeeperLease lease : List.copyOf(active)) {
            active.remove(lease);
            lease.lose();
        }
    }
}

package dev.kvstore.redis;

import dev.kvstore.KvLease;
import dev.kvstore.KvStoreException;
import dev.kvstore.spi.AbstractKvLease;
import dev.kvstore.spi.Futures;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of one client: granted by {@code grant.lua}, kept alive by one {@code keepalive.lua}
 * call per lease every third of its TTL (extending the lease and every key still under it, only
 * while the lease is still this client's), revoked by {@code revoke.lua}.
 *
 * <p><b>When a lease is lost.</b> Redis sets a key's expiry when it runs the keep-alive, which is
 * after the client sent it; so a lease whose last confirmed keep-alive was sent at {@code t} keeps
 * its keys until at least {@code t + TTL}. The loss deadline is {@code t + TTL - margin} (margin:
 * a tenth of the TTL, at most 500 ms): if no later keep-alive has been confirmed by then, the
 * lease is marked lost and its {@code onLost} actions run, before its keys can expire and anyone
 * else can take what it held. A keep-alive that finds the lease gone (expired, revoked, or lost
 * with the server's data) marks it lost at once.
 *
 * <p>Threads: the SPI's shared timer ({@link Futures}) runs the keep-alive ticks (short: they only
 * send a command) and the loss deadlines; replies arrive on lettuce threads and only record the
 * time and reschedule, never block. {@link #grant}, {@link #revoke} and {@link #close()} come
 * from user threads. The set of active leases is concurrent; {@code closed} is guarded by this.
 */
final class RedisLeases implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLeases.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisKvStoreClient client;
    private final String storeType;
    private final Duration timeout;
    private final Set<RedisLease> active = ConcurrentHashMap.newKeySet();
    private boolean closed; // guarded by this

    RedisLeases(RedisKvStoreClient client, String storeType, Duration timeout) {
        this.client = client;
        this.storeType = storeType;
        this.timeout = timeout;
    }

    /** Grants a lease; once Redis confirms, it is kept alive until revoked, lost or the client closes. */
    CompletableFuture<KvLease> grant(Duration ttl) {
        AbstractKvLease.checkTtl(ttl);
        long ttlMillis = ttl.toMillis();
        byte[] tokenBytes = new byte[16];
        RANDOM.nextBytes(tokenBytes);
        String token = HexFormat.of().formatHex(tokenBytes);
        long sent = System.nanoTime();
        return client.write(
                        "grantLease",
                        ttl.toString(),
                        c -> RedisScripts.GRANT.run(
                                c, new String[] {ReservedKeys.LEASE_SEQUENCE}, ascii(ttlMillis), ascii(token)))
                .thenApply(id -> {
                    RedisLease lease = new RedisLease(this, storeType, id, ttl, timeout, token, sent);
                    start(lease);
                    return lease;
                });
    }

    /**
     * The lease as this client's, for a leased put.
     *
     * @throws IllegalArgumentException if another client (or store) granted it
     */
    RedisLease own(KvLease lease) {
        if (lease instanceof RedisLease r && r.owner == this) {
            return r;
        }
        throw new IllegalArgumentException("lease " + lease.id() + " was not granted by this " + storeType + " client");
    }

    /** Redis no longer has the lease (a transaction found it gone): it is lost. */
    void goneOnServer(RedisLease lease) {
        lose(lease, "Redis no longer has it (expired, revoked, or lost with the server's data)");
    }

    private void start(RedisLease lease) {
        long interval = Math.max(1, lease.ttlMillis / 3);
        synchronized (this) {
            if (closed) {
                // Granted while the client closed: give it back at once.
                lease.lost();
                revoke(lease);
                return;
            }
            active.add(lease);
            ScheduledFuture<?> tick = Futures.scheduleShortTaskWithFixedDelay(
                    () -> keepAlive(lease), Duration.ofMillis(interval), Duration.ofMillis(interval));
            lease.timers(tick, deadline(lease));
        }
    }

    /** Schedules the loss check for the lease's last confirmed keep-alive; {@code null} once closed. */
    private synchronized ScheduledFuture<?> deadline(RedisLease lease) {
        if (closed || !lease.isActive()) {
            return null;
        }
        long due = lease.lastConfirmedSend() + TimeUnit.MILLISECONDS.toNanos(lease.ttlMillis - margin(lease));
        return Futures.schedule(() -> checkDeadline(lease), Duration.ofNanos(Math.max(0, due - System.nanoTime())));
    }

    private static long margin(RedisLease lease) {
        return Math.min(500, lease.ttlMillis / 10);
    }

    private void checkDeadline(RedisLease lease) {
        long since = System.nanoTime() - lease.lastConfirmedSend();
        if (since >= TimeUnit.MILLISECONDS.toNanos(lease.ttlMillis - margin(lease))) {
            lose(lease, "no keep-alive confirmed for " + TimeUnit.NANOSECONDS.toMillis(since) + " ms");
        }
        // else a keep-alive was confirmed meanwhile and scheduled the next deadline
    }

    private void keepAlive(RedisLease lease) {
        if (!lease.isActive() || !lease.inFlight.compareAndSet(false, true)) {
            return;
        }
        long sent = System.nanoTime();
        long id = lease.id();
        client.write(
                        "keepAlive",
                        "lease " + id,
                        c -> RedisScripts.KEEPALIVE.run(
                                c, leaseKeys(id), ascii(id), ascii(lease.ttlMillis), ascii(lease.token)))
                .whenComplete((r, e) -> {
                    lease.inFlight.set(false);
                    if (e != null) {
                        LOG.debug("{} lease {}: keep-alive failed; retried at the next tick", storeType, id, e);
                    } else if (r == 0) {
                        goneOnServer(lease);
                    } else if (lease.confirmed(sent)) {
                        lease.timers(null, deadline(lease));
                    }
                });
    }

    private void lose(RedisLease lease, String why) {
        active.remove(lease);
        if (lease.lost()) {
            LOG.warn("{} lease {} lost: {}", storeType, lease.id(), why);
        }
    }

    /** Deletes the lease's keys and the lease on the server. */
    CompletableFuture<Void> revoke(RedisLease lease) {
        active.remove(lease);
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(null); // close() revoked what it could
            }
        }
        long id = lease.id();
        return client.write(
                        "revokeLease",
                        "lease " + id,
                        c -> RedisScripts.REVOKE.run(c, leaseKeys(id), ascii(id), ascii(lease.token)))
                .thenApply(n -> null);
    }

    /**
     * Ends every lease of the client, as a process that exits would, but at once: each is revoked
     * on the server (waiting at most the timeout for all of them) and its {@code onLost} actions
     * run. Called by the client's {@code close()} before its connections close.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<CompletableFuture<Void>> revokes = new ArrayList<>();
        for (RedisLease lease : List.copyOf(active)) {
            lease.stopTimers();
            long id = lease.id();
            revokes.add(client.write(
                            "revokeLease",
                            "lease " + id,
                            c -> RedisScripts.REVOKE.run(c, leaseKeys(id), ascii(id), ascii(lease.token)))
                    .thenApply(n -> null));
            lose(lease, "its client was closed");
        }
        try {
            CompletableFuture.allOf(revokes.toArray(CompletableFuture[]::new))
                    .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("{}: revoking leases on close failed; their keys go when their TTL runs out", storeType, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (KvStoreException e) {
            LOG.debug("{}: revoking leases on close failed", storeType, e);
        }
    }

    /** The {@code KEYS} of {@code keepalive.lua} and {@code revoke.lua}: the lease's hash, and the key index if kept. */
    private String[] leaseKeys(long id) {
        String index = client.index();
        return index == null ? new String[] {ReservedKeys.lease(id)} : new String[] {ReservedKeys.lease(id), index};
    }

    private static byte[] ascii(long n) {
        return RedisKvStoreClient.ascii(Long.toString(n));
    }

    private static byte[] ascii(String s) {
        return RedisKvStoreClient.ascii(s);
    }
}

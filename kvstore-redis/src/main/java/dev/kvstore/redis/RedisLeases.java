package dev.kvstore.redis;

import dev.kvstore.KvLease;
import dev.kvstore.KvStoreException;
import dev.kvstore.spi.AbstractKvLease;
import dev.kvstore.spi.Futures;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
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
 *
 * <p><b>On a cluster</b> ({@link ReservedKeys.Layout#CLUSTER}) a script may touch one slot only,
 * and a lease's keys spread over many. A lease is then a root hash in the slot its (random) id
 * names, created by {@code shard.lua}, plus one shard per slot where it holds keys, created by the
 * owner before its first leased put there ({@link #ensureShard}, with the lease's remaining TTL
 * and owner token, and listed in the root by {@code slot.lua} for {@link RedisLeaseInfo}); only
 * the owner puts keys under a lease, so it knows every slot. A keep-alive
 * is one {@code keepalive.lua} call for the root and one per shard, pipelined: it counts only when
 * all succeed, and the lease is lost when any of them finds its hash gone. A revoke runs
 * {@code revoke.lua} on every shard, then on the root. Slots resharded meanwhile keep their
 * shards (same slot, same name), and the client retries a script that a moving slot refused
 * ({@code TRYAGAIN}; see {@link RedisCalls}).
 */
final class RedisLeases implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLeases.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisCalls calls;
    /** The key index's name when the client keeps one ({@link RedisOptions#KEY_INDEX}), else {@code null}. */
    private final String index;

    private final String storeType;
    private final Duration timeout;
    private final ReservedKeys.Layout layout;
    private final Set<RedisLease> active = ConcurrentHashMap.newKeySet();
    private boolean closed; // guarded by this

    /** How many random ids a cluster grant tries before giving up (a clash is a 1 in 2^53 event). */
    private static final int GRANT_ATTEMPTS = 3;

    RedisLeases(RedisCalls calls, String index, String storeType, Duration timeout, ReservedKeys.Layout layout) {
        this.calls = calls;
        this.index = index;
        this.storeType = storeType;
        this.timeout = timeout;
        this.layout = layout;
    }

    private boolean sharded() {
        return layout == ReservedKeys.Layout.CLUSTER;
    }

    /** Grants a lease; once Redis confirms, it is kept alive until revoked, lost or the client closes. */
    CompletableFuture<KvLease> grant(Duration ttl) {
        AbstractKvLease.checkTtl(ttl);
        long ttlMillis = ttl.toMillis();
        byte[] tokenBytes = new byte[16];
        RANDOM.nextBytes(tokenBytes);
        String token = HexFormat.of().formatHex(tokenBytes);
        long sent = System.nanoTime();
        if (sharded()) {
            return grantRoot(ttl, token, sent, GRANT_ATTEMPTS);
        }
        return calls.write(
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

    /** A cluster grant: a random id, whose root hash {@code shard.lua} creates unless it exists. */
    private CompletableFuture<KvLease> grantRoot(Duration ttl, String token, long sent, int attempts) {
        long id = 1 + (RANDOM.nextLong() >>> 11); // positive, under 2^53: exact in JSON too
        long ttlMillis = ttl.toMillis();
        return calls.write(
                        "grantLease",
                        ttl.toString(),
                        c -> RedisScripts.SHARD.run(
                                c, new String[] {layout.lease(id)}, ascii(ttlMillis), ascii(token), ascii(ttlMillis)))
                .thenCompose(created -> {
                    if (created == 1) {
                        RedisLease lease = new RedisLease(this, storeType, id, ttl, timeout, token, sent);
                        start(lease);
                        return CompletableFuture.completedFuture((KvLease) lease);
                    }
                    if (attempts > 1) {
                        return grantRoot(ttl, token, sent, attempts - 1);
                    }
                    throw new KvStoreException(storeType + " grantLease failed: " + GRANT_ATTEMPTS
                            + " random lease ids in a row were taken already");
                });
    }

    /**
     * On a cluster: makes sure the lease has its shard in {@code slot} before a leased put there;
     * completes at once when it has. The shard gets the lease's remaining TTL, counted from its
     * last confirmed keep-alive, so it never outlives the loss deadline.
     */
    CompletableFuture<Void> ensureShard(RedisLease lease, int slot) {
        if (lease.shards.containsKey(slot)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> pending = lease.creating.putIfAbsent(slot, mine);
        if (pending != null) {
            return pending;
        }
        if (lease.shards.containsKey(slot)) {
            lease.creating.remove(slot, mine);
            mine.complete(null);
            return mine;
        }
        long id = lease.id();
        long base = lease.lastConfirmedSend();
        long remaining = lease.ttlMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - base);
        calls.write("grantLease (shard)", "lease " + id, c -> {
                    CompletableFuture<Long> shard = RedisScripts.SHARD.run(
                            c,
                            new String[] {ReservedKeys.Layout.shard(id, slot)},
                            ascii(lease.ttlMillis),
                            ascii(lease.token),
                            ascii(Math.max(1, remaining)));
                    // the root lists the slot, so that any client can find the shard (leaseInfo)
                    CompletableFuture<Long> listed =
                            RedisScripts.SLOT.run(c, new String[] {layout.lease(id)}, ascii(lease.token), ascii(slot));
                    return shard.thenCombine(listed, (created, rootHadIt) -> created);
                })
                .whenComplete((created, e) -> {
                    if (e == null) {
                        lease.shards.putIfAbsent(slot, base);
                    }
                    lease.creating.remove(slot, mine);
                    if (e == null) {
                        mine.complete(null);
                    } else {
                        mine.completeExceptionally(e);
                    }
                });
        return mine;
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
        List<Integer> slots = List.copyOf(lease.shards.keySet());
        calls.write("keepAlive", "lease " + id, c -> keepAliveCalls(c, lease, slots))
                .whenComplete((r, e) -> {
                    lease.inFlight.set(false);
                    if (e != null) {
                        LOG.debug("{} lease {}: keep-alive failed; retried at the next tick", storeType, id, e);
                    } else if (r == 0) {
                        goneOnServer(lease);
                    } else if (lease.confirmed(confirmedUpTo(lease, slots, sent))) {
                        lease.timers(null, deadline(lease));
                    }
                });
    }

    /**
     * One keep-alive: on one server a single script call; on a cluster one for the root and one
     * per shard in {@code slots}, pipelined. Completes with 1, or 0 when any hash was gone.
     */
    private CompletableFuture<Long> keepAliveCalls(
            RedisClusterAsyncCommands<String, byte[]> c, RedisLease lease, List<Integer> slots) {
        long id = lease.id();
        CompletableFuture<Long> root =
                RedisScripts.KEEPALIVE.run(c, leaseKeys(id), ascii(id), ascii(lease.ttlMillis), ascii(lease.token));
        if (slots.isEmpty()) {
            return root;
        }
        List<CompletableFuture<Long>> calls = new ArrayList<>(slots.size() + 1);
        calls.add(root);
        for (int slot : slots) {
            calls.add(RedisScripts.KEEPALIVE.run(
                    c,
                    new String[] {ReservedKeys.Layout.shard(id, slot)},
                    ascii(id),
                    ascii(lease.ttlMillis),
                    ascii(lease.token),
                    ascii(layout.leaseOfPrefix(slot)),
                    ascii("1")));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .thenApply(v -> calls.stream().allMatch(f -> f.join() == 1) ? 1L : 0L);
    }

    /**
     * Records a confirmed keep-alive sent at {@code sent} for the root and the shards in
     * {@code slots}; returns how far the whole lease is confirmed: the least recent of that and
     * every shard's own time (a shard created after the keep-alive was sent was not extended).
     */
    private static long confirmedUpTo(RedisLease lease, List<Integer> slots, long sent) {
        for (int slot : slots) {
            lease.shards.merge(slot, sent, (a, b) -> b - a > 0 ? b : a);
        }
        long upTo = sent;
        for (long t : lease.shards.values()) {
            if (t - upTo < 0) {
                upTo = t;
            }
        }
        return upTo;
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
        return revokeCalls(lease);
    }

    /**
     * Deletes a lease's keys and hashes on the server: one {@code revoke.lua} call; on a cluster
     * one per shard, then one for the root.
     */
    private CompletableFuture<Void> revokeCalls(RedisLease lease) {
        long id = lease.id();
        List<Integer> slots = List.copyOf(lease.shards.keySet());
        return calls.write("revokeLease", "lease " + id, c -> {
                    List<CompletableFuture<Long>> shards = new ArrayList<>(slots.size());
                    for (int slot : slots) {
                        shards.add(RedisScripts.REVOKE.run(
                                c,
                                new String[] {ReservedKeys.Layout.shard(id, slot)},
                                ascii(id),
                                ascii(lease.token),
                                ascii(layout.leaseOfPrefix(slot))));
                    }
                    return CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new))
                            .thenCompose(v -> RedisScripts.REVOKE.run(c, leaseKeys(id), ascii(id), ascii(lease.token)));
                })
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
            revokes.add(revokeCalls(lease));
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

    /**
     * The {@code KEYS} of the lease's own (root) {@code keepalive.lua} and {@code revoke.lua} calls:
     * its hash, and the key index if kept (one server only, where the root hash is the only one).
     */
    private String[] leaseKeys(long id) {
        return index == null ? new String[] {layout.lease(id)} : new String[] {layout.lease(id), index};
    }

    private static byte[] ascii(long n) {
        return RedisKvStoreClient.ascii(Long.toString(n));
    }

    private static byte[] ascii(String s) {
        return RedisKvStoreClient.ascii(s);
    }
}

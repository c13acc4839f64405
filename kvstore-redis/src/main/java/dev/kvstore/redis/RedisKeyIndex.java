package dev.kvstore.redis;

import dev.kvstore.KvPair;
import dev.kvstore.spi.KeyIndexMaintenance;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandKeyword;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Prefix reads through the key index ({@link RedisOptions#KEY_INDEX}): the sorted set
 * {@link ReservedKeys#INDEX}, every member a user key with score 0, so that
 * {@code ZRANGEBYLEX} returns the keys of a prefix in byte order at a cost of
 * O(log n + m), where {@code SCAN} walks the whole database. The writes keep the index in their
 * own scripts ({@code txn.lua}, {@code keepalive.lua}, {@code revoke.lua}); this class reads it,
 * prunes members whose keys are gone ({@code prune.lua}: a leased key that expired, since Redis
 * runs no script on expiry) and rebuilds it from a {@code SCAN} ({@code reindex.lua}).
 *
 * <p><b>The range.</b> Keys are UTF-8 and Redis orders members by their bytes. The keys that
 * start with prefix {@code P} are exactly the members in {@code [P, P·0xFF)}: a byte 0xFF never
 * occurs in UTF-8, so every key {@code P·rest} sorts below {@code P·0xFF}, and a member at or
 * above {@code P} that does not start with {@code P} differs from it first at a greater byte and
 * so sorts above {@code P·0xFF} too. The empty prefix is {@code [-, +]}, the whole set.
 *
 * <p>Threads: stateless; every step is sent from whichever thread completed the previous one
 * (lettuce's I/O threads), never blocking. Pages are read one after another, so at most one page
 * is in hand.
 */
final class RedisKeyIndex {

    private static final byte[] ALL_LOW = ascii("-");
    private static final byte[] ALL_HIGH = ascii("+");
    private static final byte[] ZERO = ascii("0");
    private static final byte[] DELETE = ascii("d");
    private static final byte[] PUT = ascii("p");
    private static final byte[] EMPTY = new byte[0];

    private RedisKeyIndex() {}

    /**
     * Walks the index members that start with {@code prefix}, in byte order, handing them to
     * {@code page} up to {@link RedisKvStoreClient#BATCH} at a time, and waiting for it before
     * reading the next page (from just after the last member handed over).
     */
    static CompletableFuture<Void> walk(
            RedisClusterAsyncCommands<String, byte[]> c,
            String prefix,
            Function<List<String>, CompletionStage<?>> page) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] low = prefix.isEmpty() ? ALL_LOW : bound('[', p, false);
        byte[] high = prefix.isEmpty() ? ALL_HIGH : bound('(', p, true);
        return walk(c, low, high, page);
    }

    private static CompletableFuture<Void> walk(
            RedisClusterAsyncCommands<String, byte[]> c,
            byte[] low,
            byte[] high,
            Function<List<String>, CompletionStage<?>> page) {
        CommandArgs<String, byte[]> args = new CommandArgs<>(RedisKvStoreClient.CODEC)
                .addKey(ReservedKeys.INDEX)
                .add(low)
                .add(high)
                .add(CommandKeyword.LIMIT)
                .add(0)
                .add(RedisKvStoreClient.BATCH);
        return c.dispatch(CommandType.ZRANGEBYLEX, new ValueListOutput<>(RedisKvStoreClient.CODEC), args)
                .toCompletableFuture()
                .thenCompose(members -> {
                    if (members.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    List<String> keys = new ArrayList<>(members.size());
                    for (byte[] m : members) {
                        keys.add(new String(m, StandardCharsets.UTF_8));
                    }
                    CompletionStage<?> done = page.apply(keys);
                    if (members.size() < RedisKvStoreClient.BATCH) {
                        return done.thenApply(x -> (Void) null);
                    }
                    byte[] next = bound('(', members.get(members.size() - 1), false);
                    return done.thenCompose(x -> walk(c, next, high, page));
                });
    }

    /** {@code kind} (an ASCII {@code [} or {@code (}), then {@code member}, then 0xFF if {@code top}. */
    private static byte[] bound(char kind, byte[] member, boolean top) {
        byte[] b = Arrays.copyOf(new byte[] {(byte) kind}, 1 + member.length + (top ? 1 : 0));
        System.arraycopy(member, 0, b, 1, member.length);
        if (top) {
            b[b.length - 1] = (byte) 0xFF;
        }
        return b;
    }

    /**
     * The keys under {@code prefix}, sorted as without the index ({@link String} order, which
     * differs from the index's byte order around supplementary characters); members whose keys are
     * gone are pruned and left out.
     */
    static CompletableFuture<List<String>> listKeys(RedisClusterAsyncCommands<String, byte[]> c, String prefix) {
        List<String> keys = new ArrayList<>();
        return walk(
                        c,
                        prefix,
                        page -> prune(c, page).thenAccept(exists -> {
                            for (int i = 0; i < page.size(); i++) {
                                if (exists[i]) {
                                    keys.add(page.get(i));
                                }
                            }
                        }))
                .thenApply(v -> {
                    Collections.sort(keys);
                    return Collections.unmodifiableList(keys);
                });
    }

    /**
     * The pairs under {@code prefix}, values read as without the index (an atomic {@code MGET} of
     * a page of keys and their lease keys); members found gone are pruned and left out.
     */
    static CompletableFuture<Map<String, KvPair>> list(RedisClusterAsyncCommands<String, byte[]> c, String prefix) {
        Map<String, KvPair> result = new TreeMap<>();
        return walk(
                        c,
                        prefix,
                        page -> RedisListing.mgetWithLeases(c, page).thenCompose(found -> {
                            result.putAll(found);
                            if (found.size() == page.size()) {
                                return CompletableFuture.completedFuture(null);
                            }
                            List<String> gone = new ArrayList<>(page.size() - found.size());
                            for (String k : page) {
                                if (!found.containsKey(k)) {
                                    gone.add(k);
                                }
                            }
                            return prune(c, gone);
                        }))
                .thenApply(v -> Collections.unmodifiableMap(result));
    }

    /**
     * Deletes every indexed key under {@code prefix}: per page, one {@code txn.lua} call of
     * deletes, so each key, its lease key and its index member go in one atomic step.
     */
    static CompletableFuture<Void> deleteWithPrefix(RedisClusterAsyncCommands<String, byte[]> c, String prefix) {
        return walk(c, prefix, page -> RedisScripts.TXN.run(c, writeKeys(page), deleteArgs(page.size())));
    }

    /**
     * {@code txn.lua}'s KEYS for one plain operation (put or delete) on each of {@code keys}: the
     * keys, their lease-id keys, their lease hashes (unused by plain operations: the lease-id keys
     * again, as {@code RedisTransactions} passes them), then the index.
     */
    static String[] writeKeys(List<String> keys) {
        int n = keys.size();
        String[] k = new String[3 * n + 1];
        for (int i = 0; i < n; i++) {
            k[i] = keys.get(i);
            k[n + i] = ReservedKeys.leaseOf(keys.get(i));
            k[2 * n + i] = k[n + i];
        }
        k[3 * n] = ReservedKeys.INDEX;
        return k;
    }

    /** {@code txn.lua}'s ARGV for {@code n} deletes and no condition. */
    static byte[][] deleteArgs(int n) {
        byte[][] a = new byte[2 + 4 * n][];
        a[0] = ZERO;
        a[1] = ascii(Integer.toString(n));
        for (int i = 0; i < n; i++) {
            a[2 + 4 * i] = DELETE;
            a[3 + 4 * i] = EMPTY;
            a[4 + 4 * i] = EMPTY;
            a[5 + 4 * i] = EMPTY;
        }
        return a;
    }

    /** {@code txn.lua}'s ARGV for plain puts of {@code values} and no condition. */
    static byte[][] putArgs(List<byte[]> values) {
        int n = values.size();
        byte[][] a = new byte[2 + 4 * n][];
        a[0] = ZERO;
        a[1] = ascii(Integer.toString(n));
        for (int i = 0; i < n; i++) {
            a[2 + 4 * i] = PUT;
            a[3 + 4 * i] = values.get(i);
            a[4 + 4 * i] = EMPTY;
            a[5 + 4 * i] = EMPTY;
        }
        return a;
    }

    /** Runs {@code prune.lua} on members: per member, whether its key exists (it was removed if not). */
    static CompletableFuture<boolean[]> prune(RedisClusterAsyncCommands<String, byte[]> c, List<String> members) {
        return RedisScripts.PRUNE.runForList(c, withIndex(members)).thenApply(flags -> {
            boolean[] exists = new boolean[flags.size()];
            for (int i = 0; i < exists.length; i++) {
                exists[i] = ((Long) flags.get(i)) == 1L;
            }
            return exists;
        });
    }

    /**
     * Repairs the index under {@code prefix}: first prunes every member whose key is gone
     * (counting removed and kept), then adds every key a {@code SCAN} finds that is not a member.
     */
    static CompletableFuture<KeyIndexMaintenance.Counts> reindex(
            RedisClusterAsyncCommands<String, byte[]> c, RedisTopology topology, String prefix) {
        AtomicLong added = new AtomicLong();
        AtomicLong removed = new AtomicLong();
        AtomicLong kept = new AtomicLong();
        return walk(
                        c,
                        prefix,
                        page -> prune(c, page).thenAccept(exists -> {
                            for (boolean e : exists) {
                                (e ? kept : removed).incrementAndGet();
                            }
                        }))
                .thenCompose(v -> topology.scan(
                        c,
                        prefix,
                        page -> RedisScripts.REINDEX
                                .runForList(c, withIndex(page))
                                .thenAccept(r -> {
                                    added.addAndGet((Long) r.get(0));
                                })))
                .thenApply(v -> new KeyIndexMaintenance.Counts(added.get(), removed.get(), kept.get()));
    }

    /** The index key, then {@code keys}: the {@code KEYS} of {@code prune.lua} and {@code reindex.lua}. */
    private static String[] withIndex(List<String> keys) {
        String[] k = new String[keys.size() + 1];
        k[0] = ReservedKeys.INDEX;
        for (int i = 0; i < keys.size(); i++) {
            k[i + 1] = keys.get(i);
        }
        return k;
    }

    private static byte[] ascii(String s) {
        return RedisKvStoreClient.ascii(s);
    }
}

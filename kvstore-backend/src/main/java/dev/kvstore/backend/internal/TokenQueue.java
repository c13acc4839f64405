package dev.kvstore.backend.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kvstore.KvLease;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.Txn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The queue under a lock or election name: a persistent counter {@code <name>/fence} and one
 * leased key per waiter, {@code <name>/q/<token>}, the token zero-padded to 20 digits so that key
 * order is token order. Where the store's transactions must stay in one hash slot (Redis Cluster),
 * both carry the store's {@link dev.kvstore.KvStoreClient#colocationTag} for the name after their
 * fixed part ({@code <name>/fence{t}}, {@code <name>/q/{t}<token>}): still under {@code <name>/}
 * and {@code <name>/q/}, still in token order; on every other store the tag is empty. The queue is
 * read by listing {@code <name>/q/<tag>}, where every waiter key is: on Redis Cluster a prefix
 * with a hash tag is one slot's, read from its one master instead of every master. Joining increments the counter and creates the waiter's key in ONE
 * transaction (the counter's old value as its condition, retried on conflict), so the token is
 * strictly increasing across every client and restart, and key order is arrival order. The first
 * key under {@code q/} is the holder (or leader).
 *
 * <p><b>Reading a waiter's place without a listing</b> ({@link #waitersUpTo}). A waiter key is only
 * ever created by the transaction that moves the counter to its token, so once the counter has
 * passed a token and that token's key is absent, the key is gone for good. The queue keeps a
 * <em>floor</em>: no waiter key with a smaller token exists or can appear again. A waiter with token
 * {@code t} then reads the keys from the floor to {@code t} (one bulk read, while they are at most
 * {@value #PROBE_LIMIT}) instead of listing the prefix, which on plain Redis is a {@code SCAN} of the
 * whole database. The first read of a queue, and one that has fallen further behind, lists it and
 * takes the floor from the listing. A waiter that deletes its own key while the floor stands at it
 * moves the floor past it ({@link #deleted}), so the next acquisition here, when no other client
 * joined meanwhile (its transaction on the cached counter succeeds), finds the floor at its own
 * token: first, with nothing to read. An uncontended acquire and release is then one transaction
 * and one delete. All this holds as long as the counter is never reset; deleting it while keys wait
 * breaks the tokens' order anyway (as it would with a listing).
 *
 * <p>Thread-safe: the state is a cached last counter value, a hint that saves a read when this
 * process was the last to join (a stale hint only costs one failed transaction), and the floor,
 * which only rises.
 */
final class TokenQueue {

    private final Calls calls;
    private final String counterKey;
    private final String prefix;
    private final String tag;
    /** {@link #prefix} then {@link #tag}: every waiter key starts with it. */
    private final String waiterPrefix;

    /** The most keys {@link #waitersUpTo} reads one by one before it lists the queue instead. */
    static final int PROBE_LIMIT = 16;

    private volatile long lastCounter = -1;

    /** No waiter key with a smaller token exists or can be created again; 0 while unknown. */
    private final AtomicLong floor = new AtomicLong();

    TokenQueue(Calls calls, String fullName) {
        this.calls = calls;
        this.tag = calls.client().colocationTag(fullName);
        this.counterKey = fullName + "/fence" + tag;
        this.prefix = fullName + "/q/";
        this.waiterPrefix = prefix + tag;
    }

    /** The raw prefix every waiter key starts with. */
    String prefix() {
        return prefix;
    }

    String keyOf(long token) {
        String digits = Long.toString(token); // String.format was a fifth of a lock cycle's CPU on ZooKeeper
        return waiterPrefix + "0".repeat(20 - digits.length()) + digits;
    }

    static long tokenOf(String key) {
        return Long.parseLong(key.substring(key.length() - 20));
    }

    /**
     * Joins the queue: one transaction that increments the counter and puts {@code value} under the
     * new token's key with {@code lease}.
     *
     * @param value the waiter's value (an owner description, a candidate id); should be unique to
     *     this attempt, so that a failed attempt's key can be told from another client's
     * @param onOrphan run when a transaction failed indeterminately (timeout) and its key, which may
     *     exist, could not be removed either: the caller must then give up the lease
     * @return the token
     */
    long join(byte[] value, KvLease lease, Runnable onOrphan) {
        while (true) {
            long current = lastCounter;
            if (current < 0) {
                Optional<KvPair> p =
                        calls.await("get", counterKey, () -> calls.client().get(counterKey));
                current = p.map(TokenQueue::parse).orElse(0L);
            }
            long token = current + 1;
            String key = keyOf(token);
            Txn.Builder b = Txn.builder();
            (current == 0 ? b.ifAbsent(counterKey) : b.ifValue(counterKey, bytes(current)))
                    .put(counterKey, bytes(token))
                    .put(key, value, lease);
            Txn txn = b.build();
            boolean done;
            try {
                done = calls.await("commit", key, () -> calls.client().commit(txn))
                        .succeeded();
            } catch (KvStoreUnavailableException e) {
                lastCounter = -1;
                removeQuietly(key, value, onOrphan);
                throw e;
            }
            if (done) {
                lastCounter = token;
                return token;
            }
            lastCounter = -1;
        }
    }

    /** Deletes a waiter key if it holds {@code value}; on failure runs {@code onOrphan}. */
    private void removeQuietly(String key, byte[] value, Runnable onOrphan) {
        try {
            Txn txn = Txn.builder().ifValue(key, value).delete(key).build();
            calls.await("commit", key, () -> calls.client().commit(txn));
        } catch (RuntimeException e) {
            onOrphan.run();
        }
    }

    /** The waiter keys, in token order. */
    List<String> waiters() {
        List<String> keys = new ArrayList<>(
                calls.await("listKeys", waiterPrefix, () -> calls.client().listKeys(waiterPrefix)));
        Collections.sort(keys);
        return keys;
    }

    /**
     * The waiter keys up to {@code token}'s own, in token order: what decides whether that waiter
     * is first and which key comes before it. Reads the keys from the floor to {@code token} in one
     * bulk read while they are at most {@link #PROBE_LIMIT}, else lists the queue; either way the
     * floor rises to the first key found (past {@code token} when none is). When the floor stands
     * at {@code token} already, reads nothing: no key comes before it. Call only once the counter
     * has reached {@code token}, and while the waiter's own key was written and not deleted here.
     *
     * @return the present keys with tokens from the floor up to {@code token}, sorted; the waiter's
     *     own key is last unless it is gone
     */
    List<String> waitersUpTo(long token) {
        long from = floor.get();
        if (from == token) {
            return List.of(keyOf(token)); // no key before it; its own was just written
        }
        List<String> keys;
        if (from > 0 && from <= token && token - from < PROBE_LIMIT) {
            List<String> probed = new ArrayList<>((int) (token - from + 1));
            for (long t = from; t <= token; t++) {
                probed.add(keyOf(t));
            }
            Map<String, KvPair> present =
                    calls.await("getAll", probed.get(0), () -> calls.client().getAllAsync(probed));
            keys = new ArrayList<>(present.size());
            for (String k : probed) { // in token order, as the keys are built
                if (present.containsKey(k)) {
                    keys.add(k);
                }
            }
        } else {
            String own = keyOf(token);
            keys = new ArrayList<>();
            for (String k : waiters()) {
                if (k.compareTo(own) > 0) {
                    break;
                }
                keys.add(k);
            }
        }
        long first = token + 1;
        for (String k : keys) {
            if (isWaiterKey(k)) {
                first = tokenOf(k);
                break;
            }
        }
        floor.accumulateAndGet(first, Math::max);
        return keys;
    }

    /**
     * The waiter key of {@code token} was deleted by this process: when the floor stands at that
     * token, no key up to it exists any more, so the floor moves past it.
     */
    void deleted(long token) {
        floor.compareAndSet(token, token + 1);
    }

    /** Whether {@code key} is a waiter key of this queue: the waiter prefix, then a 20-digit token. */
    private boolean isWaiterKey(String key) {
        if (key.length() != waiterPrefix.length() + 20 || !key.startsWith(waiterPrefix)) {
            return false;
        }
        for (int i = waiterPrefix.length(); i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The waiters with their values, in token order. */
    SortedMap<String, KvPair> list() {
        return new TreeMap<>(
                calls.await("list", waiterPrefix, () -> calls.client().list(waiterPrefix)));
    }

    private static long parse(KvPair counter) {
        try {
            return Long.parseLong(counter.valueAsString().trim());
        } catch (NumberFormatException e) {
            throw new KvStoreException(
                    "the counter \"" + counter.key() + "\" holds \"" + counter.valueAsString()
                            + "\", not a number: it is not a kvstore lock or election counter",
                    e);
        }
    }

    private static byte[] bytes(long n) {
        return Long.toString(n).getBytes(UTF_8);
    }
}

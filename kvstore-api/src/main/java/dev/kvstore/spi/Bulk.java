package dev.kvstore.spi;

import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;

/**
 * The bulk operations' shared parts: the argument checks every store applies before anything is
 * sent (so that every store fails alike, and as its single-key calls do), splitting into batches,
 * and the portable form made of concurrent single-key calls, which {@link KvStoreClient}'s default
 * methods use and a store may fall back to.
 *
 * <p>Stateless; any thread may call any method.
 */
public final class Bulk {

    private Bulk() {}

    /**
     * Checks keys as {@link Keys#checkKey(String)} does, each of them, before anything is sent.
     *
     * @param keys the full keys; duplicates allowed
     * @return the distinct keys, in their first order
     * @throws NullPointerException if {@code keys} or one of them is null
     * @throws IllegalArgumentException if a key is not valid
     */
    public static List<String> checkKeys(Collection<String> keys) {
        Objects.requireNonNull(keys, "keys");
        LinkedHashSet<String> distinct = new LinkedHashSet<>(Math.max(16, keys.size() * 2));
        for (String key : keys) {
            distinct.add(Keys.checkKey(key));
        }
        return new ArrayList<>(distinct);
    }

    /**
     * Checks entries as a single-key put checks its key and value, each of them, before anything is
     * sent, and copies them (a caller's later change to an array is not written).
     *
     * @param entries full keys and their values
     * @param maxValueSize the store's value limit in bytes
     * @return a copy, in the map's iteration order
     * @throws NullPointerException if {@code entries}, a key or a value is null
     * @throws IllegalArgumentException if a key is not valid
     * @throws dev.kvstore.KvValueTooLargeException if a value is over {@code maxValueSize}
     */
    public static Map<String, byte[]> checkEntries(Map<String, byte[]> entries, long maxValueSize) {
        Objects.requireNonNull(entries, "entries");
        Map<String, byte[]> copy = new LinkedHashMap<>(Math.max(16, entries.size() * 2));
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            String key = Keys.checkKey(e.getKey());
            copy.put(key, Keys.checkValue(key, e.getValue(), maxValueSize).clone());
        }
        return copy;
    }

    /**
     * Splits items into consecutive batches of at most {@code maxItems} items and, when
     * {@code maxBytes} is positive, at most {@code maxBytes} by {@code size} (an item bigger than
     * that alone gets a batch of its own).
     *
     * @param items the items
     * @param maxItems the most items per batch; positive
     * @param maxBytes the most bytes per batch, or 0 for no byte limit
     * @param size an item's size in bytes
     * @param <T> the items' type
     * @return the batches, each a view of {@code items}
     */
    public static <T> List<List<T>> batches(List<T> items, int maxItems, long maxBytes, ToLongFunction<T> size) {
        if (maxItems < 1) {
            throw new IllegalArgumentException("maxItems must be positive, got " + maxItems);
        }
        List<List<T>> batches = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < items.size(); i++) {
            long s = maxBytes > 0 ? size.applyAsLong(items.get(i)) : 0;
            if (i > from && (i - from == maxItems || (maxBytes > 0 && bytes + s > maxBytes))) {
                batches.add(items.subList(from, i));
                from = i;
                bytes = 0;
            }
            bytes += s;
        }
        if (from < items.size()) {
            batches.add(items.subList(from, items.size()));
        }
        return batches;
    }

    /**
     * Reads keys with one {@link KvStoreClient#get} each, all at once.
     *
     * @param client the client
     * @param keys the full keys
     * @return the present keys' pairs by key, in the keys' order; fails with the first failure
     * @throws NullPointerException if {@code keys} or one of them is null
     * @throws IllegalArgumentException if a key is not valid (nothing is sent)
     */
    public static CompletableFuture<Map<String, KvPair>> getAllConcurrently(
            KvStoreClient client, Collection<String> keys) {
        List<String> checked = checkKeys(keys);
        if (checked.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        List<CompletableFuture<Optional<KvPair>>> reads = new ArrayList<>(checked.size());
        for (String key : checked) {
            reads.add(client.get(key));
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(x -> {
            Map<String, KvPair> result = new LinkedHashMap<>(Math.max(16, reads.size() * 2));
            for (CompletableFuture<Optional<KvPair>> read : reads) {
                read.join().ifPresent(p -> result.put(p.key(), p));
            }
            return Collections.unmodifiableMap(result);
        });
    }

    /**
     * Writes entries with one {@link KvStoreClient#put} each, all at once, after checking every
     * key and value.
     *
     * @param client the client
     * @param entries full keys and their values
     * @return completes when every put has; fails with the first failure (other puts may have been applied)
     * @throws NullPointerException if {@code entries}, a key or a value is null
     * @throws IllegalArgumentException if a key is not valid (nothing is sent)
     * @throws dev.kvstore.KvValueTooLargeException if a value is over the store's limit (nothing is sent)
     */
    public static CompletableFuture<Void> putAllConcurrently(KvStoreClient client, Map<String, byte[]> entries) {
        Map<String, byte[]> checked = checkEntries(entries, client.maxValueSize());
        List<CompletableFuture<Void>> writes = new ArrayList<>(checked.size());
        checked.forEach((k, v) -> writes.add(client.put(k, v)));
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /**
     * Deletes keys with one {@link KvStoreClient#delete} each, all at once.
     *
     * @param client the client
     * @param keys the full keys
     * @return completes when every delete has; fails with the first failure (others may have been applied)
     * @throws NullPointerException if {@code keys} or one of them is null
     * @throws IllegalArgumentException if a key is not valid (nothing is sent)
     */
    public static CompletableFuture<Void> deleteAllConcurrently(KvStoreClient client, Collection<String> keys) {
        List<String> checked = checkKeys(keys);
        List<CompletableFuture<Void>> deletes = new ArrayList<>(checked.size());
        for (String key : checked) {
            deletes.add(client.delete(key));
        }
        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
    }

    /**
     * Completes when every future has, with their results in order; fails with the first failure.
     *
     * @param futures the futures
     * @param <T> their results' type
     * @return the results
     */
    public static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(x -> {
                    List<T> results = new ArrayList<>(futures.size());
                    for (CompletableFuture<T> f : futures) {
                        results.add(f.join());
                    }
                    return results;
                });
    }
}

package dev.kvstore.zookeeper;

import dev.kvstore.KvPair;
import dev.kvstore.Txn;
import dev.kvstore.spi.Bulk;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The bulk operations in ZooKeeper {@code multi} batches.
 *
 * <ul>
 *   <li>{@code getAll}: read-only {@code multi}s of {@link ZooKeeperConnection#batch()} reads each
 *       ({@link ZooKeeperReader#readMany}, sized so a reply fits {@code jute.maxbuffer}), all sent
 *       at once.
 *   <li>{@code putAll}, {@code deleteAll}: each batch of at most
 *       {@link ZooKeeperTransactions#MAX_TXN_SIZE} keys, and at most half a request's room in bytes
 *       (the other half for parents created in the same {@code multi}), is a {@link Txn} without
 *       conditions committed by {@link ZooKeeperTransactions}: one read-only {@code multi} reads
 *       every znode of the batch, one {@code multi} applies the batch (create of a new key with its
 *       missing parents, set of an existing one, the conversions a container or a leased key
 *       needs), and a batch that a concurrent writer got in the way of is read and tried again. So
 *       each batch is atomic, and exactly a put (or delete) per key, whether the key existed or not;
 *       batches apply independently, all sent at once.
 * </ul>
 *
 * <p>Threads: stateless; called from any thread, continues on ZooKeeper's event thread without
 * blocking it.
 */
final class ZooKeeperBulk {

    /** Room per key beyond its value: the path's UTF-8 bytes (at most 3 per char) and framing. */
    private static final long KEY_OVERHEAD = 64;

    private final ZooKeeperReader reader;
    private final ZooKeeperTransactions txns;
    private final KeyPaths paths;
    private final long batchBytes;

    ZooKeeperBulk(ZooKeeperReader reader, ZooKeeperTransactions txns, KeyPaths paths, long maxRequestBytes) {
        this.reader = reader;
        this.txns = txns;
        this.paths = paths;
        this.batchBytes = maxRequestBytes / 2;
    }

    /** Reads checked, distinct keys; absent keys and containers are left out. */
    CompletableFuture<Map<String, KvPair>> getAll(List<String> keys) {
        List<String> keyPaths = new ArrayList<>(keys.size());
        for (String key : keys) {
            keyPaths.add(paths.path(key));
        }
        return reader.readMany(keyPaths).thenCompose(nodes -> {
            List<CompletableFuture<KvPair>> pairs = new ArrayList<>(keys.size());
            for (int i = 0; i < nodes.size(); i++) {
                ZooKeeperReader.Znode node = nodes.get(i);
                if (node != null && node.isKey()) {
                    pairs.add(reader.pair(keys.get(i), keyPaths.get(i), node));
                }
            }
            return Bulk.all(pairs).thenApply(found -> {
                Map<String, KvPair> result = new LinkedHashMap<>(found.size() * 2);
                for (KvPair p : found) {
                    result.put(p.key(), p);
                }
                return Collections.unmodifiableMap(result);
            });
        });
    }

    /** Writes checked entries, batch by batch as the class comment says. */
    CompletableFuture<Void> putAll(Map<String, byte[]> entries) {
        List<Map.Entry<String, byte[]>> items = new ArrayList<>(entries.entrySet());
        List<CompletableFuture<Boolean>> sent = new ArrayList<>();
        for (List<Map.Entry<String, byte[]>> batch : Bulk.batches(
                items,
                ZooKeeperTransactions.MAX_TXN_SIZE,
                batchBytes,
                e -> e.getKey().length() * 3L + KEY_OVERHEAD + e.getValue().length)) {
            Txn.Builder txn = Txn.builder();
            batch.forEach(e -> txn.put(e.getKey(), e.getValue()));
            sent.add(txns.commit(txn.build()));
        }
        return Bulk.all(sent).thenApply(r -> null);
    }

    /** Deletes checked, distinct keys, batch by batch. */
    CompletableFuture<Void> deleteAll(List<String> keys) {
        List<CompletableFuture<Boolean>> sent = new ArrayList<>();
        for (List<String> batch : Bulk.batches(keys, ZooKeeperTransactions.MAX_TXN_SIZE, 0, k -> 0)) {
            Txn.Builder txn = Txn.builder();
            batch.forEach(txn::delete);
            sent.add(txns.commit(txn.build()));
        }
        return Bulk.all(sent).thenApply(r -> null);
    }
}

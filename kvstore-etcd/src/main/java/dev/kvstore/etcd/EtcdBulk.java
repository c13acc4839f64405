package dev.kvstore.etcd;

import dev.kvstore.KvPair;
import dev.kvstore.spi.Bulk;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The bulk operations as etcd transactions without conditions: each batch of at most
 * {@code --max-txn-ops} operations ({@link EtcdOptions#MAX_TXN_OPS}) and {@code --max-request-bytes}
 * is one {@code Txn}, applied at one revision (atomic and isolated per batch); the batches are
 * sent all at once on the client's one channel and apply independently. Measured against one
 * request per key sent all at once (etcd's benchmark in this module's tests), one transaction per
 * batch is the faster of the two.
 *
 * <p>Threads: stateless; called from any user thread. Every future comes from
 * {@link EtcdKvStoreClient#call}, so it completes on the client's callback threads, bounded by
 * the timeout per batch.
 */
final class EtcdBulk {

    /** Room per operation for its protobuf tags and lengths, as {@link EtcdTransactions} counts. */
    private static final long ENTRY_OVERHEAD = 32;
    /** Room for the transaction's own framing within the request limit. */
    private static final long TXN_OVERHEAD = 256;

    private final EtcdKvStoreClient client;
    private final KV kv;
    private final EtcdSettings settings;

    EtcdBulk(EtcdKvStoreClient client, KV kv, EtcdSettings settings) {
        this.client = client;
        this.kv = kv;
        this.settings = settings;
    }

    CompletableFuture<Map<String, KvPair>> getAll(Collection<String> keys) {
        List<String> checked = Bulk.checkKeys(keys);
        if (checked.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        List<CompletableFuture<TxnResponse>> sent = new ArrayList<>();
        for (List<String> batch : Bulk.batches(checked, settings.maxTxnOps(), 0, k -> 0)) {
            Op[] ops = new Op[batch.size()];
            for (int i = 0; i < ops.length; i++) {
                ops[i] = Op.get(EtcdKvStoreClient.bytes(batch.get(i)), GetOption.DEFAULT);
            }
            sent.add(send("getAll", batch.get(0), ops));
        }
        return Bulk.all(sent).thenApply(responses -> {
            Map<String, KvPair> found = new HashMap<>(checked.size() * 2);
            for (TxnResponse r : responses) {
                for (GetResponse get : r.getGetResponses()) {
                    for (KeyValue kv : get.getKvs()) {
                        KvPair pair = EtcdKvStoreClient.pair(kv);
                        found.put(pair.key(), pair);
                    }
                }
            }
            Map<String, KvPair> result = new LinkedHashMap<>(found.size() * 2);
            for (String key : checked) {
                KvPair pair = found.get(key);
                if (pair != null) {
                    result.put(key, pair);
                }
            }
            return Collections.unmodifiableMap(result);
        });
    }

    CompletableFuture<Void> putAll(Map<String, byte[]> entries) {
        Map<String, byte[]> checked = Bulk.checkEntries(entries, settings.maxValueSize());
        if (checked.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Map.Entry<String, byte[]>> items = new ArrayList<>(checked.entrySet());
        long maxBytes = settings.maxRequestBytes() - TXN_OVERHEAD;
        List<CompletableFuture<TxnResponse>> sent = new ArrayList<>();
        for (List<Map.Entry<String, byte[]>> batch :
                Bulk.batches(items, settings.maxTxnOps(), maxBytes, EtcdBulk::size)) {
            Op[] ops = new Op[batch.size()];
            for (int i = 0; i < ops.length; i++) {
                Map.Entry<String, byte[]> e = batch.get(i);
                ops[i] =
                        Op.put(EtcdKvStoreClient.bytes(e.getKey()), ByteSequence.from(e.getValue()), PutOption.DEFAULT);
            }
            sent.add(send("putAll", batch.get(0).getKey(), ops));
        }
        return Bulk.all(sent).thenApply(r -> null);
    }

    CompletableFuture<Void> deleteAll(Collection<String> keys) {
        List<String> checked = Bulk.checkKeys(keys);
        if (checked.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<TxnResponse>> sent = new ArrayList<>();
        for (List<String> batch : Bulk.batches(checked, settings.maxTxnOps(), 0, k -> 0)) {
            Op[] ops = new Op[batch.size()];
            for (int i = 0; i < ops.length; i++) {
                ops[i] = Op.delete(EtcdKvStoreClient.bytes(batch.get(i)), DeleteOption.DEFAULT);
            }
            sent.add(send("deleteAll", batch.get(0), ops));
        }
        return Bulk.all(sent).thenApply(r -> null);
    }

    private CompletableFuture<TxnResponse> send(String op, String firstKey, Op[] ops) {
        return client.call(op, firstKey, () -> kv.txn().Then(ops).commit(), r -> r);
    }

    private static long size(Map.Entry<String, byte[]> e) {
        return e.getKey().length() * 3L + e.getValue().length + ENTRY_OVERHEAD;
    }
}

package dev.kvstore.etcd;

import dev.kvstore.KvStoreException;
import dev.kvstore.Txn;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.util.concurrent.CompletableFuture;

/**
 * A kvstore {@link Txn} as one etcd transaction: every condition becomes a compare, every
 * operation a request of the success branch; the failure branch is empty.
 *
 * <ul>
 *   <li>{@code ifAbsent}: {@code version == 0} (etcd compares a missing key as version 0).
 *   <li>{@code ifPresent}: {@code version > 0}.
 *   <li>{@code ifVersion(k, v)}: {@code version == v}, so {@code v = 0} means absent.
 *   <li>{@code ifValue(k, bytes)}: {@code value == bytes}; etcd fails a value compare on a missing
 *       key, so an empty expected value does not match an absent key.
 * </ul>
 *
 * <p>Limits, checked before sending: etcd refuses a transaction whose compares, or whose success
 * requests, or whose failure requests, number more than {@code --max-txn-ops} (each list on its
 * own); kvstore counts conditions plus operations against it, which is never more than etcd allows.
 * A request over {@code --max-request-bytes} is refused too. etcd refuses a key written twice in
 * one branch; {@link Txn.Builder} already does.
 *
 * <p>Stateless; called on the caller's thread.
 */
final class EtcdTransactions {

    /** Room per compare or request for its protobuf tags, lengths and numbers. */
    private static final long ENTRY_OVERHEAD = 32;

    private EtcdTransactions() {}

    /**
     * Builds the etcd transaction, sending nothing.
     *
     * @param txn the transaction, already checked (keys, values, size)
     * @param leases resolves leased puts to this client's lease ids
     * @param maxRequestBytes the server's {@code --max-request-bytes}
     * @return the request, ready to send
     * @throws KvStoreException if the request would exceed {@code maxRequestBytes}, or a leased put
     *     names a lease that is no longer active
     * @throws IllegalArgumentException if a leased put names a lease not granted by this client
     */
    static Request prepare(Txn txn, EtcdLeases leases, long maxRequestBytes) {
        long bytes = 0;
        Cmp[] compares = new Cmp[txn.conditions().size()];
        int i = 0;
        for (Txn.Condition condition : txn.conditions()) {
            ByteSequence key = EtcdKvStoreClient.bytes(condition.key());
            bytes += key.size() + ENTRY_OVERHEAD;
            compares[i++] = compare(key, condition);
            if (condition instanceof Txn.ValueIs v) {
                bytes += v.value().length;
            }
        }
        Op[] requests = new Op[txn.operations().size()];
        i = 0;
        for (Txn.Operation operation : txn.operations()) {
            ByteSequence key = EtcdKvStoreClient.bytes(operation.key());
            bytes += key.size() + ENTRY_OVERHEAD;
            if (operation instanceof Txn.Put put) {
                bytes += put.valueLength();
                PutOption option = put.lease().isEmpty()
                        ? PutOption.DEFAULT
                        : PutOption.builder()
                                .withLeaseId(leases.idOf(put.lease().get()))
                                .build();
                requests[i++] = Op.put(key, ByteSequence.from(put.value()), option);
            } else {
                requests[i++] = Op.delete(key, DeleteOption.DEFAULT);
            }
        }
        if (bytes > maxRequestBytes) {
            throw new KvStoreException("etcd commit \"" + txn.keys().get(0) + "\" failed: the transaction is about "
                    + bytes + " bytes, over the server's request limit of " + maxRequestBytes + " ("
                    + EtcdOptions.MAX_REQUEST_BYTES + "); nothing was sent");
        }
        return new Request(compares, requests);
    }

    /**
     * An etcd transaction ready to send.
     *
     * @param compares its compares
     * @param requests its success branch
     */
    record Request(Cmp[] compares, Op[] requests) {

        /** Sends it (once per call). */
        CompletableFuture<TxnResponse> send(KV kv) {
            return kv.txn().If(compares).Then(requests).commit();
        }
    }

    private static Cmp compare(ByteSequence key, Txn.Condition condition) {
        if (condition instanceof Txn.Absent) {
            return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));
        }
        if (condition instanceof Txn.Present) {
            return new Cmp(key, Cmp.Op.GREATER, CmpTarget.version(0));
        }
        if (condition instanceof Txn.VersionIs v) {
            return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(v.version()));
        }
        Txn.ValueIs v = (Txn.ValueIs) condition;
        return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(v.value())));
    }
}

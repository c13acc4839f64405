package dev.kvstore.redis;

import dev.kvstore.KvLease;
import dev.kvstore.Txn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Turns a {@link Txn} into one call of {@code txn.lua}: its {@code KEYS} (the conditions' keys,
 * then the operations', then the operations' lease-id keys, then their lease hashes, then the key
 * index if kept), and its {@code ARGV} (counts, two arguments per condition, four per operation, the
 * old-lease hash prefix), as the script's header describes.
 */
final class RedisTransactions {

    /**
     * The most conditions plus operations one transaction may hold. The script runs as one step
     * on Redis's single thread, blocking every other client meanwhile; 1,024 keeps that step in
     * the low milliseconds while leaving room far above the contract's 64.
     */
    static final int MAX_SIZE = 1024;

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] ABSENT = RedisKvStoreClient.ascii("a");
    private static final byte[] PRESENT = RedisKvStoreClient.ascii("p");
    private static final byte[] VALUE = RedisKvStoreClient.ascii("v");
    private static final byte[] PUT = RedisKvStoreClient.ascii("p");
    private static final byte[] LEASED_PUT = RedisKvStoreClient.ascii("l");
    private static final byte[] DELETE = RedisKvStoreClient.ascii("d");

    private RedisTransactions() {}

    /**
     * One script call.
     *
     * @param keys the script's {@code KEYS}
     * @param args the script's {@code ARGV}
     * @param leases per operation, its lease (or {@code null}), to name the one the script reports gone
     */
    record Call(String[] keys, byte[][] args, List<RedisLease> leases) {}

    /**
     * {@code put.lua}'s ARGV for a checked transaction of one plain put and at most one condition,
     * on the put's key (a compare-and-set, {@code putIfAbsent}): the value, a slot for the old-lease
     * hash prefix (index 1, left {@code null} for the caller), then the condition's kind and value.
     *
     * @param txn the transaction, checked
     * @return the arguments, or {@code null} when the transaction has another shape (then {@link #encode})
     */
    static byte[][] leanPut(Txn txn) {
        List<Txn.Condition> conditions = txn.conditions();
        List<Txn.Operation> operations = txn.operations();
        if (operations.size() != 1
                || conditions.size() > 1
                || !(operations.get(0) instanceof Txn.Put put)
                || put.lease().isPresent()) {
            return null;
        }
        if (conditions.isEmpty()) {
            return new byte[][] {put.value(), null};
        }
        Txn.Condition c = conditions.get(0);
        if (!c.key().equals(put.key())) {
            return null;
        }
        if (c instanceof Txn.Absent) {
            return new byte[][] {put.value(), null, ABSENT, EMPTY};
        } else if (c instanceof Txn.Present) {
            return new byte[][] {put.value(), null, PRESENT, EMPTY};
        } else if (c instanceof Txn.ValueIs v) {
            return new byte[][] {put.value(), null, VALUE, v.value()};
        }
        return null;
    }

    /**
     * Encodes a checked transaction (no version conditions: the store keeps none).
     *
     * @param txn the transaction, with full keys
     * @param own resolves a lease to this client's, or throws {@link IllegalArgumentException}
     * @param layout names the bookkeeping keys (one server, or a cluster's slot-tagged names)
     * @param index the key index to pass after the lease hashes ({@link RedisOptions#KEY_INDEX}; one
     *     server only), or {@code null}
     * @return the call
     */
    static Call encode(Txn txn, Function<KvLease, RedisLease> own, ReservedKeys.Layout layout, String index) {
        List<Txn.Condition> conditions = txn.conditions();
        List<Txn.Operation> operations = txn.operations();
        int nc = conditions.size();
        int no = operations.size();
        String[] keys = new String[nc + 3 * no + (index == null ? 0 : 1)];
        if (index != null) {
            keys[nc + 3 * no] = index;
        }
        byte[][] args = new byte[3 + 2 * nc + 4 * no][];
        args[args.length - 1] =
                RedisKvStoreClient.ascii(layout.leaseHashPrefix(txn.keys().get(0)));
        args[0] = RedisKvStoreClient.ascii(Integer.toString(conditions.size()));
        args[1] = RedisKvStoreClient.ascii(Integer.toString(operations.size()));
        int k = 0;
        int a = 2;
        for (Txn.Condition c : conditions) {
            keys[k++] = c.key();
            if (c instanceof Txn.Absent) {
                args[a++] = ABSENT;
                args[a++] = EMPTY;
            } else if (c instanceof Txn.Present) {
                args[a++] = PRESENT;
                args[a++] = EMPTY;
            } else if (c instanceof Txn.ValueIs v) {
                args[a++] = VALUE;
                args[a++] = v.value();
            } else {
                throw new UnsupportedOperationException("redis keeps no versions: " + c);
            }
        }
        List<RedisLease> leases = new ArrayList<>(operations.size());
        for (Txn.Operation op : operations) {
            int j = leases.size();
            keys[nc + no + j] = layout.leaseOf(op.key());
            keys[k++] = op.key();
            RedisLease lease = null;
            if (op instanceof Txn.Put put) {
                lease = put.lease().map(own).orElse(null);
            }
            keys[nc + 2 * no + j] = lease == null ? keys[nc + no + j] : layout.leaseHash(lease.id(), op.key());
            if (op instanceof Txn.Put put) {
                args[a++] = lease == null ? PUT : LEASED_PUT;
                args[a++] = put.value();
                args[a++] = lease == null ? EMPTY : RedisKvStoreClient.ascii(Long.toString(lease.id()));
                args[a++] = lease == null ? EMPTY : RedisKvStoreClient.ascii(lease.token);
            } else {
                args[a++] = DELETE;
                args[a++] = EMPTY;
                args[a++] = EMPTY;
                args[a++] = EMPTY;
            }
            leases.add(lease);
        }
        return new Call(keys, args, Collections.unmodifiableList(leases));
    }
}

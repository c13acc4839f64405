package dev.kvstore.redis;

import io.lettuce.core.cluster.SlotHash;

/**
 * The store's own bookkeeping keys, in a namespace no user key can reach: every one starts with
 * U+0000, which the contract forbids in user keys. {@code list}, {@code listKeys},
 * {@code deleteWithPrefix} and watches leave them out.
 *
 * <ul>
 *   <li>{@code \0kv:lease-seq}: the counter lease ids come from ({@code INCR}).
 *   <li>{@code \0kv:lease:<id>}: one hash per lease, alive while the lease is (it expires with
 *       the lease's TTL); field {@code \0ttl} holds the TTL in milliseconds, and every other
 *       field names a key put under the lease.
 *   <li>{@code \0kv:key-lease:<key>}: beside each leased key, the id of its lease, with the same
 *       expiry as the key: how a key remembers its lease, read with the key in one {@code MGET}
 *       so {@link dev.kvstore.KvPair#lease()} costs no extra round trip.
 *   <li>{@code \0kv:index}: with {@link RedisOptions#KEY_INDEX}, the sorted set of every user key
 *       (score 0, member = the key), read by prefix with {@code ZRANGEBYLEX} ({@link RedisKeyIndex}).
 * </ul>
 *
 * <p><b>On a cluster</b> ({@link Layout#CLUSTER}) a script may touch the keys of one hash slot
 * only, and a lease's keys spread over many. Every reserved key there carries a hash tag
 * ({@link SlotTags}) that puts it in the slot it belongs to, so it lives, and moves on a reshard,
 * with the user keys it describes:
 *
 * <ul>
 *   <li>{@code \0kv:{<tag of slot(key)>}key-lease:<key>}: as above, in the user key's slot.
 *   <li>{@code \0kv:{<tag of id mod 16384>}lease:<id>}: the lease's root hash (fields {@code \0ttl},
 *       {@code \0owner}, and {@code \0shard:<slot>} for every slot where it has a shard; no keys),
 *       alive while the lease is. Cluster lease ids are random (a
 *       counter would have to live in the root's slot before the id naming that slot is known).
 *   <li>{@code \0kv:{<tag of s>}shard:<id>}: the lease's shard in slot {@code s}, created by the
 *       owner before its first leased put there: the same fields as the root, plus one per key of
 *       the lease in that slot, expiring with the lease.
 * </ul>
 */
final class ReservedKeys {

    /** What every reserved key starts with. */
    static final String PREFIX = "\u0000kv:";

    /** On a cluster: the root hash's field prefix naming a slot where the lease has a shard. */
    static final String SHARD_FIELD = "\u0000shard:";

    /** The lease id counter. */
    static final String LEASE_SEQUENCE = PREFIX + "lease-seq";

    /** The key index, a sorted set of user keys ({@link RedisOptions#KEY_INDEX}). */
    static final String INDEX = PREFIX + "index";

    private static final String LEASE = PREFIX + "lease:";
    private static final String KEY_LEASE = PREFIX + "key-lease:";

    private ReservedKeys() {}

    /** Whether a key is the store's own, never shown to users. */
    static boolean isReserved(String key) {
        return !key.isEmpty() && key.charAt(0) == '\u0000';
    }

    /** The hash of lease {@code id}. */
    static String lease(long id) {
        return LEASE + id;
    }

    /** The key holding the lease id of user key {@code key}. */
    static String leaseOf(String key) {
        return KEY_LEASE + key;
    }

    /**
     * Where a client keeps its bookkeeping: today's names on one server ({@code redis},
     * {@code redis-sentinel}; unchanged, so data written by earlier versions stays valid), slot-tagged
     * names on a cluster.
     */
    enum Layout {
        /** One server: the names above. */
        SERVER {
            @Override
            String leaseOf(String key) {
                return ReservedKeys.leaseOf(key);
            }

            @Override
            String lease(long id) {
                return ReservedKeys.lease(id);
            }

            @Override
            String leaseHash(long id, String key) {
                return lease(id);
            }

            @Override
            String leaseHashPrefix(String key) {
                return LEASE;
            }

            @Override
            String leaseOfPrefix(int slot) {
                return KEY_LEASE;
            }
        },
        /** A cluster: every name tagged with the slot it belongs in. */
        CLUSTER {
            @Override
            String leaseOf(String key) {
                return leaseOfPrefix(SlotTags.slot(key)) + key;
            }

            @Override
            String lease(long id) {
                return tagged(rootSlot(id)) + "lease:" + id;
            }

            @Override
            String leaseHash(long id, String key) {
                return shard(id, SlotTags.slot(key));
            }

            @Override
            String leaseHashPrefix(String key) {
                return tagged(SlotTags.slot(key)) + "shard:";
            }

            @Override
            String leaseOfPrefix(int slot) {
                return tagged(slot) + "key-lease:";
            }
        };

        /** The key holding the lease id of user key {@code key}, in its slot. */
        abstract String leaseOf(String key);

        /** The hash of lease {@code id} (on a cluster its root: TTL and owner, no keys). */
        abstract String lease(long id);

        /**
         * The hash a leased put of {@code key} under lease {@code id} checks and records the key in:
         * the lease's hash on one server, its shard in the key's slot on a cluster.
         */
        abstract String leaseHash(long id, String key);

        /** What a lease id completes into the {@link #leaseHash} of a key's slot: {@code txn.lua}'s cleanup prefix. */
        abstract String leaseHashPrefix(String key);

        /** What a user key completes into its {@link #leaseOf} key, for keys of {@code slot}. */
        abstract String leaseOfPrefix(int slot);

        /** Lease {@code id}'s shard in {@code slot}. */
        static String shard(long id, int slot) {
            return tagged(slot) + "shard:" + id;
        }

        /** The slot a cluster lease's root hash lives in. */
        static int rootSlot(long id) {
            return (int) Math.floorMod(id, (long) SlotHash.SLOT_COUNT);
        }

        private static String tagged(int slot) {
            return PREFIX + "{" + SlotTags.of(slot) + "}";
        }
    }
}

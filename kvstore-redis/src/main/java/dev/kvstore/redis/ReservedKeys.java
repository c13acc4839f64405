package dev.kvstore.redis;

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
 */
final class ReservedKeys {

    /** What every reserved key starts with. */
    static final String PREFIX = "\u0000kv:";

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
}

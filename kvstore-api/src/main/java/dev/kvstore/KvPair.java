package dev.kvstore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key with its value, as stored.
 *
 * @param key the full stored key (any Backend path prefix included)
 * @param value the value's bytes; a copy is kept and a copy is returned
 * @param version the per-key modification count: 1 on create, +1 on every put, 1 again after a
 *     delete; 0 where the store keeps no versions
 * @param lease the lease (etcd) or other expiry handle the key is attached to; 0 when none
 */
public record KvPair(String key, byte[] value, long version, long lease) {

    /**
     * Creates a pair, copying the value.
     *
     * @param key the full stored key
     * @param value the value's bytes
     * @param version the per-key modification count, or 0
     * @param lease the lease id, or 0
     * @throws NullPointerException if {@code key} or {@code value} is null
     */
    public KvPair {
        Objects.requireNonNull(key, "key");
        value = Objects.requireNonNull(value, "value").clone();
    }

    /**
     * Creates a pair with no lease.
     *
     * @param key the full stored key
     * @param value the value's bytes
     * @param version the per-key modification count, or 0
     */
    public KvPair(String key, byte[] value, long version) {
        this(key, value, version, 0L);
    }

    /**
     * A copy of the value's bytes.
     *
     * @return the value
     */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /**
     * The value decoded as UTF-8.
     *
     * @return the value as a string
     */
    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /**
     * The value's length, without copying it.
     *
     * @return the number of bytes in the value
     */
    public int valueSize() {
        return value.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvPair p
                && key.equals(p.key)
                && Arrays.equals(value, p.value)
                && version == p.version
                && lease == p.lease;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(value), version, lease);
    }

    @Override
    public String toString() {
        return "KvPair[key=" + key + ", value=" + Values.describe(value) + ", version=" + version + ", lease=" + lease
                + "]";
    }
}

package dev.kvstore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A transaction: conditions that must all hold, then operations that are all applied, as one atomic
 * and isolated step ({@link KvStoreClient#commit(Txn)}). Either every condition held and every
 * operation was applied, or nothing was written; no read or watch sees a part of it.
 *
 * <pre>{@code
 * Txn txn = Txn.builder()
 *         .ifVersion("config", 7).ifAbsent("config.lock")     // conditions: all must hold
 *         .put("config", newValue).delete("config.draft")      // then all of these apply
 *         .build();
 * boolean applied = backend.commit(txn).succeeded();
 * }</pre>
 *
 * <p>Keys are as the caller gives them: through a {@code Backend} they are relative to its path
 * prefix, on a {@link KvStoreClient} they are full keys. A key may appear in several conditions,
 * but in at most one operation. Immutable and thread-safe.
 */
public final class Txn {

    private final List<Condition> conditions;
    private final List<Operation> operations;

    private Txn(List<Condition> conditions, List<Operation> operations) {
        this.conditions = List.copyOf(conditions);
        this.operations = List.copyOf(operations);
    }

    /**
     * Starts a transaction.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The conditions, in the order they were added.
     *
     * @return the conditions; may be empty
     */
    public List<Condition> conditions() {
        return conditions;
    }

    /**
     * The operations, in the order they were added.
     *
     * @return the operations; never empty
     */
    public List<Operation> operations() {
        return operations;
    }

    /**
     * How many conditions and operations it holds, as stores count against their limits.
     *
     * @return conditions plus operations
     */
    public int size() {
        return conditions.size() + operations.size();
    }

    /**
     * Whether a condition needs per-key versions ({@link KvCapability#VERSIONS}).
     *
     * @return {@code true} if any condition is a {@link VersionIs}
     */
    public boolean needsVersions() {
        return conditions.stream().anyMatch(VersionIs.class::isInstance);
    }

    /**
     * Whether an operation puts a key under a lease ({@link KvCapability#LEASES}).
     *
     * @return {@code true} if any put has a lease
     */
    public boolean usesLeases() {
        return operations.stream().anyMatch(o -> o instanceof Put p && p.lease().isPresent());
    }

    /**
     * Every key the transaction names, conditions and operations, without repeats, in order.
     *
     * @return the keys
     */
    public List<String> keys() {
        Set<String> keys = new java.util.LinkedHashSet<>();
        conditions.forEach(c -> keys.add(c.key()));
        operations.forEach(o -> keys.add(o.key()));
        return List.copyOf(keys);
    }

    /**
     * The same transaction with every key mapped, as a façade maps relative keys to full keys.
     *
     * @param mapping maps a key to the key to use
     * @return a new transaction
     * @throws NullPointerException if {@code mapping} is null or returns null
     */
    public Txn mapKeys(UnaryOperator<String> mapping) {
        Objects.requireNonNull(mapping, "mapping");
        List<Condition> cs = new ArrayList<>(conditions.size());
        for (Condition c : conditions) {
            cs.add(c.withKey(Objects.requireNonNull(mapping.apply(c.key()), "mapped key")));
        }
        List<Operation> os = new ArrayList<>(operations.size());
        for (Operation o : operations) {
            os.add(o.withKey(Objects.requireNonNull(mapping.apply(o.key()), "mapped key")));
        }
        return new Txn(cs, os);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Txn t && conditions.equals(t.conditions) && operations.equals(t.operations);
    }

    @Override
    public int hashCode() {
        return Objects.hash(conditions, operations);
    }

    @Override
    public String toString() {
        return "Txn[if " + conditions + " then " + operations + "]";
    }

    /** A condition of a transaction. */
    public sealed interface Condition permits Absent, Present, VersionIs, ValueIs {
        /**
         * The key it tests.
         *
         * @return the key
         */
        String key();

        /**
         * The same condition on another key.
         *
         * @param key the key
         * @return the condition
         */
        Condition withKey(String key);
    }

    /**
     * Holds when the key does not exist.
     *
     * @param key the key
     */
    public record Absent(String key) implements Condition {
        /**
         * Checks the arguments.
         *
         * @param key the key
         * @throws NullPointerException if {@code key} is null
         */
        public Absent {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Condition withKey(String key) {
            return new Absent(key);
        }
    }

    /**
     * Holds when the key exists.
     *
     * @param key the key
     */
    public record Present(String key) implements Condition {
        /**
         * Checks the arguments.
         *
         * @param key the key
         * @throws NullPointerException if {@code key} is null
         */
        public Present {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Condition withKey(String key) {
            return new Present(key);
        }
    }

    /**
     * Holds when the key's version ({@link KvPair#version()}) is the given one; version 0 means
     * the key must be absent. Needs {@link KvCapability#VERSIONS}.
     *
     * @param key the key
     * @param version the expected version; 0 for absent
     */
    public record VersionIs(String key, long version) implements Condition {
        /**
         * Checks the arguments.
         *
         * @param key the key
         * @param version the expected version, 0 for absent
         * @throws NullPointerException if {@code key} is null
         * @throws IllegalArgumentException if {@code version} is negative
         */
        public VersionIs {
            Objects.requireNonNull(key, "key");
            if (version < 0) {
                throw new IllegalArgumentException("version must not be negative, got " + version);
            }
        }

        @Override
        public Condition withKey(String key) {
            return new VersionIs(key, version);
        }
    }

    /**
     * Holds when the key exists and its value is exactly the given bytes.
     *
     * @param key the key
     * @param value the expected value; a copy is kept and returned
     */
    public record ValueIs(String key, byte[] value) implements Condition {
        /**
         * Checks the arguments, copying the value.
         *
         * @param key the key
         * @param value the expected value
         * @throws NullPointerException if an argument is null
         */
        public ValueIs {
            Objects.requireNonNull(key, "key");
            value = Objects.requireNonNull(value, "value").clone();
        }

        /**
         * A copy of the expected value.
         *
         * @return the bytes
         */
        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public Condition withKey(String key) {
            return new ValueIs(key, value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ValueIs v && key.equals(v.key) && Arrays.equals(value, v.value);
        }

        @Override
        public int hashCode() {
            return 31 * key.hashCode() + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "ValueIs[key=" + key + ", value=" + Values.describe(value) + "]";
        }
    }

    /** An operation of a transaction. */
    public sealed interface Operation permits Put, Delete {
        /**
         * The key it writes.
         *
         * @return the key
         */
        String key();

        /**
         * The same operation on another key.
         *
         * @param key the key
         * @return the operation
         */
        Operation withKey(String key);
    }

    /** Creates or replaces a key's value, optionally under a lease. */
    public static final class Put implements Operation {
        private final String key;
        private final byte[] value;
        private final KvLease lease;

        private Put(String key, byte[] value, KvLease lease) {
            this.key = Objects.requireNonNull(key, "key");
            this.value = Objects.requireNonNull(value, "value").clone();
            this.lease = lease;
        }

        /**
         * A put without a lease.
         *
         * @param key the key
         * @param value the value; copied
         * @return the operation
         * @throws NullPointerException if an argument is null
         */
        public static Put of(String key, byte[] value) {
            return new Put(key, value, null);
        }

        /**
         * A put under a lease: the key lives as long as the lease.
         *
         * @param key the key
         * @param value the value; copied
         * @param lease the lease, granted by the same client
         * @return the operation
         * @throws NullPointerException if an argument is null
         */
        public static Put of(String key, byte[] value, KvLease lease) {
            return new Put(key, value, Objects.requireNonNull(lease, "lease"));
        }

        @Override
        public String key() {
            return key;
        }

        /**
         * A copy of the value.
         *
         * @return the bytes
         */
        public byte[] value() {
            return value.clone();
        }

        /**
         * The value's length, without copying it.
         *
         * @return the length in bytes
         */
        public int valueLength() {
            return value.length;
        }

        /**
         * The lease the key is put under.
         *
         * @return the lease, or empty for none
         */
        public Optional<KvLease> lease() {
            return Optional.ofNullable(lease);
        }

        @Override
        public Operation withKey(String key) {
            return new Put(key, value, lease);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p
                    && key.equals(p.key)
                    && Arrays.equals(value, p.value)
                    && Objects.equals(lease, p.lease);
        }

        @Override
        public int hashCode() {
            return Objects.hash(key, Arrays.hashCode(value), lease);
        }

        @Override
        public String toString() {
            return "Put[key=" + key + ", value=" + Values.describe(value)
                    + (lease == null ? "" : ", lease=" + lease.id()) + "]";
        }
    }

    /**
     * Deletes a key; deleting a missing key is not a failure.
     *
     * @param key the key
     */
    public record Delete(String key) implements Operation {
        /**
         * Checks the arguments.
         *
         * @param key the key
         * @throws NullPointerException if {@code key} is null
         */
        public Delete {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Operation withKey(String key) {
            return new Delete(key);
        }
    }

    /** Builds a {@link Txn}. Not thread-safe. */
    public static final class Builder {
        private final List<Condition> conditions = new ArrayList<>();
        private final List<Operation> operations = new ArrayList<>();
        private final Set<String> written = new HashSet<>();

        private Builder() {}

        /**
         * Requires the key to be absent.
         *
         * @param key the key
         * @return this builder
         * @throws NullPointerException if {@code key} is null
         * @throws IllegalArgumentException if {@code key} is empty
         */
        public Builder ifAbsent(String key) {
            conditions.add(new Absent(nonEmpty(key)));
            return this;
        }

        /**
         * Requires the key to exist.
         *
         * @param key the key
         * @return this builder
         * @throws NullPointerException if {@code key} is null
         * @throws IllegalArgumentException if {@code key} is empty
         */
        public Builder ifPresent(String key) {
            conditions.add(new Present(nonEmpty(key)));
            return this;
        }

        /**
         * Requires the key's version to be {@code version} (0: absent). Needs {@link KvCapability#VERSIONS}.
         *
         * @param key the key
         * @param version the expected version, 0 for absent
         * @return this builder
         * @throws NullPointerException if {@code key} is null
         * @throws IllegalArgumentException if {@code key} is empty or {@code version} negative
         */
        public Builder ifVersion(String key, long version) {
            conditions.add(new VersionIs(nonEmpty(key), version));
            return this;
        }

        /**
         * Requires the key to exist with exactly this value.
         *
         * @param key the key
         * @param value the expected value
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code key} is empty
         */
        public Builder ifValue(String key, byte[] value) {
            conditions.add(new ValueIs(nonEmpty(key), value));
            return this;
        }

        /**
         * Puts a value.
         *
         * @param key the key
         * @param value the value; copied
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code key} is empty or already written by this transaction
         */
        public Builder put(String key, byte[] value) {
            return add(Put.of(nonEmpty(key), value));
        }

        /**
         * Puts a value under a lease: the key lives as long as the lease ({@link KvCapability#LEASES}).
         *
         * @param key the key
         * @param value the value; copied
         * @param lease a lease of the same store
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code key} is empty or already written by this transaction
         */
        public Builder put(String key, byte[] value, KvLease lease) {
            return add(Put.of(nonEmpty(key), value, lease));
        }

        /**
         * Deletes a key.
         *
         * @param key the key
         * @return this builder
         * @throws NullPointerException if {@code key} is null
         * @throws IllegalArgumentException if {@code key} is empty or already written by this transaction
         */
        public Builder delete(String key) {
            return add(new Delete(nonEmpty(key)));
        }

        /**
         * Builds the transaction.
         *
         * @return the transaction
         * @throws IllegalArgumentException if it holds no operation
         */
        public Txn build() {
            if (operations.isEmpty()) {
                throw new IllegalArgumentException("a transaction needs at least one operation (put or delete)");
            }
            return new Txn(conditions, operations);
        }

        private Builder add(Operation op) {
            if (!written.add(op.key())) {
                throw new IllegalArgumentException("key \"" + op.key() + "\" is written twice in one transaction");
            }
            operations.add(op);
            return this;
        }

        private static String nonEmpty(String key) {
            Objects.requireNonNull(key, "key");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("key must not be empty");
            }
            return key;
        }
    }
}

package dev.kvstore.spi;

import dev.kvstore.KvCapability;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvValueTooLargeException;
import dev.kvstore.Txn;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Argument checks every store applies the same way, so that every store fails alike. */
public final class Keys {

    private Keys() {}

    /**
     * Checks a full key, as a client is given it.
     *
     * @param key the key
     * @return the key
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if it is empty, holds U+0000 or an unpaired surrogate (a
     *     lone half of a UTF-16 pair, which has no UTF-8 form), or is over
     *     {@link KvStoreClient#MAX_FULL_KEY_BYTES} UTF-8 bytes
     */
    public static String checkKey(String key) {
        return checkKey(key, KvStoreClient.MAX_FULL_KEY_BYTES);
    }

    /**
     * Checks a key against a given length limit; the Backend checks the key its user passes with
     * {@link KvStoreClient#MAX_KEY_BYTES}.
     *
     * @param key the key
     * @param maxBytes its longest length in UTF-8 bytes
     * @return the key
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if it is empty, holds U+0000 or an unpaired surrogate, or
     *     is over {@code maxBytes} UTF-8 bytes
     */
    public static String checkKey(String key, int maxBytes) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        checkChars(key, "key", maxBytes);
        return key;
    }

    /**
     * Checks a full prefix (which may be empty, meaning every key), as a client is given it.
     *
     * @param prefix the prefix
     * @return the prefix
     * @throws NullPointerException if {@code prefix} is null
     * @throws IllegalArgumentException if it holds U+0000 or an unpaired surrogate, or is over
     *     {@link KvStoreClient#MAX_FULL_KEY_BYTES} UTF-8 bytes
     */
    public static String checkPrefix(String prefix) {
        return checkPrefix(prefix, KvStoreClient.MAX_FULL_KEY_BYTES);
    }

    /**
     * Checks a prefix (which may be empty) against a given length limit.
     *
     * @param prefix the prefix
     * @param maxBytes its longest length in UTF-8 bytes
     * @return the prefix
     * @throws NullPointerException if {@code prefix} is null
     * @throws IllegalArgumentException if it holds U+0000 or an unpaired surrogate, or is over
     *     {@code maxBytes} UTF-8 bytes
     */
    public static String checkPrefix(String prefix, int maxBytes) {
        Objects.requireNonNull(prefix, "prefix");
        checkChars(prefix, "prefix", maxBytes);
        return prefix;
    }

    /**
     * Checks a value against a store's limit, before anything is sent.
     *
     * @param key the key it is for (named in the error)
     * @param value the value
     * @param limit the store's limit in bytes
     * @return the value
     * @throws NullPointerException if {@code value} is null
     * @throws KvValueTooLargeException if it is over the limit
     */
    public static byte[] checkValue(String key, byte[] value, long limit) {
        Objects.requireNonNull(value, "value");
        if (value.length > limit) {
            throw new KvValueTooLargeException(key, value.length, limit);
        }
        return value;
    }

    /**
     * Checks a transaction before anything is sent, as every store does: its keys, its values
     * against the store's value limit, its size against the store's limit, and that the store
     * has what it needs (versions for version conditions, leases for leased puts).
     *
     * @param storeType names the store in the error
     * @param txn the transaction, with full keys
     * @param maxValueSize the store's value limit in bytes
     * @param maxTxnSize the store's limit of conditions plus operations
     * @param capabilities what the store declares
     * @return the transaction
     * @throws NullPointerException if {@code txn} is null
     * @throws IllegalArgumentException if a key is not valid
     * @throws dev.kvstore.KvStoreException if it is over {@code maxTxnSize}
     * @throws KvValueTooLargeException if a value is over {@code maxValueSize}
     * @throws UnsupportedOperationException if it needs a capability the store lacks
     */
    public static Txn checkTxn(
            String storeType, Txn txn, long maxValueSize, int maxTxnSize, Set<KvCapability> capabilities) {
        Objects.requireNonNull(txn, "txn");
        if (!capabilities.contains(KvCapability.CONDITIONAL_WRITES)) {
            throw new UnsupportedOperationException(storeType + " does not declare " + KvCapability.CONDITIONAL_WRITES);
        }
        if (txn.needsVersions() && !capabilities.contains(KvCapability.VERSIONS)) {
            throw new UnsupportedOperationException(storeType + " keeps no versions (" + KvCapability.VERSIONS
                    + " not declared): version conditions cannot be used; use ifValue or ifAbsent");
        }
        if (txn.usesLeases() && !capabilities.contains(KvCapability.LEASES)) {
            throw new UnsupportedOperationException(storeType + " does not declare " + KvCapability.LEASES);
        }
        if (txn.size() > maxTxnSize) {
            throw new dev.kvstore.KvStoreException(storeType + " commit failed: the transaction holds " + txn.size()
                    + " conditions and operations, over this store's limit of " + maxTxnSize);
        }
        List<String> keys = txn.keys();
        if (keys.size() > 1 && !capabilities.contains(KvCapability.TRANSACTIONS)) {
            throw new UnsupportedOperationException(storeType + " does not declare " + KvCapability.TRANSACTIONS
                    + ": a transaction may name one key only");
        }
        keys.forEach(Keys::checkKey);
        for (Txn.Operation op : txn.operations()) {
            if (op instanceof Txn.Put put && put.valueLength() > maxValueSize) {
                throw new KvValueTooLargeException(put.key(), put.valueLength(), maxValueSize);
            }
        }
        return txn;
    }

    /**
     * Tells whether {@code key} is covered by a watch on {@code watched}.
     *
     * @param watched the watched key or prefix
     * @param withPrefix whether the watch is a prefix watch
     * @param key a changed key
     * @return whether the watch should report the change
     */
    public static boolean matches(String watched, boolean withPrefix, String key) {
        return withPrefix ? key.startsWith(watched) : key.equals(watched);
    }

    /**
     * One pass: no U+0000, every surrogate paired, at most {@code maxBytes} UTF-8 bytes. An
     * unpaired surrogate has no UTF-8 form: drivers would turn it into {@code ?}, so that
     * {@code "x\uD800y"} would overwrite {@code "x?y"}.
     */
    private static void checkChars(String s, String what, int maxBytes) {
        int bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '\u0000') {
                    throw new IllegalArgumentException(what + " must not contain U+0000");
                }
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " holds an unpaired surrogate U+"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " at index " + i
                        + ": it is not valid Unicode and has no UTF-8 form");
            } else {
                bytes += 3;
            }
        }
        if (bytes > maxBytes) {
            throw new IllegalArgumentException(what + " is " + bytes + " UTF-8 bytes, over the limit of " + maxBytes);
        }
    }
}

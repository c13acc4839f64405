package dev.kvstore.spi;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * What a watch's listener last saw of one key: its version and its value, or a SHA-256 digest of
 * the value when that is longer than the digest (versions alone do not do: they start again at 1
 * after a delete, and Redis has none). A short value is kept as it is, which costs no more memory
 * than its digest and no hashing (the digest was the largest cost of an initial state of small
 * values). About 100 bytes per key besides the key itself.
 *
 * <p>{@link #fromRead} is changed only under the owning {@link GapFreeWatch}'s lock.
 */
final class KeyState {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    });

    /** Values up to this length are kept as they are, not hashed. */
    private static final int DIGEST_BYTES = 32;

    private final long version;
    /** The value itself when {@code hashed} is false, else its SHA-256 digest. */
    private final byte[] digest;

    private final boolean hashed;
    /** Whether this state came from a read (initial state or resync), not from an event. */
    boolean fromRead;

    private KeyState(long version, byte[] digest, boolean hashed, boolean fromRead) {
        this.version = version;
        this.digest = digest;
        this.hashed = hashed;
        this.fromRead = fromRead;
    }

    /**
     * The state of a key holding {@code value} at {@code version}.
     *
     * @param value the value; a short one is kept as it is (the caller hands over a copy of its own
     *     and changes it no more), a longer one is not kept
     * @param version the version, 0 where the store keeps none
     * @param fromRead whether a read, not an event, said so
     * @return the state
     */
    static KeyState of(byte[] value, long version, boolean fromRead) {
        if (value.length <= DIGEST_BYTES) {
            return new KeyState(version, value, false, fromRead);
        }
        MessageDigest sha = SHA256.get();
        sha.reset();
        return new KeyState(version, sha.digest(value), true, fromRead);
    }

    /**
     * Whether both describe the same value at the same version.
     *
     * @param other another state
     * @return {@code true} if equal
     */
    boolean sameAs(KeyState other) {
        return version == other.version && hashed == other.hashed && Arrays.equals(digest, other.digest);
    }
}

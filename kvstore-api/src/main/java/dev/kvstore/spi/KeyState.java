package dev.kvstore.spi;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * What a watch's listener last saw of one key: its version and a SHA-256 digest of its value
 * (versions alone do not do: they start again at 1 after a delete, and Redis has none). About
 * 100 bytes per key besides the key itself.
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

    private final long version;
    private final byte[] digest;
    /** Whether this state came from a read (initial state or resync), not from an event. */
    boolean fromRead;

    private KeyState(long version, byte[] digest, boolean fromRead) {
        this.version = version;
        this.digest = digest;
        this.fromRead = fromRead;
    }

    /**
     * The state of a key holding {@code value} at {@code version}.
     *
     * @param value the value (not kept)
     * @param version the version, 0 where the store keeps none
     * @param fromRead whether a read, not an event, said so
     * @return the state
     */
    static KeyState of(byte[] value, long version, boolean fromRead) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        return new KeyState(version, sha.digest(value), fromRead);
    }

    /**
     * Whether both describe the same value at the same version.
     *
     * @param other another state
     * @return {@code true} if equal
     */
    boolean sameAs(KeyState other) {
        return version == other.version && Arrays.equals(digest, other.digest);
    }
}

package dev.kvstore;

/**
 * A value is larger than the store accepts. Thrown before anything is sent: nothing was written.
 */
public class KvValueTooLargeException extends KvStoreException {
    private static final long serialVersionUID = 1L;

    /** The value's size in bytes. */
    private final long size;
    /** The store's limit in bytes. */
    private final long limit;

    /**
     * Creates an exception for a value of {@code size} bytes against a limit of {@code limit} bytes.
     *
     * @param key the key the value was meant for
     * @param size the value's size in bytes
     * @param limit the store's limit in bytes
     */
    public KvValueTooLargeException(String key, long size, long limit) {
        super("value for key \"" + key + "\" is " + size + " bytes, over the store's limit of " + limit
                + " bytes; nothing was written");
        this.size = size;
        this.limit = limit;
    }

    /**
     * The size of the refused value.
     *
     * @return the size in bytes
     */
    public long size() {
        return size;
    }

    /**
     * The store's limit.
     *
     * @return the largest value size the store accepts, in bytes
     */
    public long limit() {
        return limit;
    }
}

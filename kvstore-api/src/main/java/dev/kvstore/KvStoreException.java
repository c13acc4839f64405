package dev.kvstore;

/**
 * Root of every exception kvstore throws: a store failed an operation, or was asked something it
 * cannot do. A driver's exception, when there is one, is kept as the {@linkplain #getCause() cause}.
 */
public class KvStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong, for a person to read
     */
    public KvStoreException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the exception that caused it.
     *
     * @param message what went wrong, for a person to read
     * @param cause the driver's (or other) exception behind it; may be {@code null}
     */
    public KvStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.kvstore;

/**
 * The store could not be reached, or did not answer within the timeout. Liveness turns false
 * when an operation fails with this exception; any other failure still means the store is alive.
 */
public class KvStoreUnavailableException extends KvStoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what could not be reached, for a person to read
     */
    public KvStoreUnavailableException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the exception that caused it.
     *
     * @param message what could not be reached, for a person to read
     * @param cause the driver's exception behind it; may be {@code null}
     */
    public KvStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

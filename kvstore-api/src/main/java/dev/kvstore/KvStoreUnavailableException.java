package dev.kvstore;

/**
 * The store could not be reached, or did not answer within the timeout. Liveness turns false
 * when an operation fails with this exception; any other failure still means the store is alive.
 *
 * <p><b>A write that fails with this exception may still have been applied</b>: the request may
 * have reached the store before the connection broke or the timeout passed (seen on etcd, Redis
 * and ZooKeeper: a put that timed out during a server freeze was stored after it). Read the key
 * again, or make the write idempotent, before retrying something that must happen once. The
 * message says so too.
 */
public class KvStoreUnavailableException extends KvStoreException {
    private static final long serialVersionUID = 1L;

    /** Added to every message: what a caller must know before retrying a write. */
    public static final String MAY_HAVE_BEEN_APPLIED = "a write that failed this way may still have been applied";

    /**
     * Creates an exception with a message.
     *
     * @param message what could not be reached, for a person to read; the note
     *     {@value #MAY_HAVE_BEEN_APPLIED} is added
     */
    public KvStoreUnavailableException(String message) {
        super(withNote(message));
    }

    /**
     * Creates an exception with a message and the exception that caused it.
     *
     * @param message what could not be reached, for a person to read; the note
     *     {@value #MAY_HAVE_BEEN_APPLIED} is added
     * @param cause the driver's exception behind it; may be {@code null}
     */
    public KvStoreUnavailableException(String message, Throwable cause) {
        super(withNote(message), cause);
    }

    private static String withNote(String message) {
        return message != null && message.contains(MAY_HAVE_BEEN_APPLIED)
                ? message
                : message + " (" + MAY_HAVE_BEEN_APPLIED + ")";
    }
}

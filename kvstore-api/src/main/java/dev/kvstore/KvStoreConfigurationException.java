package dev.kvstore;

/**
 * The configuration cannot work: an unknown storeType, a malformed address, or a bad or unknown
 * option. Thrown before any connection is opened; the message names what is wrong.
 */
public class KvStoreConfigurationException extends KvStoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what is wrong with the configuration, naming the setting
     */
    public KvStoreConfigurationException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the exception that caused it.
     *
     * @param message what is wrong with the configuration, naming the setting
     * @param cause the exception behind it; may be {@code null}
     */
    public KvStoreConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}

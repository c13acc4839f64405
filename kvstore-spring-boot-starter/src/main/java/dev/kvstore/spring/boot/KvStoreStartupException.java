package dev.kvstore.spring.boot;

import dev.kvstore.KvStoreConfigurationException;

/**
 * The Backend bean could not be built from the {@code kvstore.*} properties; read by
 * {@link KvStoreFailureAnalyzer}. Threads: none of its own.
 */
final class KvStoreStartupException extends KvStoreConfigurationException {

    private static final long serialVersionUID = 1L;

    /** The property the failure names, such as {@code kvstore.options.maxValueBytes}. */
    private final String property;

    KvStoreStartupException(String property, KvStoreConfigurationException cause) {
        super(cause.getMessage(), cause);
        this.property = property;
    }

    String property() {
        return property;
    }
}

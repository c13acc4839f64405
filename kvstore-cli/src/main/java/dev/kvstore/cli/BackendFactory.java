package dev.kvstore.cli;

import dev.kvstore.backend.Backend;

/**
 * Opens the {@link Backend} a command works on, and gives it back when the command is done. The tool
 * opens a new Backend per command; tests inject a factory that hands several commands the same one.
 */
interface BackendFactory {

    /** The factory of the real tool: a new Backend for each command, closed when the command ends. */
    BackendFactory DEFAULT = settings -> Backend.builder()
            .config(settings.config())
            .pathPrefix(settings.pathPrefix())
            .build();

    /**
     * Opens a Backend for these settings.
     *
     * @throws dev.kvstore.KvStoreConfigurationException for an unknown storeType, a malformed address or option
     */
    Backend open(ConnectionSettings settings);

    /** Called when a command is done with a Backend it opened; closes it by default. */
    default void release(Backend backend) {
        backend.close();
    }
}

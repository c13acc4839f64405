package dev.kvstore.cli;

import dev.kvstore.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands every command with the same settings the same Backend, and keeps it open between commands,
 * so that several kvctl runs in one test see one store (each memory Backend is a store of its own).
 * Records the settings each command asked for.
 */
final class SharedBackends implements BackendFactory, AutoCloseable {
    private final Map<ConnectionSettings, Backend> open = new ConcurrentHashMap<>();
    final List<ConnectionSettings> asked = new ArrayList<>();

    @Override
    public synchronized Backend open(ConnectionSettings settings) {
        asked.add(settings);
        return open.computeIfAbsent(settings, DEFAULT::open);
    }

    @Override
    public void release(Backend backend) {
        // kept open for the next command of the test
    }

    /** The Backend that commands with these settings use. */
    Backend backend(ConnectionSettings settings) {
        return open.computeIfAbsent(settings, DEFAULT::open);
    }

    @Override
    public void close() {
        open.values().forEach(Backend::close);
        open.clear();
    }
}

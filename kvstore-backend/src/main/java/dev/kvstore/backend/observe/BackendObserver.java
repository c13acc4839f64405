package dev.kvstore.backend.observe;

import dev.kvstore.backend.Backend;

/**
 * Instruments Backends: metrics, tracing, logging. Given to
 * {@link Backend.Builder#observer(BackendObserver)}; one observer may serve many Backends.
 *
 * <p>Threads: {@link #attach} is called by the thread that builds the Backend, once per Backend.
 */
@FunctionalInterface
public interface BackendObserver {

    /**
     * Starts instrumenting one Backend. Called at the end of its construction: the Backend's
     * accessors ({@link Backend#storeType()}, {@link Backend#address()},
     * {@link Backend#pathPrefix()}, {@link Backend#isAlive()}) may be read, its operations not yet
     * called.
     *
     * @param backend the Backend being built
     * @return the instrumentation of that Backend; closed when the Backend is closed
     */
    BackendInstrumentation attach(Backend backend);
}

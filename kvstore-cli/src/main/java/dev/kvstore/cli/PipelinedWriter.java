package dev.kvstore.cli;

import dev.kvstore.backend.Backend;
import java.util.List;

/**
 * Writes with up to {@code window} puts in flight. Two puts of one key are never in flight together,
 * so the last one given wins. The first failure stops the writer and is thrown by the next call.
 */
final class PipelinedWriter extends WriteWindow {
    private final Backend target;

    PipelinedWriter(Backend target, int window) {
        super(Math.max(1, window));
        this.target = target;
    }

    /** Starts a put; blocks while {@code window} puts are in flight. */
    void put(String key, byte[] value) throws InterruptedException {
        rethrow();
        awaitKey(key);
        start(List.of(key), value.length, () -> target.putAsync(key, value));
    }

    /** Waits for every put started; throws the first failure. */
    void finish() throws InterruptedException {
        awaitAll();
    }
}

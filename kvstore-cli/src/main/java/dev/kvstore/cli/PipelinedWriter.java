package dev.kvstore.cli;

import dev.kvstore.backend.Backend;
import dev.kvstore.spi.Futures;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes with up to {@code window} puts in flight. Two puts of one key are never in flight together,
 * so the last one given wins. The first failure stops the writer and is thrown by the next call.
 */
final class PipelinedWriter {
    private final Backend target;
    private final int window;
    private final Semaphore permits;
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    PipelinedWriter(Backend target, int window) {
        this.target = target;
        this.window = Math.max(1, window);
        this.permits = new Semaphore(this.window);
    }

    /** Starts a put; blocks while {@code window} puts are in flight. */
    void put(String key, byte[] value) throws InterruptedException {
        rethrow();
        CompletableFuture<Void> previous = inFlight.get(key);
        if (previous != null) {
            previous.handle((v, e) -> null).join();
        }
        permits.acquire();
        rethrow();
        CompletableFuture<Void> f;
        try {
            f = target.putAsync(key, value);
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
        inFlight.put(key, f);
        f.whenComplete((v, e) -> {
            inFlight.remove(key, f);
            if (e != null) {
                failure.compareAndSet(null, Futures.unwrap(e));
            } else {
                written.incrementAndGet();
                bytes.addAndGet(value.length);
            }
            permits.release();
        });
    }

    /** Waits for every put started; throws the first failure. */
    void finish() throws InterruptedException {
        permits.acquire(window);
        permits.release(window);
        rethrow();
    }

    /** Puts that succeeded. */
    long written() {
        return written.get();
    }

    /** Bytes of the values written. */
    long bytes() {
        return bytes.get();
    }

    private void rethrow() {
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new dev.kvstore.KvStoreException("write failed: " + t, t);
        }
    }
}

package dev.kvstore.cli;

import dev.kvstore.KvStoreException;
import dev.kvstore.spi.Futures;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What {@link PipelinedWriter} and {@link BatchedWriter} share: a window of {@code slots} writes in
 * flight, the writes in flight per key (so that two writes of one key are never in flight together
 * and the last one given wins), the first failure (which stops the writer and is thrown by its next
 * call) and the counts of what was written.
 *
 * <p>Threads: one thread starts writes and finishes; writes complete on the store's threads, which
 * only record and release.
 */
abstract class WriteWindow {

    private final int slots;
    private final Semaphore permits;
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    WriteWindow(int slots) {
        this.slots = slots;
        this.permits = new Semaphore(slots);
    }

    /** Waits until no write of {@code key} is in flight. */
    final void awaitKey(String key) {
        CompletableFuture<Void> previous = inFlight.get(key);
        if (previous != null) {
            previous.handle((v, e) -> null).join();
        }
    }

    /**
     * Takes a slot (blocking while all are taken) and starts a write of {@code keys}: {@code write}
     * is called once the slot is held; its outcome is recorded and the slot given back.
     *
     * @throws RuntimeException the first failure so far, or what {@code write} threw
     */
    final void start(Collection<String> keys, long valueBytes, Supplier<CompletableFuture<Void>> write)
            throws InterruptedException {
        permits.acquire();
        CompletableFuture<Void> done = new CompletableFuture<>();
        keys.forEach(k -> inFlight.put(k, done));
        CompletableFuture<Void> f;
        try {
            rethrow();
            f = write.get();
        } catch (RuntimeException | Error e) {
            finished(keys, done);
            throw e;
        }
        f.whenComplete((v, e) -> {
            if (e != null) {
                failure.compareAndSet(null, Futures.unwrap(e));
            } else {
                written.addAndGet(keys.size());
                bytes.addAndGet(valueBytes);
            }
            finished(keys, done);
        });
    }

    private void finished(Collection<String> keys, CompletableFuture<Void> done) {
        keys.forEach(k -> inFlight.remove(k, done));
        done.complete(null);
        permits.release();
    }

    /** Waits for every write started; throws the first failure. */
    final void awaitAll() throws InterruptedException {
        permits.acquire(slots);
        permits.release(slots);
        rethrow();
    }

    /** Keys written (acknowledged). */
    final long written() {
        return written.get();
    }

    /** Bytes of the values written. */
    final long bytes() {
        return bytes.get();
    }

    /** Throws the first failure, if any. */
    final void rethrow() {
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new KvStoreException("write failed: " + t, t);
        }
    }
}

package dev.kvstore.cli;

import dev.kvstore.KvStoreClient;
import dev.kvstore.backend.Backend;
import dev.kvstore.spi.Futures;
import dev.kvstore.spi.Keys;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes through the bulk API: puts are gathered into batches of up to {@code batchSize} keys (or
 * {@value #MAX_BATCH_BYTES} bytes of values), each sent with one {@link Backend#putAllAsync}, with
 * up to {@code batches} batches in flight. Each key and value is checked when it is given (as a
 * single put would), so a bad one fails at its own line, before its batch is sent. Two puts of one
 * key are never in flight together, so the last one given wins. The first failure stops the writer
 * and is thrown by the next call.
 *
 * <p>Threads: one thread calls {@link #put} and {@link #finish}; batches complete on the store's
 * threads, which only count and release.
 */
final class BatchedWriter {

    /** The default keys per batch of {@code load} and {@code copy}. */
    static final int DEFAULT_BATCH_SIZE = 500;

    /** A batch is sent once its values hold this many bytes, whatever its key count. */
    static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;

    private final Backend target;
    private final int batchSize;
    private final int batches;
    private final long maxValueSize;
    private final Semaphore permits;
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private Map<String, byte[]> pending = new LinkedHashMap<>();
    private long pendingBytes;

    /**
     * A writer.
     *
     * @param target the Backend written to
     * @param batchSize keys per batch, at least 1
     * @param keysInFlight how many keys may be in flight: rounded up to whole batches, at least two
     */
    BatchedWriter(Backend target, int batchSize, int keysInFlight) {
        this.target = target;
        this.batchSize = Math.max(1, batchSize);
        this.batches = Math.max(2, (Math.max(1, keysInFlight) + this.batchSize - 1) / this.batchSize);
        this.permits = new Semaphore(batches);
        this.maxValueSize = target.client().maxValueSize();
    }

    /** Adds a put to the current batch, sending it when full; blocks while every batch is in flight. */
    void put(String key, byte[] value) throws InterruptedException {
        rethrow();
        Keys.checkKey(key, KvStoreClient.MAX_KEY_BYTES);
        Keys.checkValue(key, value, maxValueSize);
        CompletableFuture<Void> previous = inFlight.get(key);
        if (previous != null) {
            previous.handle((v, e) -> null).join();
        }
        byte[] replaced = pending.put(key, value);
        pendingBytes += value.length - (replaced == null ? 0 : replaced.length);
        if (pending.size() >= batchSize || pendingBytes >= MAX_BATCH_BYTES) {
            send();
        }
    }

    /** Sends what is gathered, waits for every batch sent; throws the first failure. */
    void finish() throws InterruptedException {
        send();
        permits.acquire(batches);
        permits.release(batches);
        rethrow();
    }

    /** Keys written (acknowledged). */
    long written() {
        return written.get();
    }

    /** Bytes of the values written. */
    long bytes() {
        return bytes.get();
    }

    private void send() throws InterruptedException {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, byte[]> batch = pending;
        long batchBytes = pendingBytes;
        pending = new LinkedHashMap<>();
        pendingBytes = 0;
        permits.acquire();
        CompletableFuture<Void> done = new CompletableFuture<>();
        batch.keySet().forEach(k -> inFlight.put(k, done));
        CompletableFuture<Void> f;
        try {
            rethrow();
            f = target.putAllAsync(batch);
        } catch (RuntimeException | Error e) {
            finished(batch, done);
            throw e;
        }
        f.whenComplete((v, e) -> {
            if (e != null) {
                failure.compareAndSet(null, Futures.unwrap(e));
            } else {
                written.addAndGet(batch.size());
                bytes.addAndGet(batchBytes);
            }
            finished(batch, done);
        });
    }

    private void finished(Map<String, byte[]> batch, CompletableFuture<Void> done) {
        batch.keySet().forEach(k -> inFlight.remove(k, done));
        done.complete(null);
        permits.release();
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

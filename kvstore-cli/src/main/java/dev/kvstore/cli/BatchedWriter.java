package dev.kvstore.cli;

import dev.kvstore.KvStoreClient;
import dev.kvstore.backend.Backend;
import dev.kvstore.spi.Keys;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes through the bulk API: puts are gathered into batches of up to {@code batchSize} keys (or
 * {@value #MAX_BATCH_BYTES} bytes of values), each sent with one {@link Backend#putAllAsync}, with
 * up to {@code batches} batches in flight. Each key and value is checked when it is given (as a
 * single put would), so a bad one fails at its own line, before its batch is sent. Two puts of one
 * key are never in flight together, so the last one given wins. The first failure stops the writer
 * and is thrown by the next call.
 *
 * <p>Threads: as {@link WriteWindow}.
 */
final class BatchedWriter extends WriteWindow {

    /** The default keys per batch of {@code load} and {@code copy}. */
    static final int DEFAULT_BATCH_SIZE = 500;

    /** A batch is sent once its values hold this many bytes, whatever its key count. */
    static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;

    private final Backend target;
    private final int batchSize;
    private final long maxValueSize;
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
        super(Math.max(2, (Math.max(1, keysInFlight) + Math.max(1, batchSize) - 1) / Math.max(1, batchSize)));
        this.target = target;
        this.batchSize = Math.max(1, batchSize);
        this.maxValueSize = target.client().maxValueSize();
    }

    /** Adds a put to the current batch, sending it when full; blocks while every batch is in flight. */
    void put(String key, byte[] value) throws InterruptedException {
        rethrow();
        Keys.checkKey(key, KvStoreClient.MAX_KEY_BYTES);
        Keys.checkValue(key, value, maxValueSize);
        awaitKey(key);
        byte[] replaced = pending.put(key, value);
        pendingBytes += value.length - (replaced == null ? 0 : replaced.length);
        if (pending.size() >= batchSize || pendingBytes >= MAX_BATCH_BYTES) {
            send();
        }
    }

    /** Sends what is gathered, waits for every batch sent; throws the first failure. */
    void finish() throws InterruptedException {
        send();
        awaitAll();
    }

    private void send() throws InterruptedException {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, byte[]> batch = pending;
        long batchBytes = pendingBytes;
        pending = new LinkedHashMap<>();
        pendingBytes = 0;
        start(batch.keySet(), batchBytes, () -> target.putAllAsync(batch));
    }
}

package dev.kvstore.benchmarks;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One way of doing the workloads' operations: through the {@code Backend}, or with a store's
 * driver used directly. Keys are relative ({@code p/0042}); each side maps them into a namespace
 * of its own, so two sides never touch each other's keys. Implementations are thread-safe: the
 * workloads call them from up to 16 threads at once and from the drivers' callback threads.
 */
interface Side extends AutoCloseable {

    /** Creates or replaces a key, creating whatever it needs (parent znodes); used to set up. */
    void seed(String key, byte[] value) throws Exception;

    /** Replaces a key's value, blocking until done. */
    void put(String key, byte[] value) throws Exception;

    /** Reads a key's value, blocking; null if absent. */
    byte[] get(String key) throws Exception;

    /** Replaces a key's value asynchronously. */
    CompletionStage<?> putAsync(String key, byte[] value);

    /** Reads a key's value asynchronously. */
    CompletionStage<?> getAsync(String key);

    /** Reads every key under a prefix with its value; returns how many. */
    int list(String prefix) throws Exception;

    /**
     * Watches a prefix and hands the value of every put to {@code onPut} (on the driver's thread;
     * it must not block). Returns once the watch is registered as far as the API tells.
     */
    AutoCloseable watch(String prefix, Consumer<byte[]> onPut) throws Exception;

    /**
     * Opens a watch on a prefix that starts from the current state: every key under it with its
     * value, then the changes after that read; returns how many keys the state held, once it is
     * complete, and closes the watch.
     */
    int watchFromCurrentState(String prefix) throws Exception;

    /**
     * Reads a counter (a decimal number) and writes the next number only if the key's version is
     * still the one read.
     *
     * @return whether the write won
     */
    boolean casIncrement(String key) throws Exception;

    /** Acquires the benchmark's lock, uncontended, and releases it. */
    void lockCycle() throws Exception;

    @Override
    void close();

    /** The counter after {@code old} (null or empty = 0). */
    static byte[] next(byte[] old) {
        long n = old == null || old.length == 0
                ? 0
                : Long.parseLong(new String(old, java.nio.charset.StandardCharsets.US_ASCII));
        return Long.toString(n + 1).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}

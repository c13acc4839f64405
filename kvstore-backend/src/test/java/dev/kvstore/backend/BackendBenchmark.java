package dev.kvstore.backend;

import dev.kvstore.KvStoreClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Measures the Backend's overhead over its raw client on the {@code memory} store (where the
 * store itself costs least, so the façade's share shows most): blocking and asynchronous get and
 * put from one thread. Prints ops/s and the Backend/raw ratio. Not a test: run it with
 * {@code java -cp <test class path> dev.kvstore.backend.BackendBenchmark [millis per run]}.
 */
public final class BackendBenchmark {

    private static final int KEYS = 1024;

    private BackendBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args optional: milliseconds per measured run (default 300)
     */
    public static void main(String[] args) {
        long millis = args.length > 0 ? Long.parseLong(args[0]) : 300;
        try (Backend backend = Backend.create("memory", "", Duration.ofSeconds(5), "bench")) {
            KvStoreClient raw = backend.client();
            String[] keys = new String[KEYS];
            String[] fullKeys = new String[KEYS];
            byte[] value = "value-of-some-length".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < KEYS; i++) {
                keys[i] = "key" + i;
                fullKeys[i] = backend.fullKey(keys[i]);
                backend.put(keys[i], value);
            }
            backend.enableLivenessChannel();
            String[] names = {"blocking get", "blocking put", "async get", "async put"};
            Op[] rawOps = {
                i -> raw.get(fullKeys[i]).get(5, TimeUnit.SECONDS),
                i -> raw.put(fullKeys[i], value).get(5, TimeUnit.SECONDS),
                i -> raw.get(fullKeys[i]).join(),
                i -> raw.put(fullKeys[i], value).join()
            };
            Op[] backendOps = {
                i -> backend.get(keys[i]),
                i -> backend.put(keys[i], value),
                i -> backend.getAsync(keys[i]).join(),
                i -> backend.putAsync(keys[i], value).join()
            };
            // Short alternating runs, median of the pairwise ratios: the machine is shared and noisy.
            int pairs = 15;
            for (int n = 0; n < names.length; n++) {
                measure(rawOps[n], millis);
                measure(backendOps[n], millis); // warm-up
                double[] ratios = new double[pairs];
                double[] rawRates = new double[pairs];
                double[] backendRates = new double[pairs];
                for (int p = 0; p < pairs; p++) {
                    rawRates[p] = measure(rawOps[n], millis);
                    backendRates[p] = measure(backendOps[n], millis);
                    ratios[p] = backendRates[p] / rawRates[p];
                }
                System.out.printf(
                        "%-13s raw %,12.0f ops/s   Backend %,12.0f ops/s   median ratio %.3f%n",
                        names[n], median(rawRates), median(backendRates), median(ratios));
            }
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }

    private static double measure(Op op, long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long count = 0;
        long start = System.nanoTime();
        try {
            while (true) {
                for (int i = 0; i < KEYS; i++) {
                    op.run(i);
                }
                count += KEYS;
                if (System.nanoTime() >= end) {
                    break;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    @FunctionalInterface
    private interface Op {
        void run(int i) throws Exception;
    }
}

package dev.kvstore.benchmarks;

import dev.kvstore.backend.Backend;
import dev.kvstore.backend.observe.BackendObserver;
import dev.kvstore.micrometer.KvStoreMetrics;
import dev.kvstore.opentelemetry.KvStoreTracing;
import dev.kvstore.testing.EtcdServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What observability costs per operation: blocking {@code get} and {@code put} from one thread
 * through a {@code Backend} with no observer, with {@link KvStoreMetrics} (a
 * {@code SimpleMeterRegistry}), with {@link KvStoreTracing} (the OpenTelemetry SDK, every span
 * sampled, batched to an exporter that drops them) and with both; on the in-process memory store
 * (where the façade's own cost shows most) and on etcd. Rounds interleave the four Backends; each
 * line is the best round's ops/s, the ratio to the Backend with no observer, and this process's
 * CPU µs per operation. Not a test; run it with
 *
 * <pre>./mvnw -B -q -pl kvstore-benchmarks -am test-compile -Pbench -Dbench.main=dev.kvstore.benchmarks.ObserverOverheadBenchmark</pre>
 *
 * <p>{@code -Dbench.millis} is one round (default 1000), {@code -Dbench.rounds} the rounds (default 3).
 * Threads: the main thread only.
 */
public final class ObserverOverheadBenchmark {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final byte[] VALUE = "a value of some 32 bytes........".getBytes(StandardCharsets.UTF_8);

    private ObserverOverheadBenchmark() {}

    /** An exporter that drops every span: the SDK's work without I/O. */
    private static final class DroppingExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    /**
     * Runs the benchmark and prints the table.
     *
     * @param args ignored
     * @throws Exception if etcd cannot start
     */
    public static void main(String[] args) throws Exception {
        long millis = Long.getLong("bench.millis", 1000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
                .addSpanProcessor(
                        BatchSpanProcessor.builder(new DroppingExporter()).build())
                .build();
        OpenTelemetrySdk otel =
                OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
        System.out.printf(
                Locale.ROOT,
                "observer overhead, 1 thread, blocking; best of %d rounds of %d ms; %d cores%n",
                rounds,
                millis,
                Runtime.getRuntime().availableProcessors());
        run("memory", "overhead-" + UUID.randomUUID(), otel, millis, rounds);
        try (EtcdServer etcd = EtcdServer.start()) {
            run("etcd", etcd.address(), otel, millis, rounds);
        }
        otel.close();
        System.exit(0);
    }

    private static void run(String store, String address, OpenTelemetrySdk otel, long millis, int rounds) {
        Map<String, List<BackendObserver>> kinds = new LinkedHashMap<>();
        kinds.put("none", List.of());
        kinds.put("metrics", List.of(new KvStoreMetrics(new SimpleMeterRegistry())));
        kinds.put("tracing", List.of(new KvStoreTracing(otel)));
        kinds.put("both", List.of(new KvStoreMetrics(new SimpleMeterRegistry()), new KvStoreTracing(otel)));
        Map<String, Backend> backends = new LinkedHashMap<>();
        for (Map.Entry<String, List<BackendObserver>> k : kinds.entrySet()) {
            Backend.Builder builder = Backend.builder()
                    .storeType(store)
                    .address(address)
                    .timeout(Duration.ofSeconds(10))
                    .pathPrefix("overhead-" + k.getKey());
            k.getValue().forEach(builder::observer);
            backends.put(k.getKey(), builder.build());
        }
        try {
            for (String op : List.of("get", "put")) {
                Map<String, double[]> best = new LinkedHashMap<>(); // ops/s, cpu µs/op
                for (int round = 0; round <= rounds; round++) {
                    List<String> order = new ArrayList<>(backends.keySet());
                    if (round % 2 == 1) {
                        Collections.reverse(order);
                    }
                    for (String kind : order) {
                        double[] r = measure(backends.get(kind), op, millis);
                        if (round > 0 && (best.get(kind) == null || r[0] > best.get(kind)[0])) {
                            best.put(kind, r);
                        }
                    }
                }
                double base = best.get("none")[0];
                for (Map.Entry<String, double[]> e : best.entrySet()) {
                    System.out.printf(
                            Locale.ROOT,
                            "  %-7s %-4s %-8s %9.0f ops/s  ratio %.2f  CPU %6.1f µs/op (%+.1f µs)%n",
                            store,
                            op,
                            e.getKey(),
                            e.getValue()[0],
                            e.getValue()[0] / base,
                            e.getValue()[1],
                            e.getValue()[1] - best.get("none")[1]);
                }
            }
        } finally {
            backends.values().forEach(Backend::close);
        }
    }

    /** One round: {@code [ops/s, CPU µs per op]}. */
    private static double[] measure(Backend b, String op, long millis) {
        b.put("k", VALUE);
        long ops = 0;
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        long end = start + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 64; i++) {
                if (op.equals("get")) {
                    b.get("k");
                } else {
                    b.put("k", VALUE);
                }
            }
            ops += 64;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new double[] {ops / seconds, (OS.getProcessCpuTime() - cpu) / 1e3 / ops};
    }
}

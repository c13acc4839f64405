package dev.kvstore.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kvstore.backend.Backend;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvctl bench [WORKLOAD...]}: throughput and latency through the Backend. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure workloads through the Backend: put, get, mixed (half get, half put), list "
                    + "(a prefix of --keys keys), watch (put -> event latency).",
            "Each runs --warmup then --duration, under a fresh kvctl-bench/<random>/ namespace that is deleted "
                    + "afterwards. Prints ops/s and p50/p90/p99/p99.9/max latency (HdrHistogram)."
        })
final class BenchCommand extends StoreCommand {

    @Parameters(
            paramLabel = "WORKLOAD",
            arity = "0..*",
            description = "put, get, mixed, list, watch (default: all, in that order).")
    List<Bench.Workload> workloads = new ArrayList<>();

    @Option(
            names = "--threads",
            defaultValue = "1",
            description = "Threads issuing operations (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--in-flight",
            defaultValue = "1",
            description = "Operations in flight per thread (default ${DEFAULT-VALUE}: one at a time).")
    int inFlight;

    @Option(
            names = "--value-size",
            paramLabel = "BYTES",
            defaultValue = "100",
            description = "Value size in bytes (default ${DEFAULT-VALUE}).")
    int valueSize;

    @Option(names = "--keys", defaultValue = "1000", description = "Distinct keys (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            defaultValue = "5s",
            description = "Measured time per workload (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(
            names = "--warmup",
            paramLabel = "DURATION",
            defaultValue = "1s",
            description = "Unmeasured time before it (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--json", description = "JSON Lines, one object per workload.")
    boolean json;

    @Override
    int run(Backend backend, Io io) throws Exception {
        if (threads < 1 || inFlight < 1 || keys < 1 || valueSize < 0) {
            throw usage("--threads, --in-flight and --keys must be at least 1, --value-size at least 0");
        }
        Duration measured = root.connection.parseDuration("--duration", duration);
        Duration warm =
                warmup.trim().matches("0+(ms|s)?") ? Duration.ZERO : root.connection.parseDuration("--warmup", warmup);
        Bench.Shape shape = new Bench.Shape(threads, inFlight, valueSize, keys, measured, warm);
        List<Bench.Workload> chosen =
                workloads.isEmpty() ? new ArrayList<>(EnumSet.allOf(Bench.Workload.class)) : workloads;
        Bench bench = new Bench(backend, shape);
        PrintStream out = io.out();
        String store = root.settings().describe();
        if (!json) {
            out.printf(
                    Locale.ROOT,
                    "%s: %d thread(s) x %d in flight, %d-byte values, %d keys, %s each%n",
                    store,
                    threads,
                    inFlight,
                    valueSize,
                    keys,
                    seconds(measured));
            out.printf(
                    Locale.ROOT,
                    "%-8s %10s %10s %9s %9s %9s %9s %9s %7s%n",
                    "workload",
                    "ops",
                    "ops/s",
                    "p50 ms",
                    "p90 ms",
                    "p99 ms",
                    "p99.9 ms",
                    "max ms",
                    "errors");
            out.flush();
        }
        for (Bench.Workload w : chosen) {
            Bench.Result r = bench.run(w);
            if (json) {
                try (JsonGenerator g = Json.generator(out)) {
                    g.writeStartObject();
                    g.writeStringField("store", backend.storeType());
                    g.writeStringField("workload", w.name().toLowerCase(Locale.ROOT));
                    g.writeNumberField("threads", threads);
                    g.writeNumberField("inFlight", inFlight);
                    g.writeNumberField("valueSize", valueSize);
                    g.writeNumberField("keys", keys);
                    g.writeNumberField("durationSeconds", r.seconds());
                    g.writeNumberField("ops", r.ops());
                    g.writeNumberField("errors", r.errors());
                    g.writeNumberField("opsPerSecond", Math.round(r.opsPerSecond() * 10) / 10.0);
                    g.writeObjectFieldStart("latencyMillis");
                    g.writeNumberField("p50", ms(r.latency(), 50));
                    g.writeNumberField("p90", ms(r.latency(), 90));
                    g.writeNumberField("p99", ms(r.latency(), 99));
                    g.writeNumberField("p99.9", ms(r.latency(), 99.9));
                    g.writeNumberField(
                            "max",
                            r.latency().getTotalCount() == 0 ? 0 : r.latency().getMaxValue() / 1e6);
                    g.writeEndObject();
                    g.writeEndObject();
                    Json.endLine(g);
                }
            } else {
                Histogram h = r.latency();
                out.printf(
                        Locale.ROOT,
                        "%-8s %10d %10.0f %9.3f %9.3f %9.3f %9.3f %9.3f %7d%n",
                        w.name().toLowerCase(Locale.ROOT),
                        r.ops(),
                        r.opsPerSecond(),
                        ms(h, 50),
                        ms(h, 90),
                        ms(h, 99),
                        ms(h, 99.9),
                        h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1e6,
                        r.errors());
            }
            out.flush();
        }
        return ExitStatus.OK;
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}

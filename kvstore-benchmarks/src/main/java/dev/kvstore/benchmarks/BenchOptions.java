package dev.kvstore.benchmarks;

import dev.kvstore.backend.Backend;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The store options every Backend of a benchmark run gets: system property {@code bench.options},
 * {@code k=v[,k2=v2]}, or {@code none} (the default) for none. Applied to every store of the run,
 * so give it with {@code -Dbench.stores} naming the stores that take the options (e.g.
 * {@code -Dbench.stores=redis -Dbench.options=key-index=true}).
 */
final class BenchOptions {

    private BenchOptions() {}

    /** The options from {@code bench.options}, in the order given. */
    static Map<String, String> get() {
        String spec = System.getProperty("bench.options", "none").strip();
        Map<String, String> options = new LinkedHashMap<>();
        if (spec.isEmpty() || spec.equals("none")) {
            return options;
        }
        for (String pair : spec.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("bench.options: expected k=v[,k2=v2], got \"" + spec + "\"");
            }
            options.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return options;
    }

    /** The builder with every option of {@code bench.options} set. */
    static Backend.Builder apply(Backend.Builder builder) {
        get().forEach(builder::option);
        return builder;
    }

    /** For headers: the options, or nothing when none are set. */
    static String describe() {
        Map<String, String> options = get();
        return options.isEmpty() ? "" : "; store options " + options;
    }
}

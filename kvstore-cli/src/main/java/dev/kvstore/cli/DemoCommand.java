package dev.kvstore.cli;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/** {@code kvctl demo}: the quick start's first command. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "A short tour of the Backend on the store given (memory by default): the liveness "
                    + "channel, a prefix watch, puts, a list, a get and a delete.",
            "Works under a fresh kvctl-demo/<random>/ namespace that it deletes at the end."
        })
final class DemoCommand extends StoreCommand {

    @Override
    int run(Backend backend, Io io) throws Exception {
        PrintStream out = io.out();
        long started = System.nanoTime();
        long waitMillis = backend.timeout().toMillis();
        String ns = "kvctl-demo/" + UUID.randomUUID().toString().substring(0, 8) + "/";
        out.println("kvctl demo on " + root.settings().describe() + ", under " + ns);
        out.println();

        BlockingQueue<Boolean> liveness = backend.enableLivenessChannel();
        Boolean first = liveness.poll(waitMillis, TimeUnit.MILLISECONDS);
        out.println("1. Liveness channel enabled; first state: " + state(first)
                + " (a new Backend is not alive until an operation succeeds)");
        out.flush();

        BlockingQueue<KvEvent> events = new LinkedBlockingQueue<>();
        KvWatch watch = backend.createWatch(ns + "config/", true, events::add);
        try {
            out.println("2. Watching every key under " + ns + "config/");
            out.println();
            out.println("3. Writes, each followed by the event the watch fired:");
            put(backend, out, events, ns + "config/greeting", "hello", waitMillis);
            Boolean up = liveness.poll(waitMillis, TimeUnit.MILLISECONDS);
            out.println("     liveness channel: " + state(up) + " (the first write succeeded)");
            put(backend, out, events, ns + "config/color", "blue", waitMillis);
            put(backend, out, events, ns + "config/color", "green", waitMillis);
            put(backend, out, events, ns + "config/size", "42", waitMillis);
            out.println();

            out.println("4. List of " + ns + "config/ (keys as stored, with the Backend's path prefix):");
            Map<String, KvPair> listed = new TreeMap<>(backend.list(ns + "config/"));
            for (KvPair p : listed.values()) {
                out.printf(Locale.ROOT, "     %-40s %-8s version %d%n", p.key(), p.valueAsString(), p.version());
            }
            out.println();

            out.println("5. Get " + ns + "config/greeting -> "
                    + backend.get(ns + "config/greeting")
                            .map(KvPair::valueAsString)
                            .orElse("(missing)"));
            backend.delete(ns + "config/size");
            out.println("   Delete " + ns + "config/size");
            out.println("     watch fired: " + describe(events.poll(waitMillis, TimeUnit.MILLISECONDS)));
            out.println();

            boolean alive = backend.performLivenessCheck();
            out.println("6. Liveness check (asks the store, writes nothing): " + (alive ? "alive" : "NOT alive"));
        } finally {
            backend.deleteWatch(watch);
            backend.deleteWithPrefix(ns);
        }
        out.printf(
                Locale.ROOT,
                "%nDone in %.2f s; the demo's keys are deleted. Next: kvctl --help%n",
                (System.nanoTime() - started) / 1e9);
        return ExitStatus.OK;
    }

    private static void put(
            Backend backend, PrintStream out, BlockingQueue<KvEvent> events, String key, String value, long waitMillis)
            throws InterruptedException {
        backend.put(key, value);
        out.println("   put " + key + " = " + value);
        out.println("     watch fired: " + describe(events.poll(waitMillis, TimeUnit.MILLISECONDS)));
        out.flush();
    }

    private static String describe(KvEvent e) {
        if (e == null) {
            return "(no event within the timeout)";
        }
        return e.type() == EventType.PUT
                ? "PUT " + e.key() + " = " + e.valueAsString() + " (version " + e.version() + ")"
                : e.type() + " " + e.key();
    }

    private static String state(Boolean alive) {
        return alive == null ? "(none within the timeout)" : alive ? "alive" : "not alive";
    }
}

package dev.kvstore.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import dev.kvstore.WatchOptions;
import dev.kvstore.backend.Backend;
import java.io.PrintStream;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvctl watch KEY [--prefix]}: one line per event until interrupted. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Print one line per change of KEY (or, with --prefix, of every key under it) until "
                + "interrupted (Ctrl-C) or --count events.",
            "Text: PUT KEY [vVERSION] VALUE (value escaped onto one line, as ls), or DELETE|CONNECTION_DOWN|SYNCED|UNKNOWN "
                + "KEY. After a gap (a lost connection the store cannot replay) the watch re-reads and prints the "
                + "difference, then SYNCED; with --no-resync it prints UNKNOWN instead (events may have been missed).",
            "A line on stderr says when the watch is active."})
final class WatchCommand extends StoreCommand {

    @Parameters(paramLabel = "KEY", description = "The key, or with --prefix the key prefix.")
    String key;

    @Option(names = "--prefix", description = "Watch every key that starts with KEY.")
    boolean prefix;

    @Option(names = "--json", description = "JSON Lines: {\"type\",\"key\",\"value\" (base64),\"version\"}.")
    boolean json;

    @Option(names = "--initial", description = "First print every existing key as PUT, then SYNCED, then the changes.")
    boolean initial;

    @Option(names = "--no-resync", description = "Report gaps as UNKNOWN instead of re-reading (the raw watch).")
    boolean noResync;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Stop after N events (default 0: until interrupted).")
    long count;

    @Override
    int run(Backend backend, Io io) throws Exception {
        if (count < 0) {
            throw usage("--count must be 0 or more, got " + count);
        }
        BlockingQueue<KvEvent> events = new LinkedBlockingQueue<>();
        KvWatch watch = backend.createWatch(key, prefix, events::add,
                WatchOptions.defaults().withInitialState(initial).withResync(!noResync));
        Thread hook = new Thread(() -> {
            backend.deleteWatch(watch);
            io.out().flush();
        }, "kvctl-watch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            io.err().println("watching " + (prefix ? "prefix \"" : "key \"") + key + "\" on "
                    + root.settings().describe() + (count > 0 ? " for " + count + " event(s)" : "; Ctrl-C to stop"));
            io.err().flush();
            PrintStream out = io.out();
            JsonGenerator g = json ? Json.generator(out) : null;
            for (long seen = 0; count == 0 || seen < count; seen++) {
                KvEvent e;
                try {
                    e = events.take();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                print(backend, e, out, g);
            }
            if (g != null) {
                g.close();
            }
            return ExitStatus.OK;
        } finally {
            backend.deleteWatch(watch);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    private static void print(Backend backend, KvEvent e, PrintStream out, JsonGenerator g) throws Exception {
        String k = Display.relativeKey(backend, e.key());
        if (g != null) {
            g.writeStartObject();
            g.writeStringField("type", e.type().name());
            g.writeStringField("key", k);
            g.writeStringField("value", Base64.getEncoder().encodeToString(e.value()));
            g.writeNumberField("version", e.version());
            g.writeEndObject();
            Json.endLine(g);
            g.flush();
        } else {
            if (e.type() == EventType.PUT) {
                // stores without versions (no KvCapability.VERSIONS) report 0: not shown
                out.println("PUT " + k + (e.version() > 0 ? " v" + e.version() : "") + " " + Display.value(e.value()));
            } else {
                out.println(e.type().name() + " " + k);
            }
            out.flush();
        }
    }
}

package dev.kvstore.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import dev.kvstore.WatchOptions;
import dev.kvstore.backend.Backend;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kvctl watch KEY [--prefix]}: one line per event until interrupted.
 *
 * <p>Threads: the watch's delivery thread (one at a time, never concurrently) runs the {@link Printer},
 * which writes each event to stdout itself, so the watch's bounded queue ({@link WatchOptions}) is the
 * only queue and a slow stdout leads to a resync, not to unbounded memory. The command's thread waits
 * until the printer is done (--count reached, stdout gone) or it is interrupted, then deletes the watch;
 * a JVM shutdown hook (Ctrl-C) deletes it too.
 */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Print one line per change of KEY (or, with --prefix, of every key under it) until "
                    + "interrupted (Ctrl-C) or --count events.",
            "Text: PUT KEY [vVERSION] VALUE (value escaped onto one line, as ls), or DELETE KEY, or "
                    + "SYNCED|CONNECTION_DOWN|UNKNOWN followed by the watched key or prefix.",
            "SYNCED: what was printed so far equals the store's state as of one read (after --initial's state, and "
                    + "after each resync). UNKNOWN (with --no-resync): events may have been missed, read again.",
            "A line on stderr says when the watch is active."
        })
final class WatchCommand extends StoreCommand {

    @Parameters(paramLabel = "KEY", description = "The key, or with --prefix the key prefix.")
    String key;

    @Option(names = "--prefix", description = "Watch every key that starts with KEY.")
    boolean prefix;

    @Option(
            names = "--json",
            description = "JSON Lines: {\"type\",\"key\",\"value\" (base64),\"version\"}; "
                    + "type is PUT, DELETE, SYNCED, CONNECTION_DOWN or UNKNOWN.")
    boolean json;

    @Option(
            names = "--count",
            paramLabel = "N",
            defaultValue = "0",
            description = "Stop after N events, SYNCED lines included (default 0: until interrupted).")
    long count;

    @Option(
            names = "--initial",
            description = "First print a PUT line for every key that exists now (one consistent read), then a "
                    + "SYNCED line, then every change after that read.")
    boolean initial;

    @Option(
            names = "--resync",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "After a gap (lost connection, compacted history, output falling behind) re-read and "
                    + "print what changed, then SYNCED (the default). --no-resync: the store's raw watch, "
                    + "which prints UNKNOWN after a gap instead.")
    boolean resync;

    @Override
    int run(Backend backend, Io io) throws Exception {
        if (count < 0) {
            throw usage("--count must be 0 or more, got " + count);
        }
        PrintStream out = io.out();
        JsonGenerator g = json ? Json.generator(out) : null;
        Printer printer = new Printer(backend, out, g, count);
        WatchOptions options = WatchOptions.defaults().withInitialState(initial).withResync(resync);
        KvWatch watch = backend.createWatch(key, prefix, printer, options);
        Thread hook = new Thread(
                () -> {
                    backend.deleteWatch(watch);
                    out.flush();
                },
                "kvctl-watch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            io.err()
                    .println("watching " + (prefix ? "prefix \"" : "key \"") + key + "\" on "
                            + root.settings().describe() + (initial ? ", current state first" : "")
                            + (count > 0 ? ", for " + count + " event(s)" : "; Ctrl-C to stop"));
            io.err().flush();
            try {
                printer.done.get();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException failed) {
                throw (Exception) failed.getCause();
            }
            return ExitStatus.OK;
        } finally {
            backend.deleteWatch(watch); // after this the printer is not called again
            if (g != null) {
                g.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    /** Prints each event as it is delivered; completes {@link #done} after {@code count} events or when stdout fails. */
    static final class Printer implements Consumer<KvEvent> {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final Backend backend;
        private final PrintStream out;
        private final JsonGenerator g;
        private final long count;
        private long seen;

        Printer(Backend backend, PrintStream out, JsonGenerator g, long count) {
            this.backend = backend;
            this.out = out;
            this.g = g;
            this.count = count;
        }

        @Override
        public void accept(KvEvent e) {
            if (done.isDone()) {
                return; // --count reached: the command is deleting the watch
            }
            try {
                print(e);
            } catch (Exception failed) {
                done.completeExceptionally(failed);
                return;
            }
            if (out.checkError()) {
                done.complete(null); // stdout is gone (a closed pipe): nobody reads any more
            } else if (count > 0 && ++seen >= count) {
                done.complete(null);
            }
        }

        private void print(KvEvent e) throws Exception {
            String k = Display.relativeKey(backend, e.key());
            if (g != null) {
                g.writeStartObject();
                g.writeStringField("type", e.type().name());
                g.writeStringField("key", k);
                g.writeStringField("value", Json.base64(e.value()));
                g.writeNumberField("version", e.version());
                g.writeEndObject();
                Json.endLine(g);
                g.flush();
            } else {
                if (e.type() == EventType.PUT) {
                    // stores without versions (no KvCapability.VERSIONS) report 0: not shown
                    out.println(
                            "PUT " + k + (e.version() > 0 ? " v" + e.version() : "") + " " + Display.value(e.value()));
                } else {
                    out.println(e.type().name() + (k.isEmpty() ? "" : " " + k));
                }
                out.flush();
            }
        }
    }
}

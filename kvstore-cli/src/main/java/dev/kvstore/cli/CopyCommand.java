package dev.kvstore.cli;

import dev.kvstore.backend.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvctl copy PREFIX --to-store-type ...}: from one store into another. */
@Command(
        name = "copy",
        mixinStandardHelpOptions = true,
        description = {
            "Copy every key under PREFIX into another store (etcd -> redis, say).",
            "Keys keep their name relative to the path prefix: KEY under --path-prefix is written as KEY "
                    + "under --to-path-prefix (default: the same path prefix).",
            "Reads the prefix with one list (or --per-key: getAll in batches of --in-flight keys); writes "
                    + "with the bulk API (putAll) in batches of --batch-size keys, up to --in-flight keys at once "
                    + "(at least two batches). "
                    + "A progress bar goes to stderr on a terminal; a summary line to stdout at the end."
        })
final class CopyCommand extends StoreCommand {

    @Parameters(
            paramLabel = "PREFIX",
            arity = "0..1",
            defaultValue = "",
            description = "The key prefix (under --path-prefix); default: everything.")
    String prefix;

    @Option(names = "--to-store-type", paramLabel = "TYPE", required = true, description = "Target storeType.")
    String toStoreType;

    @Option(
            names = "--to-address",
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "",
            description = "Target address(es).")
    String toAddress;

    @Option(
            names = "--to-path-prefix",
            paramLabel = "PATH",
            description = "Target path prefix (default: the source's --path-prefix).")
    String toPathPrefix;

    @Option(
            names = "--to-timeout",
            paramLabel = "DURATION",
            description = "Target timeout (default: the source's --timeout).")
    String toTimeout;

    @Option(names = "--to-option", paramLabel = "KEY=VALUE", description = "A target store option; repeatable.")
    List<String> toOptions = new ArrayList<>();

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "" + BatchedWriter.DEFAULT_BATCH_SIZE,
            description = "Keys per putAll on the target (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    ReadOptions read = new ReadOptions();

    @Override
    int run(Backend source, Io io) throws Exception {
        int inFlight = read.inFlight(this);
        if (batchSize < 1) {
            throw usage("--batch-size must be at least 1, got " + batchSize);
        }
        ConnectionSettings from = root.settings();
        Map<String, String> options = new TreeMap<>();
        for (String pair : toOptions) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw usage("malformed --to-option \"" + pair + "\": expected KEY=VALUE");
            }
            options.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        Duration timeout =
                toTimeout == null ? from.timeout() : root.connection.parseDuration("--to-timeout", toTimeout);
        ConnectionSettings to = new ConnectionSettings(
                toStoreType, toAddress, toPathPrefix == null ? from.pathPrefix() : toPathPrefix, timeout, options);

        long start = System.nanoTime();
        Backend target = io.backends().open(to);
        try {
            PairReader reader = read.reader(this, source, prefix);
            BatchedWriter writer = new BatchedWriter(target, batchSize, inFlight);
            Progress progress = new Progress(io, reader.size());
            reader.forEach((key, value) -> {
                try {
                    writer.put(key, value);
                } catch (RuntimeException e) {
                    root.blame(to);
                    throw e;
                }
                progress.step();
            });
            try {
                writer.finish();
            } catch (RuntimeException e) {
                root.blame(to);
                throw e;
            }
            progress.done();
            double seconds = (System.nanoTime() - start) / 1e9;
            io.out()
                    .println(String.format(
                            Locale.ROOT,
                            "copied %d key(s) (%s) from %s to %s in %.2f s (%.0f keys/s)%s",
                            writer.written(),
                            Display.bytes(writer.bytes()),
                            from.describe(),
                            to.describe(),
                            seconds,
                            writer.written() / Math.max(seconds, 1e-9),
                            reader.vanished() > 0 ? "; " + reader.vanished() + " key(s) deleted while copying" : ""));
            return ExitStatus.OK;
        } finally {
            io.backends().release(target);
        }
    }

    /** A progress bar on stderr, only when a person is at a terminal; redrawn at most 10 times a second. */
    static final class Progress {
        private final Io io;
        private final long total;
        private long count;
        private long lastDraw;

        Progress(Io io, long total) {
            this.io = io;
            this.total = total;
        }

        void step() {
            count++;
            if (!io.terminal()) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastDraw > 100_000_000L || count == total) {
                lastDraw = now;
                int width = 30;
                int filled = total == 0 ? width : (int) (count * width / total);
                io.err()
                        .print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + count + "/" + total
                                + " keys");
                io.err().flush();
            }
        }

        void done() {
            if (io.terminal() && total > 0) {
                io.err().println();
            }
        }
    }
}

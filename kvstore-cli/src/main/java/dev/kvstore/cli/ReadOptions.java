package dev.kvstore.cli;

import dev.kvstore.backend.Backend;
import picocli.CommandLine.Option;

/** How {@code dump} and {@code copy} read a prefix: the options they share, as a picocli mixin. */
final class ReadOptions {

    @Option(
            names = "--in-flight",
            paramLabel = "N",
            defaultValue = "128",
            description = "Keys in flight at once: reads with --per-key, and copy's writes (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--per-key",
            description = "Read the values with getAll, --in-flight keys at a time, "
                    + "instead of one list of the whole prefix: holds only a window of values in memory, for prefixes too "
                    + "large for one list; slower.")
    boolean perKey;

    /**
     * The operations in flight, checked.
     *
     * @param command the command, for its usage error
     * @return at least 1
     */
    int inFlight(StoreCommand command) {
        if (inFlight < 1) {
            throw command.usage("--in-flight must be at least 1, got " + inFlight);
        }
        return inFlight;
    }

    /**
     * A reader of every pair under {@code prefix}, as these options say.
     *
     * @param command the command, for its usage error
     * @param backend the store to read
     * @param prefix the key prefix under the Backend's path prefix
     * @return the reader
     */
    PairReader reader(StoreCommand command, Backend backend, String prefix) {
        return new PairReader(backend, prefix, inFlight(command), perKey);
    }
}

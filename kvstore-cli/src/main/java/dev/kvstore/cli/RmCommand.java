package dev.kvstore.cli;

import dev.kvstore.backend.Backend;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvctl rm KEY} and {@code kvctl rm --prefix PREFIX}. */
@Command(
        name = "rm",
        mixinStandardHelpOptions = true,
        description = {
            "Delete KEY (exit status 1 when it does not exist), or with --prefix every key under PREFIX.",
            "Deleting by prefix asks for confirmation on a terminal; without one it needs --yes.",
            "An empty PREFIX (every key under --path-prefix) always needs --yes."
        })
final class RmCommand extends StoreCommand {

    @Parameters(paramLabel = "KEY|PREFIX", description = "The key, or with --prefix the key prefix.")
    String target;

    @Option(names = "--prefix", description = "Delete every key that starts with the argument.")
    boolean prefix;

    @Option(
            names = {"-y", "--yes"},
            description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    int run(Backend backend, Io io) {
        if (!prefix) {
            if (!backend.exists(target)) {
                io.err().println("kvctl rm: key not found: " + target);
                return ExitStatus.NOT_FOUND;
            }
            backend.delete(target);
            return ExitStatus.OK;
        }
        String where = "\"" + target + "\""
                + (backend.pathPrefix().isEmpty() ? "" : " under path prefix \"" + backend.pathPrefix() + "\"");
        if (target.isEmpty() && !yes) {
            throw usage("deleting every key (empty prefix"
                    + (backend.pathPrefix().isEmpty() ? "" : " under path prefix \"" + backend.pathPrefix() + "\"")
                    + ") needs --yes");
        }
        List<String> keys = backend.listKeys(target);
        if (keys.isEmpty()) {
            io.out().println("no keys with prefix " + where);
            return ExitStatus.OK;
        }
        if (!yes) {
            if (!io.terminal()) {
                throw usage("refusing to delete " + keys.size() + " key(s) with prefix " + where
                        + " without --yes (no terminal to confirm on)");
            }
            if (!io.confirm("Delete " + keys.size() + " key(s) with prefix " + where + " from "
                    + root.settings().describe() + "?")) {
                io.err().println("kvctl rm: nothing deleted");
                return ExitStatus.USAGE;
            }
        }
        backend.deleteWithPrefix(target);
        io.out().println("deleted " + keys.size() + " key(s) with prefix " + where);
        return ExitStatus.OK;
    }
}

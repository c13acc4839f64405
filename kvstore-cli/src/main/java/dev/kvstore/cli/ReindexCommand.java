package dev.kvstore.cli;

import dev.kvstore.backend.Backend;
import dev.kvstore.spi.KeyIndexMaintenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kvctl reindex [PREFIX]}: builds or repairs a store's key index (Redis with option key-index). */
@Command(
        name = "reindex",
        mixinStandardHelpOptions = true,
        description = {
            "Build or repair the key index of a store that keeps one (redis and redis-sentinel with"
                    + " --option key-index=true) for the keys under PREFIX (default: every key under --path-prefix):"
                    + " index members whose keys no longer exist are removed, then every existing key a SCAN"
                    + " of the whole database finds under PREFIX is added. Run it after keys were written by"
                    + " clients without the option (or redis-cli), which prefix reads do not see until then.",
            "Prints how many keys were added, removed and kept. Exit status 2 on a store without a key index."
        })
final class ReindexCommand extends StoreCommand {

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "PREFIX",
            description = "The key prefix, relative to --path-prefix; default: every key.")
    String prefix = "";

    @Override
    int run(Backend backend, Io io) {
        KeyIndexMaintenance index = KeyIndexMaintenance.of(backend.client())
                .orElseThrow(() -> new UnsupportedOperationException("no key index to rebuild: "
                        + (backend.client() instanceof KeyIndexMaintenance
                                ? "set --option key-index=true (the index is kept only by clients with that option)"
                                : "storeType " + root.settings().storeType() + " reads prefixes without one")));
        String full = backend.fullKey(prefix);
        KeyIndexMaintenance.Counts counts = index.reindex(full).join();
        io.out()
                .println("reindexed prefix \"" + full + "\": added " + counts.added() + ", removed " + counts.removed()
                        + ", kept " + counts.kept());
        return ExitStatus.OK;
    }
}

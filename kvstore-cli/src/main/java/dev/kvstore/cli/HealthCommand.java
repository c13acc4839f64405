package dev.kvstore.cli;

import dev.kvstore.backend.Backend;
import picocli.CommandLine.Command;

/** {@code kvctl health}: the Backend's liveness check. */
@Command(
        name = "health",
        mixinStandardHelpOptions = true,
        description = {
            "Ask the store whether it is up (the Backend's liveness check; writes nothing).",
            "Exit status 0 when alive, 3 when not."
        })
final class HealthCommand extends StoreCommand {

    @Override
    int run(Backend backend, Io io) {
        boolean alive = backend.performLivenessCheck();
        String where = root.settings().describe();
        if (alive) {
            io.out().println("alive: " + where);
            return ExitStatus.OK;
        }
        io.out()
                .println("not alive: " + where + " (no answer within "
                        + backend.timeout().toMillis() + " ms)");
        return ExitStatus.UNAVAILABLE;
    }
}

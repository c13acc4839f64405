package dev.kvstore.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kvstore.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code kvctl dump [PREFIX]}: JSON Lines to stdout. */
@Command(
        name = "dump",
        mixinStandardHelpOptions = true,
        description = {
            "Write every key under PREFIX to stdout as JSON Lines, in key order: " + "{\"key\":KEY,\"value\":BASE64}.",
            "KEY is relative to --path-prefix (as you would give it to 'kvctl get'), so 'load' with another "
                    + "--path-prefix moves the keys under it.",
            "The prefix is read with one list (fast; every value in memory at once), or with --per-key getAll of "
                    + "--in-flight keys at a time (a key deleted meanwhile is skipped)."
        })
final class DumpCommand extends StoreCommand {

    @Parameters(
            paramLabel = "PREFIX",
            arity = "0..1",
            defaultValue = "",
            description = "The key prefix (under --path-prefix); default: everything.")
    String prefix;

    @Mixin
    ReadOptions read = new ReadOptions();

    @Override
    int run(Backend backend, Io io) throws Exception {
        PairReader reader = read.reader(this, backend, prefix);
        long count;
        try (JsonGenerator g = Json.generator(io.out())) {
            count = reader.forEach((key, value) -> {
                g.writeStartObject();
                g.writeStringField("key", key);
                g.writeStringField("value", Json.base64(value));
                g.writeEndObject();
                Json.endLine(g);
            });
        }
        if (io.terminal()) {
            io.err()
                    .println("dumped " + count + " key(s)"
                            + (reader.vanished() > 0 ? " (" + reader.vanished() + " deleted while dumping)" : ""));
        }
        return ExitStatus.OK;
    }
}

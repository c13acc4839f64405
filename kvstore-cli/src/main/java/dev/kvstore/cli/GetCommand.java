package dev.kvstore.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import java.util.Base64;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvctl get KEY}: the value, raw, to stdout. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = {
            "Print the value of KEY to stdout, byte for byte (a newline is added only on a terminal).",
            "Exit status 1 when KEY does not exist."
        })
final class GetCommand extends StoreCommand {

    @Parameters(paramLabel = "KEY", description = "The key (under --path-prefix).")
    String key;

    @Option(names = "--json", description = "Print {\"key\",\"value\" (base64),\"version\"} instead.")
    boolean json;

    @Override
    int run(Backend backend, Io io) throws Exception {
        Optional<KvPair> pair = backend.get(key);
        if (pair.isEmpty()) {
            io.err().println("kvctl get: key not found: " + key);
            return ExitStatus.NOT_FOUND;
        }
        KvPair p = pair.get();
        if (json) {
            try (JsonGenerator g = Json.generator(io.out())) {
                g.writeStartObject();
                g.writeStringField("key", Display.relativeKey(backend, p.key()));
                g.writeStringField("value", Base64.getEncoder().encodeToString(p.value()));
                g.writeNumberField("version", p.version());
                g.writeEndObject();
                Json.endLine(g);
            }
        } else {
            byte[] value = p.value();
            io.out().write(value);
            if (io.terminal() && (value.length == 0 || value[value.length - 1] != '\n')) {
                io.out().println(); // for the prompt's sake; never when piped or redirected
            }
        }
        return ExitStatus.OK;
    }
}

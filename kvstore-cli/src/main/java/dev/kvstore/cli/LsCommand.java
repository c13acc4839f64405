package dev.kvstore.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvctl ls [PREFIX]}: keys (and values) under a prefix, sorted. */
@Command(
        name = "ls",
        mixinStandardHelpOptions = true,
        description = {
            "List the keys under PREFIX (a raw string prefix; empty: everything), sorted.",
            "One line per key: KEY<TAB>VALUE, the value escaped onto one line (\\n, \\t, \\\\, \\xNN)."
        })
final class LsCommand extends StoreCommand {

    @Parameters(
            paramLabel = "PREFIX",
            arity = "0..1",
            defaultValue = "",
            description = "The key prefix (under --path-prefix); default: everything.")
    String prefix;

    @Option(names = "--keys-only", description = "Print the keys only.")
    boolean keysOnly;

    @Option(
            names = "--json",
            description = "JSON Lines: {\"key\",\"value\" (base64),\"version\"} " + "(with --keys-only: {\"key\"}).")
    boolean json;

    @Override
    int run(Backend backend, Io io) throws Exception {
        PrintStream out = io.out();
        if (keysOnly) {
            List<String> keys = new ArrayList<>(backend.listKeys(prefix));
            keys.sort(null);
            if (json) {
                try (JsonGenerator g = Json.generator(out)) {
                    for (String k : keys) {
                        g.writeStartObject();
                        g.writeStringField("key", Display.relativeKey(backend, k));
                        g.writeEndObject();
                        Json.endLine(g);
                    }
                }
            } else {
                keys.forEach(k -> out.println(Display.relativeKey(backend, k)));
            }
            return ExitStatus.OK;
        }
        Map<String, KvPair> pairs = new TreeMap<>(backend.list(prefix));
        if (json) {
            try (JsonGenerator g = Json.generator(out)) {
                Base64.Encoder b64 = Base64.getEncoder();
                for (KvPair p : pairs.values()) {
                    g.writeStartObject();
                    g.writeStringField("key", Display.relativeKey(backend, p.key()));
                    g.writeStringField("value", b64.encodeToString(p.value()));
                    g.writeNumberField("version", p.version());
                    g.writeEndObject();
                    Json.endLine(g);
                }
            }
        } else {
            for (KvPair p : pairs.values()) {
                out.println(Display.relativeKey(backend, p.key()) + "\t" + Display.value(p.value()));
            }
        }
        return ExitStatus.OK;
    }
}

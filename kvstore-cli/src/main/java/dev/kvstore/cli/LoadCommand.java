package dev.kvstore.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.kvstore.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kvctl load}: JSON Lines from stdin into the store. */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = {
            "Read JSON Lines {\"key\":KEY,\"value\":BASE64} from stdin (as 'dump' writes them) and "
                    + "put each KEY under --path-prefix.",
            "Streams: writes with the bulk API (putAll) in batches of --batch-size keys, up to --in-flight "
                    + "keys at once (at least two batches), never the whole input in memory. Other fields are "
                    + "ignored. A malformed line stops the load (exit status 2) after the lines before it."
        })
final class LoadCommand extends StoreCommand {

    @Option(
            names = "--in-flight",
            paramLabel = "N",
            defaultValue = "128",
            description = "Keys in flight at once, rounded up to whole batches (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "" + BatchedWriter.DEFAULT_BATCH_SIZE,
            description = "Keys per putAll (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    int run(Backend backend, Io io) throws Exception {
        if (inFlight < 1 || batchSize < 1) {
            throw usage("--in-flight and --batch-size must be at least 1, got " + inFlight + " and " + batchSize);
        }
        BatchedWriter writer = new BatchedWriter(backend, batchSize, inFlight);
        long lines = 0;
        try (JsonParser p = Json.parser(io.in())) {
            JsonToken t;
            while ((t = next(p)) != null) {
                long line = p.currentLocation().getLineNr();
                lines++;
                if (t != JsonToken.START_OBJECT) {
                    throw new InputException("line " + line + ": expected a JSON object {\"key\",\"value\"}, got "
                            + t.asString() + "; loaded " + written(writer) + " key(s) before it");
                }
                String key = null;
                String value = null;
                while ((t = next(p)) != JsonToken.END_OBJECT) {
                    String field = p.currentName();
                    t = next(p);
                    if ("key".equals(field) && t == JsonToken.VALUE_STRING) {
                        key = p.getText();
                    } else if ("value".equals(field) && t == JsonToken.VALUE_STRING) {
                        value = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
                if (key == null || value == null) {
                    throw new InputException("line " + line + ": needs string fields \"key\" and \"value\"; "
                            + "loaded " + written(writer) + " key(s) before it");
                }
                byte[] bytes;
                try {
                    bytes = Json.fromBase64(value);
                } catch (IllegalArgumentException e) {
                    throw new InputException(
                            "line " + line + ": \"value\" is not base64 (" + e.getMessage() + "); loaded "
                                    + written(writer) + " key(s) before it",
                            e);
                }
                if (key.isEmpty()) {
                    throw new InputException(
                            "line " + line + ": \"key\" is empty; loaded " + written(writer) + " key(s) before it");
                }
                writer.put(key, bytes);
            }
        } catch (RuntimeException e) {
            // A bad line (or key, or value): the lines before it are loaded, as the description says.
            try {
                writer.finish();
            } catch (RuntimeException failed) {
                if (failed != e) {
                    e.addSuppressed(failed);
                }
            }
            throw e;
        }
        writer.finish();
        io.out()
                .println("loaded " + writer.written() + " key(s) (" + Display.bytes(writer.bytes()) + ") into "
                        + root.settings().describe());
        return ExitStatus.OK;
    }

    private static long written(BatchedWriter w) throws InterruptedException {
        w.finish();
        return w.written();
    }

    private static JsonToken next(JsonParser p) throws java.io.IOException {
        try {
            return p.nextToken();
        } catch (JsonProcessingException e) {
            throw new InputException(
                    "line " + e.getLocation().getLineNr() + ": not JSON: " + e.getOriginalMessage(), e);
        }
    }
}

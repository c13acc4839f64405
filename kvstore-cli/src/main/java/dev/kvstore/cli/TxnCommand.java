package dev.kvstore.cli;

import dev.kvstore.KvCapability;
import dev.kvstore.backend.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kvctl txn FILE}: applies a JSON transaction ({@link TxnJson}) atomically. */
@Command(
        name = "txn",
        mixinStandardHelpOptions = true,
        description = {
            "Apply a transaction read from FILE (- for stdin) as one atomic step: if every condition "
                    + "holds, every operation is applied; otherwise nothing is written and the exit status is 5.",
            "FILE: {\"if\":[{\"absent\":KEY}, {\"present\":KEY}, {\"version\":{\"key\":KEY,\"is\":N}}, "
                    + "{\"value\":{\"key\":KEY,\"is\":VALUE}}], \"then\":[{\"put\":{\"key\":KEY,\"value\":VALUE}}, "
                    + "{\"delete\":KEY}]}",
            "VALUE: a string (its UTF-8 bytes) or {\"base64\":TEXT} (any bytes, as dump writes them). \"if\" may be "
                    + "left out; KEYs are under --path-prefix; version N=0 means absent (not on Redis: no versions).",
            "Malformed input is refused before anything is sent (exit status 2, naming line and column)."
        })
final class TxnCommand extends StoreCommand {

    @Parameters(paramLabel = "FILE", description = "The transaction as JSON; - reads it from stdin.")
    String file;

    @Override
    int run(Backend backend, Io io) throws Exception {
        TxnJson.Parsed parsed;
        if ("-".equals(file)) {
            parsed = TxnJson.parse(io.in(), "stdin");
        } else {
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                parsed = TxnJson.parse(in, file);
            } catch (NoSuchFileException e) {
                throw usage("no such file: " + file);
            } catch (IOException e) {
                throw usage("cannot read " + file + ": " + e);
            }
        }
        if (parsed.firstVersionCondition() != null
                && !backend.client().capabilities().contains(KvCapability.VERSIONS)) {
            throw usage((file.equals("-") ? "stdin" : file) + " " + parsed.firstVersionCondition()
                    + ": version conditions are not supported by "
                    + root.settings().describe()
                    + ": the store keeps no per-key versions; use a value condition");
        }
        if (!backend.commit(parsed.txn()).succeeded()) {
            io.err().println("kvctl txn: a condition did not hold; nothing written");
            return ExitStatus.CONDITION_FAILED;
        }
        return ExitStatus.OK;
    }
}

package dev.kvstore.cli;

import dev.kvstore.KvCapability;
import dev.kvstore.backend.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kvctl put KEY [VALUE] [--if-absent | --if-version N]}: writes a value, from the argument or from stdin. */
@Command(
        name = "put",
        mixinStandardHelpOptions = true,
        description = {
            "Set KEY to VALUE (UTF-8), or to the bytes of stdin when VALUE is absent.",
            "With --if-absent or --if-version the write is conditional: when the condition does not hold, "
                    + "nothing is written and the exit status is 5.",
            "A value over the store's limit is refused before anything is written (exit status 4)."
        })
final class PutCommand extends StoreCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key (under --path-prefix).")
    String key;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "VALUE",
            description = "The value; read from stdin (binary-safe) when absent.")
    String value;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Condition condition;

    /** The write's condition: one of the two, or none. */
    static final class Condition {
        @Option(
                names = "--if-absent",
                required = true,
                description = "Write only if KEY does not exist (exit status 5 if it does).")
        boolean ifAbsent;

        @Option(
                names = "--if-version",
                required = true,
                paramLabel = "N",
                description = "Write only if KEY's version is N; 0 means KEY must not exist (exit status 5 "
                        + "otherwise). Needs a store with versions (etcd, ZooKeeper, memory; not Redis).")
        Long ifVersion;
    }

    @Override
    int run(Backend backend, Io io) throws Exception {
        if (condition != null && condition.ifVersion != null && condition.ifVersion < 0) {
            throw usage("--if-version must be 0 or more, got " + condition.ifVersion);
        }
        if (condition != null) {
            requireCapabilities(backend);
        }
        byte[] bytes = value != null
                ? value.getBytes(StandardCharsets.UTF_8)
                : readLimited(io.in(), key, backend.client().maxValueSize());
        if (condition == null) {
            backend.put(key, bytes);
            return ExitStatus.OK;
        }
        boolean written;
        String failure;
        if (condition.ifAbsent) {
            written = backend.putIfAbsent(key, bytes);
            failure = "key \"" + key + "\" exists; nothing written (--if-absent)";
        } else {
            long expected = condition.ifVersion;
            written = backend.compareAndSet(key, expected, bytes);
            failure = expected == 0
                    ? "key \"" + key + "\" exists; nothing written (--if-version 0)"
                    : "key \"" + key + "\" is not at version " + expected + "; nothing written (--if-version)";
        }
        if (!written) {
            io.err().println("kvctl put: " + failure);
            return ExitStatus.CONDITION_FAILED;
        }
        return ExitStatus.OK;
    }

    /** A conditional write the store cannot do is a usage error, named before anything is read or sent. */
    private void requireCapabilities(Backend backend) {
        Set<KvCapability> caps = backend.client().capabilities();
        String option = condition.ifAbsent ? "--if-absent" : "--if-version";
        if (!caps.contains(KvCapability.CONDITIONAL_WRITES)) {
            throw usage(option + " is not supported by " + root.settings().describe()
                    + ": the store has no conditional writes");
        }
        if (!condition.ifAbsent && !caps.contains(KvCapability.VERSIONS)) {
            throw usage("--if-version is not supported by " + root.settings().describe()
                    + ": the store keeps no per-key versions; use --if-absent, or 'kvctl txn' with a value condition");
        }
    }

    /**
     * Reads stdin up to the store's limit; one byte more means the value is too large, and nothing is
     * read further or written.
     */
    static byte[] readLimited(InputStream in, String key, long limit) throws IOException {
        int cap = (int) Math.min(limit + 1, Integer.MAX_VALUE - 16);
        byte[] bytes = in.readNBytes(cap);
        if (bytes.length > limit) {
            throw new dev.kvstore.KvStoreException("the value on stdin for key \"" + key
                    + "\" is over the store's limit of " + limit + " bytes; nothing was written");
        }
        return bytes;
    }
}

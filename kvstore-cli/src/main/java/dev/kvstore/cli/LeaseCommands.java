package dev.kvstore.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kvstore.KvLeaseInfo;
import dev.kvstore.backend.Backend;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kvctl lease ls} and {@code kvctl lease ttl}: the leases any client holds, as an operator
 * sees them, like {@code etcdctl lease list} and {@code etcdctl lease timetolive --keys}. Where the
 * store cannot describe its leases (ZooKeeper, whose leases are sessions) they exit with 2.
 *
 * <p>Runs on the command's thread only.
 */
final class LeaseCommands {

    private LeaseCommands() {}

    /** {@code kvctl lease}: the parent of {@code ls} and {@code ttl}. */
    @Command(
            name = "lease",
            mixinStandardHelpOptions = true,
            description = "Leases any client holds: list them, or show one's TTL and keys (etcd, redis, memory).",
            subcommands = {ListCommand.class, TtlCommand.class})
    static final class LeaseCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        /** Without a subcommand: the usage, on stderr, as a usage error. */
        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return ExitStatus.USAGE;
        }
    }

    /** {@code kvctl lease ls [PREFIX]}. */
    @Command(
            name = "ls",
            mixinStandardHelpOptions = true,
            description = {
                "List the leases that hold at least one key under PREFIX (default: every key under --path-prefix).",
                "One line per lease: ID<TAB>REMAINING/GRANTED TTL<TAB>number of keys, by id."
            })
    static final class ListCommand extends StoreCommand {

        @Parameters(
                paramLabel = "PREFIX",
                arity = "0..1",
                defaultValue = "",
                description = "The key prefix (under --path-prefix); default: everything.")
        String prefix;

        @Option(names = "--keys", description = "Also print each lease's keys, one per line, indented.")
        boolean keys;

        @Option(
                names = "--json",
                description = "JSON Lines: {\"id\",\"grantedTtlMillis\",\"remainingTtlMillis\",\"keys\"}.")
        boolean json;

        @Override
        int run(Backend backend, Io io) throws IOException {
            print(backend, io.out(), backend.listLeases(prefix), keys, json);
            return ExitStatus.OK;
        }
    }

    /** {@code kvctl lease ttl ID}. */
    @Command(
            name = "ttl",
            mixinStandardHelpOptions = true,
            description = {
                "Show lease ID's remaining and granted TTL and, with --keys, its keys.",
                "Exit status 1 when the store holds no such lease (expired, revoked, never granted)."
            })
    static final class TtlCommand extends StoreCommand {

        @Parameters(index = "0", paramLabel = "ID", description = "The lease's id, as kvctl lease ls shows it.")
        long id;

        @Option(names = "--keys", description = "Also print the lease's keys, one per line, indented.")
        boolean keys;

        @Option(names = "--json", description = "JSON: {\"id\",\"grantedTtlMillis\",\"remainingTtlMillis\",\"keys\"}.")
        boolean json;

        @Override
        int run(Backend backend, Io io) throws IOException {
            Optional<KvLeaseInfo> info = backend.leaseInfo(id);
            if (info.isEmpty()) {
                io.err().println("kvctl lease ttl: no lease " + id + " (expired, revoked or never granted)");
                return ExitStatus.NOT_FOUND;
            }
            print(backend, io.out(), List.of(info.get()), keys, json);
            return ExitStatus.OK;
        }
    }

    private static void print(Backend backend, PrintStream out, List<KvLeaseInfo> leases, boolean keys, boolean json)
            throws IOException {
        if (json) {
            try (JsonGenerator g = Json.generator(out)) {
                for (KvLeaseInfo lease : leases) {
                    g.writeStartObject();
                    g.writeNumberField("id", lease.id());
                    g.writeNumberField("grantedTtlMillis", lease.grantedTtl().toMillis());
                    g.writeNumberField(
                            "remainingTtlMillis", lease.remainingTtl().toMillis());
                    g.writeArrayFieldStart("keys");
                    for (String key : lease.keys()) {
                        g.writeString(Display.relativeKey(backend, key));
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                    Json.endLine(g);
                }
            }
            return;
        }
        for (KvLeaseInfo lease : leases) {
            out.println(lease.id() + "\t" + seconds(lease.remainingTtl().toMillis()) + "/"
                    + seconds(lease.grantedTtl().toMillis()) + "\t"
                    + lease.keys().size()
                    + (lease.keys().size() == 1 ? " key" : " keys"));
            if (keys) {
                lease.keys().forEach(k -> out.println("  " + Display.relativeKey(backend, k)));
            }
        }
    }

    /** Milliseconds as seconds with one decimal, such as {@code 2.5s}. */
    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}

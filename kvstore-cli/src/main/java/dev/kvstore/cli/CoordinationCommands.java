package dev.kvstore.cli;

import dev.kvstore.KvElection;
import dev.kvstore.KvLockHandle;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.backend.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kvctl lock}, {@code kvctl elect} and {@code kvctl leader}: the Backend's lock and election
 * recipes from a shell, like {@code etcdctl lock} and {@code etcdctl elect}.
 *
 * <p>Threads: the command's thread waits for the lock or the leadership and then for CMD; two
 * daemon threads copy CMD's output to kvctl's; a lost lock or leadership (told on a kvstore
 * thread) destroys CMD.
 */
final class CoordinationCommands {

    private CoordinationCommands() {}

    /** Parses {@code 500ms}, {@code 5s}, {@code PT1M} as the connection options do. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return KvStoreConfig.parseDuration(value);
        }
    }

    /** {@code kvctl lock NAME -- CMD [ARG...]}. */
    @Command(
            name = "lock",
            mixinStandardHelpOptions = true,
            description = {
                "Run CMD while holding the lock NAME, then release it; exit with CMD's status.",
                "CMD gets the lock's fencing token in KVSTORE_FENCING_TOKEN: pass it to the resource CMD writes to, "
                        + "so a stale holder can be refused.",
                "If the lock is lost (its lease could not be kept alive), CMD is destroyed and kvctl exits with 4.",
                "Exit status 1 when the lock was not acquired within --wait."
            })
    static final class LockCommand extends StoreCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The lock's name (a key under the path prefix).")
        String name;

        @Parameters(
                index = "1..*",
                arity = "1..*",
                paramLabel = "CMD",
                description = "The command and its arguments, after --.")
        List<String> command;

        @Option(
                names = "--ttl",
                paramLabel = "DURATION",
                defaultValue = "10s",
                converter = DurationConverter.class,
                description =
                        "The lock's TTL: a holder that dies loses it within this (whole seconds, at least 2s; default 10s).")
        Duration ttl;

        @Option(
                names = "--wait",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "Give up when the lock is not acquired within this (default: wait as long as it takes).")
        Duration wait;

        @Override
        int run(Backend backend, Io io) throws Exception {
            Duration maxWait = wait == null ? Duration.ofDays(3650) : wait;
            Optional<KvLockHandle> acquired = backend.lock(name, ttl).tryAcquire(maxWait);
            if (acquired.isEmpty()) {
                io.err().println("kvctl lock: \"" + name + "\" was not acquired within " + maxWait.toMillis() + " ms");
                return ExitStatus.NOT_FOUND;
            }
            try (KvLockHandle h = acquired.get()) {
                CompletableFuture<String> lost = new CompletableFuture<>();
                h.onLost(() -> lost.complete("the lock \"" + name + "\" was lost"));
                return runWhile(command, Map.of("KVSTORE_FENCING_TOKEN", Long.toString(h.fencingToken())), io, lost);
            }
        }
    }

    /** {@code kvctl elect NAME ID -- CMD [ARG...]}. */
    @Command(
            name = "elect",
            mixinStandardHelpOptions = true,
            description = {
                "Join the election NAME as candidate ID, wait until leader, then run CMD while leading; "
                        + "resign when CMD ends and exit with its status.",
                "If leadership is lost, CMD is destroyed and kvctl exits with 4."
            })
    static final class ElectCommand extends StoreCommand {

        @Parameters(
                index = "0",
                paramLabel = "NAME",
                description = "The election's name (a key under the path prefix).")
        String name;

        @Parameters(index = "1", paramLabel = "ID", description = "This candidate's id, as `kvctl leader` shows it.")
        String id;

        @Parameters(
                index = "2..*",
                arity = "1..*",
                paramLabel = "CMD",
                description = "The command and its arguments, after --.")
        List<String> command;

        @Option(
                names = "--ttl",
                paramLabel = "DURATION",
                defaultValue = "10s",
                converter = DurationConverter.class,
                description = "The candidacy's TTL: when the leader dies another leads within this + 2s (default 10s).")
        Duration ttl;

        @Override
        int run(Backend backend, Io io) throws Exception {
            try (KvElection e = backend.elect(name, id, ttl)) {
                CompletableFuture<Void> leading = new CompletableFuture<>();
                CompletableFuture<String> lost = new CompletableFuture<>();
                e.onChange(leader -> {
                    if (e.isLeader()) {
                        leading.complete(null);
                    } else if (leading.isDone()) {
                        lost.complete("leadership of \"" + name + "\" was lost to " + leader.orElse("nobody"));
                    }
                });
                io.err().println("candidate \"" + id + "\" in election \"" + name + "\"; waiting to lead");
                io.err().flush();
                leading.get();
                return runWhile(command, Map.of("KVSTORE_LEADER_ID", id), io, lost);
            }
        }
    }

    /** {@code kvctl leader NAME}. */
    @Command(
            name = "leader",
            mixinStandardHelpOptions = true,
            description = {"Print the current leader of the election NAME.", "Exit status 1 when there is none."})
    static final class LeaderCommand extends StoreCommand {

        @Parameters(
                index = "0",
                paramLabel = "NAME",
                description = "The election's name (a key under the path prefix).")
        String name;

        @Override
        int run(Backend backend, Io io) {
            Optional<String> leader = backend.leader(name);
            if (leader.isEmpty()) {
                io.err().println("kvctl leader: election \"" + name + "\" has no candidate");
                return ExitStatus.NOT_FOUND;
            }
            io.out().println(leader.get());
            return ExitStatus.OK;
        }
    }

    /**
     * Runs CMD with extra environment variables, its output copied to kvctl's, until it exits or
     * {@code stop} completes (then it is destroyed and the status is 4).
     */
    static int runWhile(List<String> command, Map<String, String> env, Io io, CompletableFuture<String> stop)
            throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(
                        io.in() == System.in
                                ? ProcessBuilder.Redirect.INHERIT
                                : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        Thread out = copy(p.getInputStream(), io.out(), "kvctl-cmd-out");
        Thread err = copy(p.getErrorStream(), io.err(), "kvctl-cmd-err");
        stop.thenAccept(reason -> {
            if (p.isAlive()) {
                io.err().println("kvctl: " + reason + "; stopping " + command.get(0));
                io.err().flush();
                p.destroy();
            }
        });
        int status = p.waitFor();
        out.join(TimeUnit.SECONDS.toMillis(5));
        err.join(TimeUnit.SECONDS.toMillis(5));
        io.out().flush();
        return stop.isDone() ? ExitStatus.STORE_ERROR : status;
    }

    private static Thread copy(InputStream from, OutputStream to, String name) {
        Thread t = new Thread(
                () -> {
                    try {
                        from.transferTo(to);
                        to.flush();
                    } catch (IOException e) {
                        // the command ended
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}

package dev.kvstore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A Redis master with one replica, watched by three {@code redis-sentinel} processes, all on free
 * {@code 127.0.0.1} ports with temporary directories.
 *
 * <pre>{@code
 * try (RedisSentinelCluster redis = RedisSentinelCluster.start("mymaster")) {
 *     String sentinels = redis.sentinelAddress();   // "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3"
 *     redis.failover();                             // the replica becomes the master
 * }
 * }</pre>
 *
 * <p>The sentinels need a quorum of 2 to agree that the master is down, consider it down after
 * 1 s without an answer ({@code down-after-milliseconds 1000}) and give a failover 3 s
 * ({@code failover-timeout 3000}), so failovers are quick. {@link #start(String)} returns once the
 * replica is in sync and every sentinel knows the replica and the other two sentinels. The Redis
 * servers keep nothing on disk. Each process logs to a file in its own directory.
 *
 * <p>{@link #startWithSentinelPassword(String, String)} makes the sentinels themselves ask for a
 * password ({@code requirepass} in their configuration; they use it with each other too); the Redis
 * servers ask for none.
 *
 * <p>As a {@link TestServer}, {@link #address()} is the sentinels' addresses (what a client is
 * given), and {@link #stop()}, {@link #freeze()} and {@link #thaw()} act on the Redis server that is
 * the master when they are called: the data server, which is what a test of a stalled or lost
 * store needs. The sentinels promote the replica about 1 s after a master stops answering (a
 * frozen master included). {@link #restart()} starts every stopped Redis server again (a former
 * master comes back empty and the sentinels make it a replica).
 *
 * <p>Thread-safe. Anything not closed is stopped and deleted when the JVM exits.
 */
public final class RedisSentinelCluster implements TestServer {

    private static final int SENTINELS = 3;
    private static final int QUORUM = 2;

    private final String masterName;
    private final String sentinelPassword; // null: the sentinels ask for none
    private final RedisServer master;
    private final RedisServer replica;
    private final List<Sentinel> sentinels;
    private RedisServer frozen; // the master frozen by freeze(), or null
    private boolean closed;

    /** One sentinel process with its directory. */
    private record Sentinel(int port, Path dir, ServerProcess process) {}

    private RedisSentinelCluster(String masterName, String sentinelPassword, RedisServer master, RedisServer replica) {
        this.masterName = masterName;
        this.sentinelPassword = sentinelPassword;
        this.master = master;
        this.replica = replica;
        this.sentinels = new ArrayList<>();
    }

    /**
     * Starts a master, one replica and three sentinels monitoring the master under
     * {@code masterName}, and waits until the replica is in sync and the sentinels know each other.
     *
     * @param masterName the name the sentinels know the master by, such as {@code "mymaster"}
     * @return the running cluster
     * @throws AssertionError if {@code redis-server}, {@code redis-sentinel} or {@code redis-cli}
     *     is not installed (the message says how to install them)
     * @throws IllegalStateException if a process does not become ready in time (with its log's tail)
     */
    public static RedisSentinelCluster start(String masterName) {
        return start(masterName, null);
    }

    /**
     * Like {@link #start(String)}, but every sentinel asks clients for {@code sentinelPassword}
     * ({@code requirepass}); the master and the replica ask for none.
     *
     * @param masterName the name the sentinels know the master by, such as {@code "mymaster"}
     * @param sentinelPassword the sentinels' password: letters, digits, {@code . _ -}
     * @return the running cluster
     * @throws AssertionError if {@code redis-server}, {@code redis-sentinel} or {@code redis-cli}
     *     is not installed (the message says how to install them)
     * @throws IllegalStateException if a process does not become ready in time (with its log's tail)
     */
    public static RedisSentinelCluster startWithSentinelPassword(String masterName, String sentinelPassword) {
        Objects.requireNonNull(sentinelPassword, "sentinelPassword");
        if (!sentinelPassword.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("sentinel password must be letters, digits, '.', '_' or '-'");
        }
        return start(masterName, sentinelPassword);
    }

    private static RedisSentinelCluster start(String masterName, String sentinelPassword) {
        Objects.requireNonNull(masterName, "masterName");
        if (!masterName.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("master name must be letters, digits, '.', '_' or '-': " + masterName);
        }
        Path redisSentinel = Binaries.require("redis-sentinel", Binaries.REDIS_PACKAGES);
        RedisServer master = RedisServer.start(false, List.of());
        RedisServer replica = null;
        RedisSentinelCluster cluster = null;
        try {
            replica = RedisServer.start(false, List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            cluster = new RedisSentinelCluster(masterName, sentinelPassword, master, replica);
            Reaper.register(cluster);
            RedisServer syncing = replica;
            await(
                    "the replica " + replica.address() + " to sync with " + master.address(),
                    () -> infoField(syncing.port(), "replication", "master_link_status")
                            .equals("up"));
            for (int i = 0; i < SENTINELS; i++) {
                cluster.sentinels.add(launchSentinel(redisSentinel, masterName, master.port(), sentinelPassword));
            }
            for (Sentinel sentinel : cluster.sentinels) {
                sentinel.process()
                        .awaitReady(() -> Resp.pings(sentinel.port(), sentinelPassword), ServerProcess.READY_TIMEOUT);
            }
            RedisSentinelCluster started = cluster;
            for (Sentinel sentinel : cluster.sentinels) {
                await(
                        "sentinel 127.0.0.1:" + sentinel.port() + " to discover the replica and the other sentinels",
                        () -> size(started.ask(sentinel, "SENTINEL", "REPLICAS", masterName)) == 1
                                && size(started.ask(sentinel, "SENTINEL", "SENTINELS", masterName)) == SENTINELS - 1);
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            if (cluster != null) {
                cluster.close();
            } else {
                master.close();
                if (replica != null) {
                    replica.close();
                }
            }
            throw e;
        }
    }

    private static Sentinel launchSentinel(
            Path redisSentinel, String masterName, int masterPort, String sentinelPassword) {
        int port = FreePorts.next();
        Path dir = Dirs.create("sentinel");
        Path config = dir.resolve("sentinel.conf");
        String text = String.join(
                "\n",
                "port " + port,
                "bind 127.0.0.1",
                "daemonize no",
                "logfile \"\"",
                "dir " + dir,
                "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " " + QUORUM,
                "sentinel down-after-milliseconds " + masterName + " 1000",
                "sentinel failover-timeout " + masterName + " 3000",
                "sentinel parallel-syncs " + masterName + " 1",
                sentinelPassword == null ? "" : "requirepass " + sentinelPassword,
                "");
        try {
            Files.writeString(config, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            Dirs.delete(dir);
            throw new UncheckedIOException("cannot write " + config, e);
        }
        ServerProcess process = new ServerProcess(
                "redis-sentinel at 127.0.0.1:" + port,
                List.of(redisSentinel.toString(), config.toString()),
                dir,
                dir.resolve("sentinel.log"));
        Sentinel sentinel = new Sentinel(port, dir, process);
        process.launch();
        return sentinel;
    }

    /**
     * Every sentinel's address, comma-separated: {@code "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3"}.
     *
     * @return the addresses a Sentinel-aware client connects to
     */
    public String sentinelAddress() {
        return sentinels.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
    }

    /**
     * The name the sentinels know the master by.
     *
     * @return the master name given to {@link #start(String)}
     */
    public String masterName() {
        return masterName;
    }

    /**
     * The current master's address, {@code "host:port"}, as the first sentinel that answers
     * reports it.
     *
     * @return the master's address
     * @throws IllegalStateException if no sentinel answers
     */
    public String masterAddress() {
        for (Sentinel sentinel : sentinels) {
            String address = masterAddressFrom(sentinel);
            if (address != null) {
                return address;
            }
        }
        throw new IllegalStateException("no sentinel of " + sentinelAddress() + " reports master " + masterName);
    }

    private String masterAddressFrom(Sentinel sentinel) {
        try {
            Object reply = ask(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
            if (reply instanceof List<?> hostPort && hostPort.size() == 2) {
                return hostPort.get(0) + ":" + hostPort.get(1);
            }
            return null;
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    /**
     * The sentinels' addresses, as {@link #sentinelAddress()}: what a Sentinel-aware client is given.
     *
     * @return {@code "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3"}
     */
    @Override
    public String address() {
        return sentinelAddress();
    }

    /** The Redis server that the sentinels report as the master now. */
    private RedisServer currentMaster() {
        String address = masterAddress();
        return replica.address().equals(address) ? replica : master;
    }

    /**
     * Stops the Redis server that is the master now (SIGTERM, then SIGKILL after a bound); the
     * sentinels then promote the replica. Does nothing if it is not running.
     *
     * @throws IllegalStateException if no sentinel answers
     */
    @Override
    public synchronized void stop() {
        currentMaster().stop();
    }

    /**
     * Starts every stopped Redis server of the cluster again on its port, gives it the role the
     * sentinels give it now, and returns once the sentinels have settled: every sentinel reports
     * the same master with no failover under way, that master accepts writes and the other server
     * replicates from it.
     *
     * @throws IllegalStateException if the cluster was closed, or a server does not answer or the
     *     sentinels do not settle in time
     */
    @Override
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        resume();
        for (RedisServer server : List.of(master, replica)) {
            if (!server.isRunning()) {
                server.restart();
                takeRoleFromSentinels(server);
            }
        }
        awaitSettled();
    }

    /**
     * Gives a restarted server the role the sentinels give it now. A restarted server comes back
     * with the arguments it was first started with: the first replica would follow the first master
     * even after the two swapped roles in a failover, leaving two replicas of each other and no
     * master. So: the master the sentinels report stays (or becomes) a master, any other server
     * becomes its replica.
     */
    private void takeRoleFromSentinels(RedisServer server) {
        String current = masterAddress();
        if (current.equals(server.address())) {
            Resp.call(server.port(), "REPLICAOF", "NO", "ONE");
        } else {
            replicate(server, current);
        }
    }

    /** Makes {@code server} a replica of the master at {@code masterAddress} (host:port). */
    private static void replicate(RedisServer server, String masterAddress) {
        int colon = masterAddress.lastIndexOf(':');
        Resp.call(server.port(), "REPLICAOF", masterAddress.substring(0, colon), masterAddress.substring(colon + 1));
    }

    /**
     * Whether both Redis servers and every sentinel run.
     *
     * @return {@code true} if every process of the cluster runs
     */
    @Override
    public synchronized boolean isRunning() {
        return !closed
                && master.isRunning()
                && replica.isRunning()
                && sentinels.stream().allMatch(s -> s.process().isRunning());
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code true}: the master is a process of its own
     */
    @Override
    public boolean canFreeze() {
        return true;
    }

    /**
     * Suspends the Redis server that is the master now (SIGSTOP). Idempotent. The sentinels keep
     * running and promote the replica after about a second.
     *
     * @throws IllegalStateException if no sentinel answers, or the master is not running
     */
    @Override
    public synchronized void freeze() {
        if (frozen == null) {
            RedisServer target = currentMaster();
            target.freeze();
            frozen = target;
        }
    }

    /**
     * Resumes the server {@link #freeze()} suspended, if any, and returns once the sentinels have
     * settled (see {@link #restart()}), so a failover the freeze started does not spill into
     * whatever runs next.
     *
     * @throws IllegalStateException if the sentinels do not settle within 30 s
     */
    @Override
    public synchronized void thaw() {
        if (resume()) {
            awaitSettled();
        }
    }

    private boolean resume() {
        if (frozen == null) {
            return false;
        }
        try {
            frozen.thaw();
        } finally {
            frozen = null;
        }
        return true;
    }

    /**
     * Waits until the failover a stop or freeze may have started is over: every sentinel reports
     * the same master with no failover and no down flag, that server says it is a master, and the
     * other server, if it runs, replicates from it.
     */
    private void awaitSettled() {
        await("the sentinels of " + masterName + " to settle on one writable master", () -> {
            String agreed = null;
            for (Sentinel sentinel : sentinels) {
                Map<String, String> state = fields(ask(sentinel, "SENTINEL", "MASTER", masterName));
                String address = state.get("ip") + ":" + state.get("port");
                if (!"master".equals(state.get("flags")) || (agreed != null && !agreed.equals(address))) {
                    return false;
                }
                agreed = address;
            }
            RedisServer current = replica.address().equals(agreed) ? replica : master;
            RedisServer other = current == master ? replica : master;
            if (other.isRunning()
                    && infoField(other.port(), "replication", "role").equals("master")) {
                // A master the sentinels no longer report (the old one after a failover, back from a
                // freeze or a stop): the sentinels make it a replica only once it has gone on
                // reporting itself a master for about 8 s; do at once what they would do.
                replicate(other, agreed);
                return false;
            }
            return infoField(current.port(), "replication", "role").equals("master")
                    && (!other.isRunning()
                            || infoField(other.port(), "replication", "master_port")
                                    .equals(Integer.toString(current.port())));
        });
    }

    /** A flat field/value reply ({@code SENTINEL MASTER}) as a map; empty if the reply is not one. */
    private static Map<String, String> fields(Object reply) {
        Map<String, String> map = new HashMap<>();
        if (reply instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                map.put(String.valueOf(list.get(i)), String.valueOf(list.get(i + 1)));
            }
        }
        return map;
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code true} between {@link #freeze()} and {@link #thaw()}
     */
    @Override
    public synchronized boolean isFrozen() {
        return frozen != null;
    }

    /**
     * Makes the sentinels promote the replica ({@code SENTINEL FAILOVER}) and returns once every
     * sentinel reports the new master and the new master says it is one.
     *
     * @throws IllegalStateException if the sentinels refuse (for instance because a failover is
     *     already in progress), or do not all report a new master within 30 s
     */
    public void failover() {
        String old = masterAddress();
        Object reply = ask(sentinels.get(0), "SENTINEL", "FAILOVER", masterName);
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("SENTINEL FAILOVER " + masterName + " answered " + reply);
        }
        await("every sentinel to report a master other than " + old, () -> {
            String current = null;
            for (Sentinel sentinel : sentinels) {
                String address = masterAddressFrom(sentinel);
                if (address == null || address.equals(old) || (current != null && !current.equals(address))) {
                    return false;
                }
                current = address;
            }
            int port = Integer.parseInt(current.substring(current.lastIndexOf(':') + 1));
            return infoField(port, "replication", "role").equals("master");
        });
    }

    /** One command to a sentinel, authenticated when the sentinels ask for a password. */
    private Object ask(Sentinel sentinel, String... command) {
        return Resp.callAuthenticated(sentinel.port(), sentinelPassword, command);
    }

    private static String infoField(int port, String section, String field) {
        try {
            Object info = Resp.call(port, "INFO", section);
            if (info instanceof String text) {
                for (String line : text.split("\r?\n")) {
                    if (line.startsWith(field + ":")) {
                        return line.substring(field.length() + 1).strip();
                    }
                }
            }
            return "";
        } catch (UncheckedIOException e) {
            return "";
        }
    }

    private static int size(Object reply) {
        return reply instanceof List<?> list ? list.size() : -1;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + ServerProcess.READY_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "timed out after " + ServerProcess.READY_TIMEOUT + " waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Stops the sentinels, the replica and the master and deletes their directories. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        thaw();
        try {
            for (Sentinel sentinel : sentinels) {
                try {
                    sentinel.process().stop();
                } finally {
                    Dirs.delete(sentinel.dir());
                }
            }
        } finally {
            try {
                replica.close();
            } finally {
                master.close();
                Reaper.unregister(this);
            }
        }
    }

    @Override
    public String toString() {
        return "Redis Sentinel cluster " + masterName + " (sentinels " + sentinelAddress() + ")";
    }
}

package dev.kvstore.testing;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters and three replicas ({@code redis-server --cluster-enabled yes},
 * joined by {@code redis-cli --cluster create ... --cluster-replicas 1}), every node on free
 * {@code 127.0.0.1} ports with a temporary directory.
 *
 * <pre>{@code
 * try (RedisClusterServer cluster = RedisClusterServer.start()) {
 *     String seeds = cluster.address();            // "127.0.0.1:p1,...,127.0.0.1:p6"
 *     RedisServer master = cluster.masterOf("k");  // the node serving key "k"
 *     cluster.kill(master);                        // its replica takes over
 *     cluster.awaitHealthy();
 * }
 * }</pre>
 *
 * <p>Nodes consider a peer failed after 1 s without an answer ({@code cluster-node-timeout 1000}),
 * so a killed master's replica is promoted within a few seconds. Nodes keep no data on disk (no
 * RDB, no append-only file), but each keeps its cluster configuration ({@code nodes.conf}) in its
 * directory, so a restarted node rejoins the cluster (a former master comes back empty and becomes
 * a replica of the node promoted in its place). Each node uses at most 64 MB.
 *
 * <p><b>Password, ACL user, TLS.</b> {@link #builder()} starts a cluster whose nodes ask for a
 * password ({@link Builder#password}), know an ACL user ({@link Builder#user}) or speak TLS only
 * ({@link Builder#tls}, {@link Builder#mutualTls}); replicas authenticate to their masters, nodes
 * talk to each other over TLS, and this class's own commands and {@link RedisServer#redisCli}
 * on a node use the same credentials and TLS. {@link #address()} is the same list of
 * {@code host:port} either way.
 *
 * <p>As a {@link TestServer}, {@link #address()} is every node's address (the seeds a client is
 * given); {@link #stop()}, {@link #freeze()} and {@link #thaw()} act on every node, and
 * {@link #restart()} starts every stopped node again and waits until the cluster is healthy.
 *
 * <p>Thread-safe. Anything not closed is stopped and deleted when the JVM exits.
 */
public final class RedisClusterServer implements TestServer {

    /** Masters; each gets one replica. */
    public static final int MASTERS = 3;

    /** The number of hash slots in a Redis Cluster. */
    public static final int SLOTS = 16384;

    private final List<RedisServer> nodes;
    private final Path redisCli;
    private boolean closed;

    private RedisClusterServer(List<RedisServer> nodes, Path redisCli) {
        this.nodes = List.copyOf(nodes);
        this.redisCli = redisCli;
    }

    /**
     * Starts six nodes, creates the cluster (three masters, one replica each) and waits until
     * every node reports {@code cluster_state:ok}, knows all six nodes and every replica is in sync.
     * No password, no TLS: {@code builder().start()}.
     *
     * @return the running cluster
     * @throws AssertionError if {@code redis-server} or {@code redis-cli} is not installed
     * @throws IllegalStateException if a node does not start, or the cluster is not healthy within 30 s
     */
    public static RedisClusterServer start() {
        return builder().start();
    }

    /**
     * A cluster with a password, an ACL user or TLS:
     *
     * <pre>{@code
     * try (RedisTls tls = RedisTls.generate();
     *         RedisClusterServer cluster = RedisClusterServer.builder()
     *                 .password("pw")
     *                 .user("app", "app-pw")
     *                 .tls(tls)
     *                 .start()) {
     *     // seeds: cluster.address(); trust tls.caCertificate()
     * }
     * }</pre>
     *
     * @return a builder of a plain cluster, like {@link #start()}, until told otherwise
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * How a cluster is secured. Whatever is chosen, the cluster's own tooling ({@code redis-cli
     * --cluster}, the health checks, {@link RedisServer#redisCli(String...)} on its nodes) and the
     * replicas' links to their masters use it too.
     */
    public static final class Builder {

        private String password; // null: the default user needs none
        private String user; // null: no ACL user
        private String userPassword;
        private RedisTls tls; // null: plain TCP
        private boolean mutualTls;

        private Builder() {}

        /**
         * The default user's password ({@code requirepass}); replicas give it to their masters
         * ({@code masterauth}) unless an ACL {@link #user} is set.
         *
         * @param password letters, digits, {@code . _ -}
         * @return this builder
         * @throws IllegalArgumentException if the password has other characters
         */
        public Builder password(String password) {
            this.password = checked("password", password);
            return this;
        }

        /**
         * An ACL user with every permission ({@code user NAME on >PASSWORD ~* &* +@all}) on every
         * node; the cluster's tooling and the replicas ({@code masteruser}, {@code masterauth})
         * log in as it. Without a {@link #password}, the default user is switched off, so a
         * client must log in as this user.
         *
         * @param name the user's name: letters, digits, {@code . _ -}
         * @param password the user's password: letters, digits, {@code . _ -}
         * @return this builder
         * @throws IllegalArgumentException if the name or password has other characters
         */
        public Builder user(String name, String password) {
            this.user = checked("user name", name);
            this.userPassword = checked("user password", password);
            return this;
        }

        /**
         * Every node speaks TLS only ({@code --port 0 --tls-port P}), with the server certificate
         * of {@code certificates}, also between nodes ({@code tls-cluster}) and to masters
         * ({@code tls-replication}); clients need no certificate of their own.
         * {@link RedisServer#port()} is then each node's TLS port.
         *
         * @param certificates the test certificates; keep them open while the cluster runs
         * @return this builder
         */
        public Builder tls(RedisTls certificates) {
            this.tls = Objects.requireNonNull(certificates, "certificates");
            this.mutualTls = false;
            return this;
        }

        /**
         * Like {@link #tls(RedisTls)}, but clients must present a certificate signed by
         * {@link RedisTls#caCertificate()} ({@code tls-auth-clients yes}), such as
         * {@link RedisTls#clientCertificate()}; nodes present that one to each other.
         *
         * @param certificates the test certificates; keep them open while the cluster runs
         * @return this builder
         */
        public Builder mutualTls(RedisTls certificates) {
            this.tls = Objects.requireNonNull(certificates, "certificates");
            this.mutualTls = true;
            return this;
        }

        /**
         * Starts six nodes, creates the cluster and waits until it is healthy, as {@link
         * RedisClusterServer#start()} does.
         *
         * @return the running cluster
         * @throws AssertionError if {@code redis-server} or {@code redis-cli} is not installed
         * @throws IllegalStateException if a node does not start, or the cluster is not healthy within 30 s
         */
        public RedisClusterServer start() {
            List<String> args = new ArrayList<>(List.of(
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "1000",
                    "--maxmemory", "64mb",
                    "--maxmemory-policy", "noeviction"));
            if (password != null) {
                args.addAll(List.of("--requirepass", password));
            }
            if (user != null) {
                args.addAll(List.of("--user", user, "on", ">" + userPassword, "~*", "&*", "+@all"));
                if (password == null) {
                    args.addAll(List.of("--user", "default", "off"));
                }
                args.addAll(List.of("--masteruser", user, "--masterauth", userPassword));
            } else if (password != null) {
                args.addAll(List.of("--masterauth", password));
            }
            RedisServer.Tls serverTls = null;
            if (tls != null) {
                serverTls = new RedisServer.Tls(tls, mutualTls);
                args.addAll(List.of(
                        "--tls-cluster",
                        "yes",
                        "--tls-replication",
                        "yes",
                        "--tls-client-cert-file",
                        tls.clientCertificate().toString(),
                        "--tls-client-key-file",
                        tls.clientKey().toString()));
            }
            RedisServer.Auth auth = user != null
                    ? new RedisServer.Auth(user, userPassword)
                    : password != null ? new RedisServer.Auth(null, password) : null;
            return RedisClusterServer.start(args, serverTls, auth);
        }

        private static String checked(String what, String value) {
            Objects.requireNonNull(value, what);
            if (!value.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException(what + " must be letters, digits, '.', '_' or '-'");
            }
            return value;
        }
    }

    private static RedisClusterServer start(List<String> nodeArgs, RedisServer.Tls tls, RedisServer.Auth auth) {
        Path redisCli = Binaries.require("redis-cli", Binaries.REDIS_PACKAGES);
        List<RedisServer> nodes = new ArrayList<>();
        RedisClusterServer cluster = null;
        try {
            for (int i = 0; i < 2 * MASTERS; i++) {
                List<String> args = new ArrayList<>(nodeArgs);
                args.addAll(List.of("--cluster-port", Integer.toString(FreePorts.next())));
                nodes.add(RedisServer.start(false, args, tls, auth));
            }
            cluster = new RedisClusterServer(nodes, redisCli);
            Reaper.register(cluster);
            cluster.redisCliCluster(
                    "create",
                    nodes.stream().map(RedisServer::address).toList(),
                    List.of("--cluster-replicas", "1", "--cluster-yes"));
            cluster.awaitHealthy();
            return cluster;
        } catch (RuntimeException | Error e) {
            if (cluster != null) {
                cluster.close();
            } else {
                nodes.forEach(RedisServer::close);
            }
            throw e;
        }
    }

    /** Runs {@code redis-cli --cluster <command> <addresses> <options>}, with TLS and credentials as the nodes need. */
    private void redisCliCluster(String command, List<String> addresses, List<String> options) {
        RedisServer first = nodes.get(0);
        List<String> line = new ArrayList<>();
        line.add(redisCli.toString());
        line.addAll(first.cliAccessArgs());
        line.addAll(List.of("--cluster", command));
        line.addAll(addresses);
        line.addAll(options);
        Cli.run(line, first.cliEnvironment()).requireSuccess();
    }

    /**
     * Every node's address, comma-separated: the seeds a cluster-aware client is given.
     *
     * @return {@code "127.0.0.1:p1,...,127.0.0.1:p6"}
     */
    @Override
    public String address() {
        return nodes.stream().map(RedisServer::address).collect(Collectors.joining(","));
    }

    /**
     * The six nodes, in the order they were started (at creation the first three were the masters).
     *
     * @return every node
     */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /**
     * The nodes that are masters now, as the first running node reports them.
     *
     * @return the masters serving slots, in port order
     * @throws IllegalStateException if no node answers
     */
    public List<RedisServer> masters() {
        return view().values().stream()
                .filter(n -> n.master() && !n.failed() && !n.slots().isEmpty())
                .map(n -> node(n.port()))
                .collect(Collectors.toList());
    }

    /**
     * The replicas that run now, as the first running node reports them.
     *
     * @return the running replicas, in port order
     */
    public List<RedisServer> replicas() {
        return view().values().stream()
                .filter(n -> !n.master() && !n.failed())
                .map(n -> node(n.port()))
                .collect(Collectors.toList());
    }

    /**
     * The node that masters {@code key}'s hash slot now.
     *
     * @param key a key
     * @return its master
     */
    public RedisServer masterOf(String key) {
        Object slot = ask("CLUSTER", "KEYSLOT", key);
        int s = ((Long) slot).intValue();
        return view().values().stream()
                .filter(n -> n.master() && !n.failed() && n.owns(s))
                .map(n -> node(n.port()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no master serves slot " + s));
    }

    /**
     * The master a replica replicates from now.
     *
     * @param replica a replica node
     * @return its master
     */
    public RedisServer masterOfReplica(RedisServer replica) {
        Map<String, NodeView> view = view();
        NodeView r = view.values().stream()
                .filter(n -> n.port() == replica.port())
                .findFirst()
                .orElseThrow();
        NodeView m = view.get(r.masterId());
        if (m == null) {
            throw new IllegalStateException(replica + " is not a replica");
        }
        return node(m.port());
    }

    /**
     * Kills a node at once (SIGKILL), as a crash would. Its port and {@code nodes.conf} stay.
     *
     * @param node one of {@link #nodes()}
     */
    public void kill(RedisServer node) {
        requireNode(node).process().kill();
    }

    /**
     * Makes a replica take over from its master ({@code CLUSTER FAILOVER}, the master agreeing) and
     * waits until every running node sees it as a master.
     *
     * @param replica a replica node
     * @throws IllegalStateException if the node refuses, or the switch is not seen within 30 s
     */
    public void failover(RedisServer replica) {
        Object reply = requireNode(replica).call("CLUSTER", "FAILOVER");
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("CLUSTER FAILOVER on " + replica + " answered " + reply);
        }
        await(
                replica + " to be seen as a master by every node",
                () -> nodes.stream().filter(RedisServer::isRunning).allMatch(n -> {
                    NodeView v = viewFrom(n).values().stream()
                            .filter(x -> x.port() == replica.port())
                            .findFirst()
                            .orElse(null);
                    return v != null && v.master();
                }));
    }

    /**
     * Moves {@code slots} hash slots, with their keys, from one master to another
     * ({@code redis-cli --cluster reshard}), and waits until the cluster is healthy again.
     *
     * @param from the master giving slots
     * @param to the master receiving them
     * @param slots how many slots to move
     * @throws IllegalStateException if redis-cli fails
     */
    public void reshard(RedisServer from, RedisServer to, int slots) {
        redisCliCluster(
                "reshard",
                List.of(requireNode(to).address()),
                List.of(
                        "--cluster-from",
                        nodeId(requireNode(from)),
                        "--cluster-to",
                        nodeId(to),
                        "--cluster-slots",
                        Integer.toString(slots),
                        "--cluster-yes"));
        awaitHealthy();
    }

    /**
     * How many hash slots a node masters now.
     *
     * @param node one of {@link #nodes()}
     * @return its slot count, 0 for a replica
     */
    public int slotCount(RedisServer node) {
        return view().values().stream()
                .filter(n -> n.port() == node.port())
                .mapToInt(n -> n.slots().stream().mapToInt(r -> r[1] - r[0] + 1).sum())
                .sum();
    }

    /** The node's cluster id, as it reports it ({@code CLUSTER MYID}). */
    String nodeId(RedisServer node) {
        return String.valueOf(node.call("CLUSTER", "MYID"));
    }

    /**
     * Waits until every running node reports {@code cluster_state:ok} and all 16384 slots
     * assigned, knows every node, agrees on who masters what (only running nodes: a stopped
     * master's replica must have taken over), and every running replica's link to its master is up.
     *
     * @throws IllegalStateException if that does not hold within 30 s
     */
    public void awaitHealthy() {
        await("every node of " + this + " to report a healthy cluster", this::healthy);
    }

    private boolean healthy() {
        List<RedisServer> running =
                nodes.stream().filter(RedisServer::isRunning).collect(Collectors.toList());
        String masters = null;
        for (RedisServer n : running) {
            String info = text(n, "CLUSTER", "INFO");
            if (!info.contains("cluster_state:ok")
                    || !info.contains("cluster_slots_ok:" + SLOTS)
                    || !info.contains("cluster_known_nodes:" + nodes.size())) {
                return false;
            }
            List<NodeView> serving = viewFrom(n).values().stream()
                    .filter(v -> v.master() && !v.failed() && !v.slots().isEmpty())
                    .collect(Collectors.toList());
            if (!serving.stream().allMatch(v -> node(v.port()).isRunning())) {
                return false; // a master that is down is not yet seen as failed
            }
            String view = serving.stream()
                    .map(v -> v.port() + "=" + v.slotText())
                    .sorted()
                    .collect(Collectors.joining(" "));
            if (masters != null && !masters.equals(view)) {
                return false;
            }
            masters = view;
            String replication = text(n, "INFO", "replication");
            if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                return false;
            }
        }
        return masters != null;
    }

    /** One node as {@code CLUSTER NODES} describes it. */
    private record NodeView(String id, int port, boolean master, boolean failed, String masterId, List<int[]> slots) {

        boolean owns(int slot) {
            return slots.stream().anyMatch(r -> r[0] <= slot && slot <= r[1]);
        }

        String slotText() {
            return slots.stream().map(r -> r[0] + "-" + r[1]).collect(Collectors.joining(","));
        }
    }

    /** The cluster as the first running node sees it. */
    private Map<String, NodeView> view() {
        for (RedisServer n : nodes) {
            if (n.isRunning() && !n.isFrozen()) {
                try {
                    return viewFrom(n);
                } catch (UncheckedIOException e) {
                    // try the next node
                }
            }
        }
        throw new IllegalStateException("no node of " + this + " answers");
    }

    private Map<String, NodeView> viewFrom(RedisServer node) {
        Map<String, NodeView> view = new LinkedHashMap<>();
        for (String line : text(node, "CLUSTER", "NODES").split("\r?\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String address = f[1];
            int port = Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
            String flags = f[2];
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated or imported
                }
                String[] range = f[i].split("-");
                int lo = Integer.parseInt(range[0]);
                slots.add(new int[] {lo, range.length > 1 ? Integer.parseInt(range[1]) : lo});
            }
            view.put(
                    f[0],
                    new NodeView(
                            f[0],
                            port,
                            flags.contains("master"),
                            flags.contains("fail") && !flags.contains("fail?"),
                            f[3],
                            slots));
        }
        return view;
    }

    private static String text(RedisServer node, String... command) {
        Object reply = node.call(command);
        if (reply instanceof String s) {
            return s;
        }
        throw new IllegalStateException(node + " answered " + reply + " to " + String.join(" ", command));
    }

    private Object ask(String... command) {
        for (RedisServer n : nodes) {
            if (n.isRunning() && !n.isFrozen()) {
                try {
                    return n.call(command);
                } catch (UncheckedIOException e) {
                    // try the next node
                }
            }
        }
        throw new IllegalStateException("no node of " + this + " answers");
    }

    private RedisServer node(int port) {
        return nodes.stream()
                .filter(n -> n.port() == port)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no node on port " + port));
    }

    private RedisServer requireNode(RedisServer node) {
        Objects.requireNonNull(node, "node");
        if (!nodes.contains(node)) {
            throw new IllegalArgumentException(node + " is not a node of " + this);
        }
        return node;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + ServerProcess.READY_TIMEOUT.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                // a node not answering yet: keep waiting
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "timed out after " + ServerProcess.READY_TIMEOUT + " waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Stops every node (SIGTERM, then SIGKILL after a bound); ports and cluster configuration stay. */
    @Override
    public synchronized void stop() {
        nodes.forEach(RedisServer::stop);
    }

    /**
     * Starts every stopped node again on its port and waits until the cluster is healthy.
     *
     * @throws IllegalStateException if the cluster was closed, or is not healthy within 30 s
     */
    @Override
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        thaw();
        for (RedisServer n : nodes) {
            if (!n.isRunning()) {
                n.restart();
            }
        }
        awaitHealthy();
    }

    /**
     * Whether every node runs.
     *
     * @return {@code true} if all six run
     */
    @Override
    public synchronized boolean isRunning() {
        return !closed && nodes.stream().allMatch(RedisServer::isRunning);
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code true}: every node is a process of its own
     */
    @Override
    public boolean canFreeze() {
        return true;
    }

    /** Suspends every node (SIGSTOP). Idempotent. */
    @Override
    public synchronized void freeze() {
        nodes.forEach(RedisServer::freeze);
    }

    /** Resumes every frozen node. */
    @Override
    public synchronized void thaw() {
        nodes.forEach(RedisServer::thaw);
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code true} if any node is frozen
     */
    @Override
    public synchronized boolean isFrozen() {
        return nodes.stream().anyMatch(RedisServer::isFrozen);
    }

    /** Stops every node and deletes their directories. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            nodes.forEach(RedisServer::close);
        } finally {
            Reaper.unregister(this);
        }
    }

    @Override
    public String toString() {
        return "Redis Cluster " + address();
    }
}

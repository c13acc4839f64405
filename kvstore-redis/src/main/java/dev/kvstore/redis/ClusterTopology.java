package dev.kvstore.redis;

import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A Redis Cluster ({@code redis-cluster}): one lettuce {@link RedisClusterClient} found through
 * the seed nodes, one shared cluster connection for every command (lettuce routes each command to
 * its slot's master, follows {@code MOVED} and {@code ASK}, and splits {@code MGET}, {@code DEL}
 * and {@code UNLINK} per slot), and the watches' {@link RedisClusterWatchHub}.
 *
 * <p><b>Topology.</b> lettuce refreshes its view of the cluster every {@link #REFRESH_PERIOD} and
 * at once on every adaptive trigger ({@code MOVED}, {@code ASK}, repeated reconnects, an uncovered
 * slot or unknown node), closing connections to nodes that left. Every command reads from and
 * writes to the masters: a replica may lag, and a read after a write must see it.
 *
 * <p><b>Enumeration.</b> {@link #scan} runs {@code SCAN} on every master in parallel. A key being
 * migrated is on its old or its new master at any instant, so a single pass can miss it (scanned
 * on the new one before it arrived, on the old one after it left). Each master's own view of its
 * slots ({@code CLUSTER NODES}, which marks slots being migrated or imported) is read just before
 * its scan (in the same pipeline as the first {@code SCAN} step) and again once every master's scan
 * has ended; when a migration was under way or the slots moved, a second full pass follows. A key
 * missed moved from X to Y after Y's scan passed it: Y's first view came before the move, Y's
 * second after it, so Y's views differ or show the slot importing.
 * A key that moved at most once during the operation is then seen at least once: if it moved
 * before the first pass ended, it sat on its new master for the whole second pass.
 *
 * <p><b>A prefix with a hash tag</b> ({@link SlotTags#slotOfPrefix}: every key under it hashes to
 * one slot, as a lock's or election's queue {@code <name>/q/{t}} does) is read from that slot's
 * master alone: {@code CLUSTER GETKEYSINSLOT} between two reads of the master's view, all in one
 * pipeline, then an {@code EXISTS} per key under the prefix (that command does not skip keys
 * whose TTL has passed); when the slot holds {@link #SLOT_KEYS} keys or more, or the command is
 * refused, a {@code SCAN} of that master between the same two views. When both views are equal,
 * show no slot being migrated and give the slot to that master, no key under the prefix entered
 * or left it meanwhile (a key leaves only while its slot is marked migrating, and a finished
 * migration takes the slot from the view), so the one read saw them all. Otherwise (lettuce's
 * view was stale, a migration was under way) the whole enumeration above follows.
 *
 * <p>Threads: as {@link RedisTopology}; replies complete on lettuce's I/O threads.
 */
final class ClusterTopology implements RedisTopology {

    /** How often lettuce re-reads the cluster's topology without a trigger. */
    static final Duration REFRESH_PERIOD = Duration.ofSeconds(2);

    /** The most keys a slot may hold for a prefix in it to be read with {@code CLUSTER GETKEYSINSLOT}. */
    static final int SLOT_KEYS = RedisKvStoreClient.BATCH;

    /** The shortest time between two refreshes started by adaptive triggers. */
    static final Duration ADAPTIVE_REFRESH_LIMIT = Duration.ofMillis(200);

    private final Duration timeout;
    private final String where;
    private final RedisClusterClient client;
    private final LazyConnection<StatefulRedisClusterConnection<String, byte[]>> commands;
    private final RedisClusterWatchHub watches;

    ClusterTopology(RedisSettings settings) {
        this.timeout = settings.timeout();
        this.where = settings.describe();
        this.client = RedisClusterClient.create(RedisKvStoreClient.SharedResources.get(), settings.seedUris());
        client.setOptions(ClusterClientOptions.builder(RedisKvStoreClient.clientOptions(settings))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(REFRESH_PERIOD)
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_LIMIT)
                        .refreshTriggersReconnectAttempts(2)
                        .dynamicRefreshSources(true)
                        .closeStaleConnections(true)
                        .build())
                .build());
        // lettuce's asynchronous connect needs the topology read first (its synchronous one reads it itself).
        this.commands = new LazyConnection<>(
                where,
                () -> client.refreshPartitionsAsync()
                        .toCompletableFuture()
                        .thenCompose(v -> client.connectAsync(RedisKvStoreClient.CODEC))
                        .thenApply(c -> {
                            c.setReadFrom(ReadFrom.UPSTREAM);
                            return c;
                        }));
        this.watches = new RedisClusterWatchHub(settings, client, commands);
    }

    @Override
    public RedisClusterAsyncCommands<String, byte[]> ifOpen() {
        StatefulRedisClusterConnection<String, byte[]> open = commands.ifOpen();
        return open == null ? null : open.async();
    }

    @Override
    public CompletableFuture<RedisClusterAsyncCommands<String, byte[]>> open() {
        return commands.get().thenApply(StatefulRedisClusterConnection::async);
    }

    /** The masters that serve slots now, as lettuce last saw the cluster. */
    static List<RedisClusterNode> masters(Partitions partitions) {
        List<RedisClusterNode> masters = new ArrayList<>();
        for (RedisClusterNode n : partitions) {
            if (n.is(RedisClusterNode.NodeFlag.UPSTREAM)
                    && !n.is(RedisClusterNode.NodeFlag.FAIL)
                    && !n.getSlots().isEmpty()) {
                masters.add(n);
            }
        }
        return masters;
    }

    @Override
    public CompletableFuture<Void> scan(
            RedisClusterAsyncCommands<String, byte[]> c,
            String prefix,
            Function<List<String>, CompletionStage<?>> page) {
        int slot = SlotTags.slotOfPrefix(prefix);
        return commands.get().thenCompose(connection -> {
            RedisClusterNode owner =
                    slot < 0 ? null : connection.getPartitions().getMasterBySlot(slot);
            if (owner == null) {
                return scanMasters(connection, prefix, page);
            }
            return connection
                    .getConnectionAsync(owner.getNodeId())
                    .thenCompose(node -> listSlot(c, node.async(), slot, prefix, page))
                    .thenCompose(complete -> complete
                            ? CompletableFuture.<Void>completedFuture(null)
                            : scanMasters(connection, prefix, page));
        });
    }

    /**
     * The keys under a prefix that pins {@code slot}, from that slot's master {@code n}: in one
     * round trip its view, {@code CLUSTER GETKEYSINSLOT} (fewer than {@link #SLOT_KEYS} keys) and
     * its view again, then one {@code EXISTS} per key under the prefix (pipelined, through the
     * cluster commands {@code c}, which follow a key that has moved since), since
     * {@code GETKEYSINSLOT} also returns keys whose TTL has passed and that Redis has not removed
     * yet. When the slot holds more keys, or the command is refused (an ACL), one {@code SCAN}
     * of that master with its views instead. Completes {@code false} when the views say the keys
     * read may not be all of them.
     */
    private static CompletableFuture<Boolean> listSlot(
            RedisClusterAsyncCommands<String, byte[]> c,
            RedisClusterAsyncCommands<String, byte[]> n,
            int slot,
            String prefix,
            Function<List<String>, CompletionStage<?>> page) {
        CompletableFuture<String> before = n.clusterNodes().toCompletableFuture();
        CompletableFuture<List<String>> inSlot =
                n.clusterGetKeysInSlot(slot, SLOT_KEYS).toCompletableFuture();
        CompletableFuture<String> after = n.clusterNodes().toCompletableFuture();
        return CompletableFuture.allOf(before, inSlot, after)
                .handle((v, e) -> e == null ? inSlot.join() : null)
                .thenCompose(keys -> {
                    if (keys == null || keys.size() >= SLOT_KEYS) {
                        return scanSlot(n, slot, prefix, page);
                    }
                    if (!complete(before.join(), after.join(), slot)) {
                        return CompletableFuture.completedFuture(false);
                    }
                    List<String> under = new ArrayList<>();
                    for (String k : keys) {
                        if (k.startsWith(prefix) && !ReservedKeys.isReserved(k)) {
                            under.add(k);
                        }
                    }
                    return existing(c, under)
                            .thenCompose(found ->
                                    found.isEmpty() ? CompletableFuture.completedFuture(null) : page.apply(found))
                            .thenApply(x -> true);
                });
    }

    /** {@code SCAN} of the one master of {@code slot}, with its views before (same pipeline) and after. */
    private static CompletableFuture<Boolean> scanSlot(
            RedisClusterAsyncCommands<String, byte[]> n,
            int slot,
            String prefix,
            Function<List<String>, CompletionStage<?>> page) {
        CompletableFuture<String> before = n.clusterNodes().toCompletableFuture();
        return RedisListing.scan(n, prefix, ScanCursor.INITIAL, page)
                .thenCompose(v -> before)
                .thenCompose(first -> n.clusterNodes().thenApply(after -> complete(first, after, slot)));
    }

    /** Whether a master's two views are the same, show no slot on the move and give it {@code slot}. */
    private static boolean complete(String before, String after, int slot) {
        String view = myself(after);
        return view.equals(myself(before)) && !migrating(view) && serves(view, slot);
    }

    /** The keys among {@code keys} that exist now (one pipelined {@code EXISTS} each). */
    private static CompletableFuture<List<String>> existing(
            RedisClusterAsyncCommands<String, byte[]> c, List<String> keys) {
        List<CompletableFuture<Long>> exists = new ArrayList<>(keys.size());
        for (String k : keys) {
            exists.add(c.exists(k).toCompletableFuture());
        }
        return CompletableFuture.allOf(exists.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<String> found = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                Long e = exists.get(i).join();
                if (e != null && e > 0) {
                    found.add(keys.get(i));
                }
            }
            return found;
        });
    }

    /** {@code SCAN} on every master, with the views that tell whether a second pass is needed. */
    private static CompletableFuture<Void> scanMasters(
            StatefulRedisClusterConnection<String, byte[]> connection,
            String prefix,
            Function<List<String>, CompletionStage<?>> page) {
        List<RedisClusterAsyncCommands<String, byte[]>> nodes = new ArrayList<>();
        List<CompletableFuture<String>> before = new ArrayList<>();
        List<CompletableFuture<Void>> scans = new ArrayList<>();
        for (RedisClusterNode master : masters(connection.getPartitions())) {
            CompletableFuture<RedisClusterAsyncCommands<String, byte[]>> node =
                    connection.getConnectionAsync(master.getNodeId()).thenApply(StatefulRedisConnection::async);
            CompletableFuture<String> first = new CompletableFuture<>();
            before.add(first);
            scans.add(node.thenCompose(n -> {
                // The first view goes in the same pipeline as the first SCAN step, ahead of it.
                n.clusterNodes().whenComplete((view, e) -> {
                    if (e == null) {
                        first.complete(view);
                    } else {
                        first.completeExceptionally(e);
                    }
                });
                synchronized (nodes) {
                    nodes.add(n);
                }
                return RedisListing.scan(n, prefix, ScanCursor.INITIAL, page);
            }));
        }
        return CompletableFuture.allOf(scans.toArray(CompletableFuture[]::new))
                .thenCompose(v -> CompletableFuture.allOf(before.toArray(CompletableFuture[]::new)))
                .thenCompose(v -> slotsView(nodes))
                .thenCompose(after -> {
                    String first =
                            before.stream().map(f -> myself(f.join())).sorted().collect(Collectors.joining("\n"));
                    return after.equals(first) && !migrating(after)
                            ? CompletableFuture.completedFuture(null)
                            : pass(connection, prefix, page);
                });
    }

    /** The masters' own accounts of their slots, read once every scan has ended; sorted into one string. */
    private static CompletableFuture<String> slotsView(List<RedisClusterAsyncCommands<String, byte[]>> nodes) {
        List<CompletableFuture<String>> views = new ArrayList<>();
        for (RedisClusterAsyncCommands<String, byte[]> n : nodes) {
            views.add(n.clusterNodes().toCompletableFuture());
        }
        return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
                .thenApply(
                        v -> views.stream().map(f -> myself(f.join())).sorted().collect(Collectors.joining("\n")));
    }

    /** One {@code SCAN} of every master, in parallel. */
    private static CompletableFuture<Void> pass(
            StatefulRedisClusterConnection<String, byte[]> connection,
            String prefix,
            Function<List<String>, CompletionStage<?>> page) {
        List<CompletableFuture<Void>> scans = new ArrayList<>();
        for (RedisClusterNode master : masters(connection.getPartitions())) {
            scans.add(connection
                    .getConnectionAsync(master.getNodeId())
                    .thenCompose(node -> RedisListing.scan(node.async(), prefix, ScanCursor.INITIAL, page)));
        }
        return CompletableFuture.allOf(scans.toArray(CompletableFuture[]::new));
    }

    /** The node's id and slot fields from its own {@code CLUSTER NODES} line. */
    private static String myself(String nodes) {
        for (String line : nodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length > 2 && f[2].contains("myself")) {
                StringBuilder b = new StringBuilder(f[0]);
                for (int i = 8; i < f.length; i++) {
                    b.append(' ').append(f[i]);
                }
                return b.toString();
            }
        }
        return nodes;
    }

    /** Whether a master's own view ({@link #myself}) gives it {@code slot} (migration marks aside). */
    static boolean serves(String view, int slot) {
        String[] f = view.split(" ");
        for (int i = 1; i < f.length; i++) {
            if (f[i].startsWith("[")) {
                continue; // a slot being migrated or imported
            }
            int dash = f[i].indexOf('-');
            try {
                int from = Integer.parseInt(dash < 0 ? f[i] : f[i].substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(f[i].substring(dash + 1));
                if (from <= slot && slot <= to) {
                    return true;
                }
            } catch (NumberFormatException e) {
                return false; // not a view this code understands: the whole enumeration follows
            }
        }
        return false;
    }

    private static boolean migrating(String view) {
        return view.contains("->-") || view.contains("-<-");
    }

    @Override
    public CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        return watches.watch(key, withPrefix, listener);
    }

    /** Whether every master answers {@code PING}. */
    @Override
    public CompletableFuture<Boolean> ping() {
        return commands.get().thenCompose(connection -> {
            List<RedisClusterNode> masters = masters(connection.getPartitions());
            if (masters.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            List<CompletableFuture<String>> pings = new ArrayList<>();
            for (RedisClusterNode master : masters) {
                pings.add(connection
                        .getConnectionAsync(master.getNodeId())
                        .thenCompose(node -> node.async().ping().toCompletableFuture()));
            }
            return CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new))
                    .thenApply(v -> pings.stream().allMatch(p -> "PONG".equalsIgnoreCase(p.join())));
        });
    }

    /** Never: Redis Cluster fails over by itself, and writes to a slot whose master is gone fail at once. */
    @Override
    public boolean failoverInProgress() {
        return false;
    }

    @Override
    public void ensureListening() {
        // lettuce's topology refresh runs by itself
    }

    @Override
    public void close() {
        watches.close();
        commands.close();
        client.shutdown(Duration.ZERO, timeout);
    }
}

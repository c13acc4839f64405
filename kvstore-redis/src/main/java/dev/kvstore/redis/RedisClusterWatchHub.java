package dev.kvstore.redis;

import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreException;
import dev.kvstore.spi.Futures;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every watch of one cluster client. Keyspace notifications come only from the node that handled
 * the write, so each watch's channel or pattern is subscribed on every master, through one
 * lettuce cluster pub/sub connection whose node connections pass their messages on
 * ({@code setNodeMessagePropagation(true)}). Watches on the same channel or pattern share one
 * subscription per master. Each master gets the notification flags watches need when it joins
 * (and again after it reconnects): a restarted node, or a replica promoted to master, may lack them.
 *
 * <p><b>Following the cluster.</b> Every {@link #FOLLOW_PERIOD} the masters lettuce currently
 * knows are compared with the ones subscribed: a new master (a promoted replica, a node given
 * slots) joins, one that no longer serves slots leaves. While any master's pub/sub connection is
 * down, or a master has not joined yet, watches are down: each got one {@code CONNECTION_DOWN}
 * when it began; once every master serves the subscriptions again each watch gets
 * {@code UNKNOWN} (what changed meanwhile cannot be replayed), so the user re-reads.
 *
 * <p>A notification carries only the event's name; the value is read back with {@code GET}
 * through the cluster command connection, in order per watch ({@link AbstractRedisWatchHub}). A
 * {@code del} is read back too: a key migrated to another node is deleted on its old one (and the
 * new one reports a {@code restore}), and a key that still exists was not deleted.
 *
 * <p>Threads: {@link #watch} and {@link #close()} come from user threads; messages and connection
 * events from lettuce's I/O threads; the follow check from the SPI's shared timer (it only sends
 * commands). None blocks. The maps of topics and nodes are guarded by this object's lock;
 * subscribe commands are sent under it, so a topic added while a node joins reaches that node once.
 */
final class RedisClusterWatchHub
        extends AbstractRedisWatchHub<
                StatefulRedisClusterConnection<String, byte[]>, StatefulRedisClusterPubSubConnection<String, String>> {

    /** How often the masters subscribed are compared with the masters lettuce knows. */
    static final Duration FOLLOW_PERIOD = Duration.ofMillis(500);

    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterWatchHub.class);

    private final RedisClusterClient client;

    // guarded by this
    private final Map<String, Node> nodes = new HashMap<>();
    private ScheduledFuture<?> follow;

    /** One master's subscription state. */
    private final class Node implements RedisConnectionStateListener {
        final String id;
        final CompletableFuture<Void> joined = new CompletableFuture<>();
        volatile StatefulRedisPubSubConnection<String, String> connection;
        volatile boolean up;

        Node(String id) {
            this.id = id;
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
            up = false;
            if (isMember(this)) {
                LOG.debug("{}: pub/sub connection to node {} lost; watches are down", where, id);
                allWatchers().forEach(RedisWatch::markConnectionLost);
            }
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
            StatefulRedisPubSubConnection<String, String> open = connection;
            if (open == null || !isMember(this)) {
                return;
            }
            // lettuce resubscribes by itself; this also restores the notification flags, then resumes.
            configure(this, open).whenComplete((v, e) -> {
                if (e != null) {
                    LOG.debug("{}: node {} reconnected but could not be set up again", where, id, e);
                    return;
                }
                up = true;
                resumeIfComplete();
            });
        }
    }

    RedisClusterWatchHub(
            RedisSettings settings,
            RedisClusterClient client,
            LazyConnection<StatefulRedisClusterConnection<String, byte[]>> commands) {
        super(settings, KeyspaceEvents.channelPrefix(0), commands, StatefulRedisClusterConnection::async);
        this.client = client;
    }

    @Override
    CompletableFuture<StatefulRedisClusterPubSubConnection<String, String>> connectPubSub() {
        return client.refreshPartitionsAsync()
                .toCompletableFuture()
                .thenCompose(v -> client.connectPubSubAsync(StringCodec.UTF8))
                .thenApply(c -> {
                    c.setNodeMessagePropagation(true);
                    c.addListener((io.lettuce.core.pubsub.RedisPubSubListener<String, String>) this);
                    return c;
                });
    }

    /** Joins every master, then subscribes the watch there; completes once every master has confirmed. */
    @Override
    CompletableFuture<Void> setUp(RedisWatch w) {
        return pubsub.get().thenCompose(c -> joinMasters(c).thenCompose(v -> register(w, () -> subscribeMembers(w))));
    }

    /** Joins every master lettuce knows now; completes when all have joined. */
    private CompletableFuture<Void> joinMasters(StatefulRedisClusterPubSubConnection<String, String> c) {
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new KvStoreException("the client is closed (" + where + ")"));
            }
            startFollowing();
            for (RedisClusterNode master : ClusterTopology.masters(c.getPartitions())) {
                joins.add(join(c, master.getNodeId()));
            }
        }
        return CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new));
    }

    /** Starts subscribing a master to every topic, unless it is a member already. Under the lock. */
    private CompletableFuture<Void> join(StatefulRedisClusterPubSubConnection<String, String> c, String nodeId) {
        Node existing = nodes.get(nodeId);
        if (existing != null) {
            return existing.joined;
        }
        Node node = new Node(nodeId);
        nodes.put(nodeId, node);
        c.getConnectionAsync(nodeId)
                .thenCompose(open -> {
                    node.connection = open;
                    open.addListener(node);
                    return configure(node, open);
                })
                .whenComplete((v, e) -> {
                    if (e == null) {
                        node.up = true;
                        node.joined.complete(null);
                        resumeIfComplete();
                    } else {
                        LOG.debug("{}: node {} could not join the watches; retried", where, nodeId, e);
                        synchronized (this) {
                            nodes.remove(nodeId, node);
                        }
                        node.joined.completeExceptionally(e);
                    }
                });
        return node.joined;
    }

    /** Sets the notification flags on a node, then subscribes it to every topic. */
    private CompletableFuture<Void> configure(Node node, StatefulRedisPubSubConnection<String, String> c) {
        return KeyspaceEvents.ensure(c.async(), where + " node " + node.id).thenCompose(v -> {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            synchronized (this) {
                RedisPubSubAsyncCommands<String, String> a = c.async();
                if (!channels.isEmpty()) {
                    sent.add(a.subscribe(channels.keySet().toArray(String[]::new))
                            .toCompletableFuture());
                }
                if (!patterns.isEmpty()) {
                    sent.add(a.psubscribe(patterns.keySet().toArray(String[]::new))
                            .toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
        });
    }

    /** Subscribes a just registered watch's topic on every member. Under the lock. */
    private CompletableFuture<Void> subscribeMembers(RedisWatch w) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (Node n : nodes.values()) {
            StatefulRedisPubSubConnection<String, String> c = n.connection;
            if (c != null) {
                sent.add(sendSubscribe(c, w.topic, w.withPrefix()));
            }
            // else the node is still joining and subscribes every topic once connected
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    @Override
    void unsubscribeLocked(String topic, boolean pattern) {
        for (Node n : nodes.values()) {
            StatefulRedisPubSubConnection<String, String> c = n.connection;
            if (c != null && n.up) {
                sendUnsubscribe(c, topic, pattern);
            }
        }
    }

    private synchronized void startFollowing() {
        if (follow == null && !closed) {
            follow = Futures.scheduleShortTaskWithFixedDelay(this::followTopology, FOLLOW_PERIOD, FOLLOW_PERIOD);
        }
    }

    /** Joins new masters and lets go of nodes that no longer serve slots; on the shared timer. */
    private void followTopology() {
        StatefulRedisClusterPubSubConnection<String, String> c = pubsub.ifOpen();
        if (c == null) {
            return;
        }
        boolean changed = false;
        synchronized (this) {
            if (closed || (channels.isEmpty() && patterns.isEmpty())) {
                return;
            }
            Set<String> masters = new HashSet<>();
            for (RedisClusterNode master : ClusterTopology.masters(c.getPartitions())) {
                masters.add(master.getNodeId());
                if (!nodes.containsKey(master.getNodeId())) {
                    LOG.info("{}: node {} is a master now; subscribing the watches there", where, master.getNodeId());
                    // Its joining ends the watches' gap, not a loss of their own: mark them down meanwhile.
                    allWatchersLocked().forEach(RedisWatch::markConnectionLost);
                    join(c, master.getNodeId());
                }
            }
            if (nodes.keySet().retainAll(masters)) {
                changed = true;
            }
        }
        if (changed) {
            resumeIfComplete();
        }
    }

    private synchronized boolean isMember(Node node) {
        return nodes.get(node.id) == node;
    }

    /** When every member serves the subscriptions: each watch that is down resumes, with {@code UNKNOWN}. */
    private void resumeIfComplete() {
        List<RedisWatch> watchers;
        synchronized (this) {
            if (closed || nodes.isEmpty()) {
                return;
            }
            for (Node n : nodes.values()) {
                if (!n.up) {
                    return;
                }
            }
            watchers = allWatchersLocked();
        }
        for (RedisWatch w : watchers) {
            if (w.isDown()) {
                w.resumed();
            }
        }
    }

    /**
     * {@inheritDoc} After a {@code del}, a key that still exists moved to another node: no event.
     */
    @Override
    CompletableFuture<KvEvent> change(String key, String event) {
        if ("del".equals(event)) {
            return read(key, true); // maybe migrated, not deleted
        }
        return super.change(key, event);
    }

    @Override
    void closeLocked() {
        if (follow != null) {
            follow.cancel(false);
        }
        nodes.clear();
    }
}

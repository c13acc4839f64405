package dev.kvstore.redis;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisServerAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a Sentinel failover at once, and holds writes while it runs.
 *
 * <p>lettuce looks the master up through the sentinels only when it reconnects, and after a
 * failover the old master keeps our connections (Sentinel demotes it only seconds later), so writes
 * would keep going to a server about to drop them. This listens to every sentinel (only the one
 * leading a failover announces its start): from {@code +try-failover} of our master until
 * {@code +switch-master} (or an abort, or {@link #PAUSE_LIMIT}) writes fail at once with
 * {@link dev.kvstore.KvStoreUnavailableException} instead of being acknowledged by a master that
 * is being replaced; on {@code +switch-master} it closes our own connections from the server side
 * ({@code CLIENT KILL ID}), and lettuce reconnects them to the new master, resubscribing the watches.
 */
final class SentinelFollower implements AutoCloseable {

    /** The longest writes are held for one failover, should its end never be announced. */
    static final Duration PAUSE_LIMIT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(SentinelFollower.class);
    private static final String SWITCH = "+switch-master";
    private static final String START = "+try-failover";
    private static final Set<String> ENDS = Set.of(
            "-failover-abort-not-elected",
            "-failover-abort-no-good-slave",
            "-failover-abort-slave-timeout",
            "+failover-end-for-timeout");

    private final String where;
    private final String masterName;
    private final Runnable onSwitch;
    private final List<LazyConnection<StatefulRedisPubSubConnection<String, String>>> sentinels = new ArrayList<>();
    private volatile long pausedUntil;
    private String lastSwitch = ""; // guarded by this

    SentinelFollower(RedisSettings settings, RedisClient client, RedisURI uri, Runnable onSwitch) {
        this.where = settings.describe();
        this.masterName = settings.masterName();
        this.onSwitch = onSwitch;
        for (RedisURI sentinel : uri.getSentinels()) {
            sentinels.add(new LazyConnection<>(
                    where + " (events of sentinel " + sentinel.getHost() + ":" + sentinel.getPort() + ")",
                    () -> client.connectPubSubAsync(StringCodec.UTF8, sentinel)
                            .toCompletableFuture()
                            .thenCompose(this::subscribe)));
        }
    }

    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> subscribe(
            StatefulRedisPubSubConnection<String, String> c) {
        c.addListener(new RedisPubSubAdapter<String, String>() {
            @Override
            public void message(String channel, String message) {
                onEvent(channel, message);
            }
        });
        List<String> channels = new ArrayList<>(ENDS);
        channels.add(SWITCH);
        channels.add(START);
        return c.async()
                .subscribe(channels.toArray(String[]::new))
                .toCompletableFuture()
                .thenApply(v -> c);
    }

    private void onEvent(String channel, String message) {
        if (SWITCH.equals(channel)) {
            // "<master-name> <old-ip> <old-port> <new-ip> <new-port>", from every sentinel: act once.
            if (!message.startsWith(masterName + " ")) {
                return;
            }
            synchronized (this) {
                if (message.equals(lastSwitch)) {
                    return;
                }
                lastSwitch = message;
            }
            LOG.info("{}: sentinels switched master ({}); reconnecting", where, message);
            onSwitch.run();
            pausedUntil = 0;
        } else if (aboutOurMaster(message)) {
            if (START.equals(channel)) {
                LOG.info("{}: failover started ({}); holding writes until the new master is known", where, message);
                pausedUntil = System.nanoTime() + PAUSE_LIMIT.toNanos();
            } else {
                LOG.info("{}: failover ended without a switch ({} {})", where, channel, message);
                pausedUntil = 0;
            }
        }
    }

    /** Whether an instance event ({@code "master <name> <ip> <port> ..."}) is about our master. */
    private boolean aboutOurMaster(String message) {
        String[] parts = message.split(" ");
        return parts.length > 1 && parts[0].equals("master") && parts[1].equals(masterName);
    }

    /** Whether a failover of our master is under way: writes wait for its end. */
    boolean failoverInProgress() {
        long until = pausedUntil;
        return until != 0 && until - System.nanoTime() > 0;
    }

    /** Starts listening where not yet done (again after a failed attempt); never blocks. */
    void ensureListening() {
        for (LazyConnection<StatefulRedisPubSubConnection<String, String>> s : sentinels) {
            s.get().whenComplete((c, e) -> {
                if (e != null) {
                    LOG.debug("{}: cannot listen to a sentinel yet; retried later", where, e);
                }
            });
        }
    }

    /** Closes one of our connections from the server side, so lettuce reconnects it (to the new master). */
    static void reconnect(Supplier<? extends RedisServerAsyncCommands<String, ?>> commands, String where) {
        RedisServerAsyncCommands<String, ?> a = commands.get();
        a.clientId()
                .thenCompose(id -> a.clientKill(KillArgs.Builder.id(id).skipme(false)))
                .whenComplete((n, e) -> {
                    if (e != null) {
                        LOG.debug(
                                "{}: closing a connection to the old master failed (it may be gone already)", where, e);
                    }
                });
    }

    static void reconnect(StatefulRedisConnection<String, ?> c, String where) {
        if (c != null) {
            reconnect(c::async, where);
        }
    }

    @Override
    public void close() {
        sentinels.forEach(LazyConnection::close);
    }
}

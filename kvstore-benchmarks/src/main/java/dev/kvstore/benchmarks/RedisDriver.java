package dev.kvstore.benchmarks;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * lettuce 6.8 used directly, as a careful user would: one shared connection (String keys, byte[]
 * values) for every thread; a list is {@code SCAN MATCH} then {@code MGET}; a watch is a keyspace
 * notification (on one pub/sub connection for every watch) followed by a {@code GET} on a second
 * connection; compare-and-set and lock release
 * are Lua scripts by {@code EVALSHA}. Callbacks run on lettuce's Netty threads and never block.
 *
 * <p>With {@code -Dbench.driverListenerThread=true} (in {@code bench.jvmArgs}) the watch hands each
 * value to a thread of a cached pool before the workload's listener sees it, as kvstore does (a
 * listener never runs on an I/O thread, so one that blocks or calls the store cannot stall the
 * connection): the driver's cost of that safety, to read the watch row against.
 */
final class RedisDriver implements Side {

    /** Set: watch values reach the listener through {@link #LISTENER_THREADS} (see the class comment). */
    private static final boolean LISTENER_THREAD = Boolean.getBoolean("bench.driverListenerThread");

    private static final Executor LISTENER_THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "driver-listener");
        t.setDaemon(true);
        return t;
    });

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final String CAS = "if redis.call('GET', KEYS[1]) == ARGV[1] then"
            + " redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0";
    private static final String KEYSPACE = "__keyspace@0__:";
    private static final String RELEASE =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final RedisCommands<String, byte[]> sync;
    private final RedisAsyncCommands<String, byte[]> async;
    private final String namespace;
    private final String casSha;
    private final String releaseSha;
    private final StatefulRedisConnection<String, byte[]> reader;
    private final StatefulRedisPubSubConnection<String, String> events;
    private long lockTokens;

    RedisDriver(String address, String namespace) {
        this.client = RedisClient.create(RedisURI.create("redis://" + address));
        this.connection = client.connect(CODEC);
        this.sync = connection.sync();
        this.async = connection.async();
        this.namespace = namespace + "/";
        this.casSha = sync.scriptLoad(CAS);
        this.releaseSha = sync.scriptLoad(RELEASE);
        this.reader = client.connect(CODEC);
        this.events = client.connectPubSub();
    }

    @Override
    public void seed(String key, byte[] value) {
        put(key, value);
    }

    @Override
    public void put(String key, byte[] value) {
        sync.set(namespace + key, value);
    }

    @Override
    public byte[] get(String key) {
        return sync.get(namespace + key);
    }

    @Override
    public CompletionStage<?> putAsync(String key, byte[] value) {
        return async.set(namespace + key, value);
    }

    @Override
    public CompletionStage<?> getAsync(String key) {
        return async.get(namespace + key);
    }

    @Override
    public int list(String prefix) {
        List<String> keys = new ArrayList<>();
        ScanArgs args = ScanArgs.Builder.matches(namespace + prefix + "*").limit(1000);
        KeyScanCursor<String> cursor = sync.scan(ScanCursor.INITIAL, args);
        keys.addAll(cursor.getKeys());
        while (!cursor.isFinished()) {
            cursor = sync.scan(cursor, args);
            keys.addAll(cursor.getKeys());
        }
        List<CompletableFuture<List<KeyValue<String, byte[]>>>> pages = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += 1000) {
            pages.add(async.mget(
                            keys.subList(i, Math.min(keys.size(), i + 1000)).toArray(String[]::new))
                    .toCompletableFuture());
        }
        Map<String, byte[]> result = new TreeMap<>();
        for (CompletableFuture<List<KeyValue<String, byte[]>>> page : pages) {
            for (KeyValue<String, byte[]> kv : page.join()) {
                if (kv.hasValue()) {
                    result.put(kv.getKey(), kv.getValue());
                }
            }
        }
        return result.size();
    }

    @Override
    public AutoCloseable watch(String prefix, Consumer<byte[]> onPut) {
        // add keyspace events of string commands to whatever the server sends already (the store's own flags)
        String flags = sync.configGet("notify-keyspace-events").getOrDefault("notify-keyspace-events", "");
        if (!(flags.contains("K") && (flags.contains("$") || flags.contains("A")))) {
            sync.configSet("notify-keyspace-events", flags + "K$");
        }
        String pattern = KEYSPACE + namespace + prefix + "*";
        RedisPubSubAdapter<String, String> listener = new RedisPubSubAdapter<>() {
            @Override
            public void message(String subscribed, String channel, String message) {
                if (subscribed.equals(pattern) && message.equals("set")) {
                    Consumer<byte[]> deliver = v -> {
                        if (v != null) {
                            onPut.accept(v);
                        }
                    };
                    RedisFuture<byte[]> read = reader.async().get(channel.substring(KEYSPACE.length()));
                    if (LISTENER_THREAD) {
                        read.thenAcceptAsync(deliver, LISTENER_THREADS);
                    } else {
                        read.thenAccept(deliver);
                    }
                }
            }
        };
        events.addListener(listener);
        events.sync().psubscribe(pattern);
        return () -> {
            events.sync().punsubscribe(pattern);
            events.removeListener(listener);
        };
    }

    @Override
    public int watchFromCurrentState(String prefix) throws Exception {
        // the driver's way: watch, then read what is there (changes during the read arrive as events)
        AutoCloseable watch = watch(prefix, value -> {});
        try {
            return list(prefix);
        } finally {
            watch.close();
        }
    }

    @Override
    public boolean casIncrement(String key) {
        String k = namespace + key;
        byte[] old = sync.get(k);
        Long won = sync.evalsha(casSha, ScriptOutputType.INTEGER, new String[] {k}, old, Side.next(old));
        return won != null && won == 1L;
    }

    @Override
    public void lockCycle() {
        String k = namespace + "lock";
        byte[] token;
        synchronized (this) {
            token = Long.toString(++lockTokens).getBytes(StandardCharsets.US_ASCII);
        }
        if (!"OK".equals(sync.set(k, token, SetArgs.Builder.nx().px(10_000)))) {
            throw new IllegalStateException("lock not acquired");
        }
        Long released = sync.evalsha(releaseSha, ScriptOutputType.INTEGER, new String[] {k}, token);
        if (released == null || released != 1L) {
            throw new IllegalStateException("lock not released");
        }
    }

    @Override
    public void close() {
        events.close();
        reader.close();
        connection.close();
        client.shutdown();
    }
}

package dev.kvstore.benchmarks;

import dev.kvstore.EventType;
import dev.kvstore.KvCapability;
import dev.kvstore.KvLock;
import dev.kvstore.KvLockHandle;
import dev.kvstore.KvPair;
import dev.kvstore.KvWatch;
import dev.kvstore.Txn;
import dev.kvstore.WatchOptions;
import dev.kvstore.backend.Backend;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The façade: a {@link Backend} whose path prefix is the side's namespace. Compare-and-set is
 * {@code compareAndSet} on the version read where the store keeps versions, else a {@code commit}
 * of {@code ifValue(old).put(new)} (Redis). Thread-safe as Backend is.
 */
final class BackendSide implements Side {

    private final Backend backend;
    private final KvLock lock;
    private final boolean versions;

    BackendSide(String storeType, String address, String namespace) {
        this.backend = BenchOptions.apply(Backend.builder()
                        .storeType(storeType)
                        .address(address)
                        .timeout(Duration.ofSeconds(10))
                        .pathPrefix(namespace))
                .build();
        this.lock = backend.lock("lock", Duration.ofSeconds(10));
        this.versions = backend.client().capabilities().contains(KvCapability.VERSIONS);
    }

    @Override
    public void seed(String key, byte[] value) {
        backend.put(key, value);
    }

    @Override
    public void put(String key, byte[] value) {
        backend.put(key, value);
    }

    @Override
    public byte[] get(String key) {
        return backend.get(key).map(KvPair::value).orElse(null);
    }

    @Override
    public CompletionStage<?> putAsync(String key, byte[] value) {
        return backend.putAsync(key, value);
    }

    @Override
    public CompletionStage<?> getAsync(String key) {
        return backend.getAsync(key).thenApply(p -> p.map(KvPair::value).orElse(null));
    }

    @Override
    public int list(String prefix) {
        return backend.list(prefix).size();
    }

    @Override
    public AutoCloseable watch(String prefix, Consumer<byte[]> onPut) {
        KvWatch watch = backend.createWatch(prefix, true, e -> {
            if (e.type() == EventType.PUT) {
                onPut.accept(e.value());
            }
        });
        return () -> backend.deleteWatch(watch);
    }

    @Override
    public int watchFromCurrentState(String prefix) throws Exception {
        AtomicInteger puts = new AtomicInteger();
        CompletableFuture<Integer> synced = new CompletableFuture<>();
        KvWatch watch = backend.createWatch(
                prefix,
                true,
                e -> {
                    if (e.type() == EventType.PUT) {
                        puts.incrementAndGet();
                    } else if (e.type() == EventType.SYNCED) {
                        synced.complete(puts.get());
                    }
                },
                WatchOptions.defaults().withInitialState(true));
        try {
            return synced.get(10, TimeUnit.SECONDS);
        } finally {
            backend.deleteWatch(watch);
        }
    }

    @Override
    public boolean casIncrement(String key) {
        Optional<KvPair> old = backend.get(key);
        KvPair pair = old.orElseThrow();
        byte[] value = pair.value();
        if (versions) {
            return backend.compareAndSet(key, pair.version(), Side.next(value));
        }
        // a store without versions (Redis) compares by value, in a transaction
        return backend.commit(Txn.builder()
                        .ifValue(key, value)
                        .put(key, Side.next(value))
                        .build())
                .succeeded();
    }

    @Override
    public void lockCycle() {
        try (KvLockHandle held = lock.tryAcquire(Duration.ofSeconds(5)).orElseThrow()) {
            held.fencingToken();
        }
    }

    @Override
    public void close() {
        backend.close();
    }
}

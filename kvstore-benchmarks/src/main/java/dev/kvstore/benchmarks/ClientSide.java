package dev.kvstore.benchmarks;

import dev.kvstore.EventType;
import dev.kvstore.KvPair;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A store's own {@code KvStoreClient} without the façade, for the {@code memory} store, which has
 * no driver of its own: its rows show what the Backend adds where the store itself costs least.
 * The client comes from a Backend of its own ({@link Backend#client()}, full keys, no checks or
 * timeouts of the Backend's). Thread-safe as the client is; callbacks run on the store's threads.
 */
final class ClientSide implements Side {

    private final Backend owner;
    private final dev.kvstore.KvStoreClient client;
    private final String namespace;

    ClientSide(String storeType, String address, String namespace) {
        this.owner = Backend.create(storeType, address, Duration.ofSeconds(10), "");
        this.client = owner.client();
        this.namespace = namespace + "/";
    }

    @Override
    public void seed(String key, byte[] value) {
        put(key, value);
    }

    @Override
    public void put(String key, byte[] value) {
        client.put(namespace + key, value).join();
    }

    @Override
    public byte[] get(String key) {
        return client.get(namespace + key).join().map(KvPair::value).orElse(null);
    }

    @Override
    public CompletionStage<?> putAsync(String key, byte[] value) {
        return client.put(namespace + key, value);
    }

    @Override
    public CompletionStage<?> getAsync(String key) {
        return client.get(namespace + key).thenApply(p -> p.map(KvPair::value).orElse(null));
    }

    @Override
    public int list(String prefix) {
        return client.list(namespace + prefix).join().size();
    }

    @Override
    public AutoCloseable watch(String prefix, Consumer<byte[]> onPut) {
        KvWatch watch = client.watch(namespace + prefix, true, e -> {
                    if (e.type() == EventType.PUT) {
                        onPut.accept(e.value());
                    }
                })
                .join();
        return watch::close;
    }

    @Override
    public int watchFromCurrentState(String prefix) throws Exception {
        AutoCloseable watch = watch(prefix, value -> {});
        try {
            return list(prefix);
        } finally {
            watch.close();
        }
    }

    @Override
    public boolean casIncrement(String key) {
        Optional<KvPair> old = client.get(namespace + key).join();
        KvPair pair = old.orElseThrow();
        return client.compareAndSet(namespace + key, pair.version(), Side.next(pair.value()))
                .join();
    }

    /** A store's client has no lock of its own: the lock is a Backend recipe. */
    @Override
    public void lockCycle() {
        throw new UnsupportedOperationException("a store's client has no lock; the lock is the Backend's recipe");
    }

    @Override
    public void close() {
        owner.close();
    }
}

package dev.kvstore.backend;

import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.memory.MemoryKvStoreProvider;
import dev.kvstore.spi.KvStoreProvider;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Test-only storeType {@value #STORE_TYPE}: a real in-memory store (the memory store) behind a
 * switch, so that tests can take it down or make it hang as a network store would. Up, it is the
 * memory store; down, every operation fails at once with {@link KvStoreUnavailableException};
 * hanging, no operation ever answers (until {@link SwitchableClient#release()}).
 * Registered in this module's test {@code META-INF/services}.
 */
public final class SwitchableStoreProvider implements KvStoreProvider {

    /** The storeType. */
    public static final String STORE_TYPE = "test-switchable";

    /** What the store does with an operation. */
    enum Mode {
        UP,
        DOWN,
        HANGING
    }

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public SwitchableStoreProvider() {}

    @Override
    public String storeType() {
        return STORE_TYPE;
    }

    /** Checks the address like a network store (when one is given), then creates an up store. */
    @Override
    public KvStoreClient create(KvStoreConfig config) {
        if (!config.address().isEmpty()) {
            config.endpoints();
        }
        KvStoreConfig memory = config.toBuilder()
                .storeType(MemoryKvStoreProvider.STORE_TYPE)
                .address("")
                .build();
        return new SwitchableClient(new MemoryKvStoreProvider().create(memory));
    }

    /** The switchable client. */
    static final class SwitchableClient implements KvStoreClient {
        private final KvStoreClient store;
        private final Queue<Runnable> hung = new ConcurrentLinkedQueue<>();
        private volatile Mode mode = Mode.UP;

        SwitchableClient(KvStoreClient store) {
            this.store = store;
        }

        void mode(Mode mode) {
            this.mode = mode;
        }

        /** Answers every operation that hung, as the store would once it is back. */
        void release() {
            Runnable r;
            while ((r = hung.poll()) != null) {
                r.run();
            }
        }

        private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> op) {
            switch (mode) {
                case DOWN:
                    return CompletableFuture.failedFuture(new KvStoreUnavailableException("test store is down"));
                case HANGING:
                    CompletableFuture<T> pending = new CompletableFuture<>();
                    hung.add(() -> op.get().whenComplete((v, e) -> {
                        if (e == null) {
                            pending.complete(v);
                        } else {
                            pending.completeExceptionally(e);
                        }
                    }));
                    return pending;
                default:
                    return op.get();
            }
        }

        @Override
        public CompletableFuture<Optional<KvPair>> get(String key) {
            return call(() -> store.get(key));
        }

        @Override
        public CompletableFuture<Map<String, KvPair>> list(String prefix) {
            return call(() -> store.list(prefix));
        }

        @Override
        public CompletableFuture<List<String>> listKeys(String prefix) {
            return call(() -> store.listKeys(prefix));
        }

        @Override
        public CompletableFuture<Boolean> exists(String key) {
            return call(() -> store.exists(key));
        }

        @Override
        public CompletableFuture<Void> put(String key, byte[] value) {
            return call(() -> store.put(key, value));
        }

        @Override
        public CompletableFuture<Void> delete(String key) {
            return call(() -> store.delete(key));
        }

        @Override
        public CompletableFuture<Void> deleteWithPrefix(String prefix) {
            return call(() -> store.deleteWithPrefix(prefix));
        }

        @Override
        public CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
            return call(() -> store.watch(key, withPrefix, listener));
        }

        @Override
        public CompletableFuture<Boolean> isConnectionUp() {
            return mode == Mode.DOWN ? CompletableFuture.completedFuture(false) : call(store::isConnectionUp);
        }

        @Override
        public long maxValueSize() {
            return store.maxValueSize();
        }

        @Override
        public Set<KvCapability> capabilities() {
            // It can hang on purpose, so it is not BoundedByTimeout (the wrapped memory client is).
            return store.capabilities();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}

package dev.kvstore.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.memory.MemoryKvStoreProvider;
import dev.kvstore.spi.KvStoreProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreRegistryTest {

    @Test
    @DisplayName("an unknown storeType fails at create, naming what was asked, every storeType found and the artifacts")
    void unknownStoreType() {
        assertThatThrownBy(() -> Backend.create("nosuchstore", "", Duration.ofSeconds(1), "p"))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("\"nosuchstore\"")
                .hasMessageContaining("storeTypes found: memory, test-switchable.")
                .hasMessageContaining("dev.kvstore:kvstore-etcd (etcd)")
                .hasMessageContaining("dev.kvstore:kvstore-redis (redis, redis-cluster, redis-sentinel)")
                .hasMessageContaining("dev.kvstore:kvstore-zookeeper (zookeeper)")
                .hasMessageNotContaining("kvstore-memory");
    }

    @Test
    @DisplayName("a known storeType that is not on the class path names the artifact that adds it")
    void knownButAbsentStoreType() {
        assertThatThrownBy(() -> Backend.create("etcd", "127.0.0.1:2379", Duration.ofSeconds(1), "p"))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("storeType \"etcd\" is not on the class path: add dev.kvstore:kvstore-etcd")
                .hasMessageContaining("storeTypes found: memory, test-switchable.");
    }

    @Test
    @DisplayName("the storeType is matched case-insensitively")
    void caseInsensitive() {
        try (Backend b = Backend.create("MEMORY", "", Duration.ofSeconds(1), "p")) {
            assertThat(b.storeType()).isEqualTo("memory");
        }
    }

    @Test
    @DisplayName("availableStoreTypes lists every storeType found, sorted")
    void availableStoreTypes() {
        assertThat(Backend.availableStoreTypes()).containsExactly("memory", "test-switchable");
    }

    @Test
    @DisplayName("two providers with one storeType fail naming both classes")
    void duplicateStoreType() {
        StoreRegistry registry = new StoreRegistry(List.of(new DupA(), new MemoryKvStoreProvider(), new DupB()));
        assertThatThrownBy(() -> registry.provider("memory"))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("storeType \"dup\" is provided by both")
                .hasMessageContaining(DupA.class.getName())
                .hasMessageContaining(DupB.class.getName());
        assertThatThrownBy(registry::storeTypes)
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining(DupB.class.getName());
    }

    @Test
    @DisplayName("a provider that fails to load is left out and named in the unknown-storeType message")
    void providerLoadFailure(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(
                services.resolve(KvStoreProvider.class.getName()),
                "no.such.Provider\n" + Broken.class.getName() + "\n");
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            StoreRegistry registry = StoreRegistry.load(loader);
            assertThat(registry.storeTypes()).containsExactly("memory", "test-switchable");
            assertThat(registry.failures()).hasSize(2);
            assertThat(registry.provider("memory")).isInstanceOf(MemoryKvStoreProvider.class);
            assertThatThrownBy(() -> registry.provider("nope"))
                    .isInstanceOf(KvStoreConfigurationException.class)
                    .hasMessageContaining("Providers that failed to load")
                    .hasMessageContaining("no.such.Provider")
                    .hasMessageContaining(Broken.class.getName())
                    .hasCauseInstanceOf(java.util.ServiceConfigurationError.class);
        }
    }

    @Test
    @DisplayName("a malformed address or option fails at create; a missing storeType too")
    void malformedConfiguration() {
        assertThatThrownBy(() ->
                        Backend.create(SwitchableStoreProvider.STORE_TYPE, "localhost", Duration.ofSeconds(1), ""))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("malformed address");
        assertThatThrownBy(() -> Backend.builder()
                        .storeType("memory")
                        .option("no-such-option", "1")
                        .build())
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("no-such-option");
        assertThatThrownBy(() -> Backend.builder()
                        .storeType("memory")
                        .timeout(Duration.ZERO)
                        .build())
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> Backend.builder().address("x:1").build())
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("storeType is required");
    }

    /** A provider whose storeType() throws. */
    public static final class Broken implements KvStoreProvider {
        /** For ServiceLoader. */
        public Broken() {}

        @Override
        public String storeType() {
            throw new IllegalStateException("broken on purpose");
        }

        @Override
        public KvStoreClient create(KvStoreConfig config) {
            throw new UnsupportedOperationException();
        }
    }

    /** One of two providers claiming storeType "dup". */
    static final class DupA implements KvStoreProvider {
        @Override
        public String storeType() {
            return "dup";
        }

        @Override
        public KvStoreClient create(KvStoreConfig config) {
            return new MemoryKvStoreProvider().create(config);
        }
    }

    /** The other provider claiming storeType "dup". */
    static final class DupB implements KvStoreProvider {
        @Override
        public String storeType() {
            return "dup";
        }

        @Override
        public KvStoreClient create(KvStoreConfig config) {
            return new MemoryKvStoreProvider().create(config);
        }
    }
}

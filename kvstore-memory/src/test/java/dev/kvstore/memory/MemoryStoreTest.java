package dev.kvstore.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MemoryStoreTest {

    private static KvStoreClient client(String address) {
        return new MemoryKvStoreProvider()
                .create(KvStoreConfig.builder()
                        .storeType("memory")
                        .address(address)
                        .build());
    }

    private static String name() {
        return "test-" + UUID.randomUUID();
    }

    @Test
    void clientsOfOneAddressShareOneStoreAndSeeEachOthersWrites() throws Exception {
        String name = name();
        try (KvStoreClient a = client(name);
                KvStoreClient b = client(name);
                KvStoreClient other = client(name())) {
            List<KvEvent> seenByB = new CopyOnWriteArrayList<>();
            b.watch("k", false, seenByB::add).join();
            a.put("k", "v".getBytes(UTF_8)).join();
            assertThat(b.get("k").join().orElseThrow().valueAsString()).isEqualTo("v");
            assertThat(b.get("k").join().orElseThrow().version()).isEqualTo(1);
            assertThat(other.exists("k").join()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> seenByB.size() == 1);
            assertThat(seenByB.get(0).valueAsString()).isEqualTo("v");
        }
    }

    @Test
    void anEmptyAddressIsAPrivateStore() {
        try (KvStoreClient a = client("");
                KvStoreClient b = client("")) {
            a.put("k", new byte[] {1}).join();
            assertThat(b.exists("k").join()).isFalse();
        }
    }

    @Test
    void dataLivesWhileAnyClientOfTheNameIsOpen() {
        String name = name();
        KvStoreClient first = client(name);
        first.put("k", new byte[] {1}).join();
        KvStoreClient second = client(name);
        first.close();
        first.close(); // idempotent: counted once
        assertThat(MemoryStore.isOpen(name)).isTrue();
        assertThat(second.exists("k").join()).isTrue();
        second.close();
        assertThat(MemoryStore.isOpen(name)).isFalse();
        try (KvStoreClient third = client(name)) {
            assertThat(third.exists("k").join()).isFalse();
        }
    }

    @Test
    void closingOneClientClosesOnlyItsOwnWatches() {
        String name = name();
        try (KvStoreClient a = client(name);
                KvStoreClient b = client(name)) {
            var watchOfA = a.watch("", true, e -> {}).join();
            List<KvEvent> seenByB = new CopyOnWriteArrayList<>();
            var watchOfB = b.watch("", true, seenByB::add).join();
            a.close();
            assertThat(watchOfA.isOpen()).isFalse();
            assertThat(watchOfB.isOpen()).isTrue();
            b.put("x", new byte[0]).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> seenByB.size() == 1);
        }
    }
}

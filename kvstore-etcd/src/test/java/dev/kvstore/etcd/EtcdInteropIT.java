package dev.kvstore.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the Backend writes is what etcd's own client reads, and the other way round. */
class EtcdInteropIT {

    private static EtcdServer etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.start();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @Test
    @DisplayName("a Backend put under service/voltha is what etcdctl get prints, byte for byte")
    void backendToEtcdctl() {
        byte[] value = "héllo ✓\nsecond line".getBytes(StandardCharsets.UTF_8);
        try (Backend backend = Backend.create("etcd", etcd.address(), Duration.ofSeconds(5), "service/voltha")) {
            backend.put("device/0001", value);
            byte[] printed = etcd.etcdctl("get", "service/voltha/device/0001", "--print-value-only");
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(value);
            expected.write('\n');
            assertThat(printed).isEqualTo(expected.toByteArray());
            assertThat(new String(
                            etcd.etcdctl("get", "service/voltha/", "--prefix", "--keys-only"), StandardCharsets.UTF_8))
                    .contains("service/voltha/device/0001");
        }
    }

    @Test
    @DisplayName("what etcdctl put writes reaches a Backend watch and a Backend get")
    void etcdctlToBackend() {
        try (Backend backend = Backend.create("etcd", etcd.address(), Duration.ofSeconds(5), "service/voltha")) {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            KvWatch watch = backend.createWatch("adapters/", true, events::add);
            etcd.etcdctl("put", "service/voltha/adapters/openolt", "{\"id\":1}");
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
            assertThat(events.get(0))
                    .isEqualTo(KvEvent.put(
                            "service/voltha/adapters/openolt", "{\"id\":1}".getBytes(StandardCharsets.UTF_8), 1));
            assertThat(backend.get("adapters/openolt").orElseThrow().valueAsString())
                    .isEqualTo("{\"id\":1}");
            watch.close();
        }
    }
}

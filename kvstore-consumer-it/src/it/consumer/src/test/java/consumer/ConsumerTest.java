package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.RedisServer;
import dev.kvstore.testing.TestServer;
import dev.kvstore.testing.ZooKeeperServer;
import io.netty.util.Version;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** What a user who depends on the four kvstore jars gets. */
class ConsumerTest {

    @Test
    void oneNettyVersion() {
        Map<String, String> byArtifact = new TreeMap<>();
        Version.identify().forEach((artifact, v) -> byArtifact.put(artifact, v.artifactVersion()));
        System.out.println("Netty on the class path: " + byArtifact);
        assertFalse(byArtifact.isEmpty());
        assertEquals(1, new TreeSet<>(byArtifact.values()).size(), "more than one Netty version: " + byArtifact);
    }

    @Test
    void threeStoresInOneJvm() {
        try (TestServer etcd = EtcdServer.start();
                TestServer redis = RedisServer.start();
                TestServer zookeeper = ZooKeeperServer.start()) {
            for (Map.Entry<String, TestServer> store :
                    Map.of("etcd", etcd, "redis", redis, "zookeeper", zookeeper).entrySet()) {
                try (Backend b = Backend.create(store.getKey(), store.getValue().address(), Duration.ofSeconds(10),
                        "consumer")) {
                    b.put("k", store.getKey());
                    assertEquals(store.getKey(), b.get("k").orElseThrow().valueAsString());
                }
            }
        }
    }
}

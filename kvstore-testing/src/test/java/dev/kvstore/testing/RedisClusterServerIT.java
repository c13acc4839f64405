package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterServerIT {

    private static RedisClusterServer cluster;

    @BeforeAll
    static void start() {
        cluster = RedisClusterServer.start();
    }

    @AfterAll
    static void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("six nodes form a cluster of three masters, each with one replica, covering every slot")
    void shape() {
        assertThat(cluster.address().split(",")).hasSize(6).allMatch(a -> a.startsWith("127.0.0.1:"));
        List<RedisServer> masters = cluster.masters();
        assertThat(masters).hasSize(3);
        assertThat(cluster.replicas()).hasSize(3);
        assertThat(masters.stream().mapToInt(cluster::slotCount).sum()).isEqualTo(RedisClusterServer.SLOTS);
        RedisServer owner = cluster.masterOf("some-key");
        assertThat(owner.redisCli("SET", "some-key", "v")).isEqualTo("OK");
        assertThat(cluster.nodes().stream()
                        .filter(n -> n != owner)
                        .findFirst()
                        .orElseThrow()
                        .redisCli("GET", "some-key"))
                .startsWith("MOVED");
    }

    @Test
    @Order(2)
    @DisplayName("CLUSTER FAILOVER on a replica makes it the master of its master's slots")
    void failover() {
        RedisServer replica = cluster.replicas().get(0);
        RedisServer oldMaster = cluster.masterOfReplica(replica);
        int slots = cluster.slotCount(oldMaster);

        cluster.failover(replica);
        cluster.awaitHealthy();

        assertThat(cluster.masters()).contains(replica).doesNotContain(oldMaster);
        assertThat(cluster.slotCount(replica)).isEqualTo(slots);
    }

    @Test
    @Order(3)
    @DisplayName("reshard moves slots with their keys from one master to another")
    void reshard() {
        List<RedisServer> masters = cluster.masters();
        RedisServer from = masters.get(0);
        RedisServer to = masters.get(1);
        int before = cluster.slotCount(to);

        cluster.reshard(from, to, 100);

        assertThat(cluster.slotCount(to)).isEqualTo(before + 100);
        assertThat(cluster.masters().stream().mapToInt(cluster::slotCount).sum())
                .isEqualTo(RedisClusterServer.SLOTS);
    }

    @Test
    @Order(4)
    @DisplayName("a killed master's replica takes over; the restarted node rejoins as a replica")
    void killAndRestart() {
        RedisServer victim = cluster.masterOf("some-key");
        cluster.kill(victim);
        assertThat(victim.isRunning()).isFalse();
        cluster.awaitHealthy();
        RedisServer promoted = cluster.masterOf("some-key");
        assertThat(promoted).isNotEqualTo(victim);

        cluster.restart();

        assertThat(cluster.isRunning()).isTrue();
        assertThat(cluster.replicas()).contains(victim);
        assertThat(cluster.masters()).hasSize(3);
    }
}

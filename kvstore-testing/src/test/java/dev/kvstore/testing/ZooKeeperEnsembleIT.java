package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ZooKeeperEnsembleIT {

    @Test
    @DisplayName("a three-server ensemble keeps serving after its leader stops, and the leader can rejoin")
    void survivesLeaderLoss() throws Exception {
        try (ZooKeeperEnsemble ensemble = ZooKeeperEnsemble.start(3)) {
            assertThat(ensemble.size()).isEqualTo(3);
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper(ensemble.address(), 10_000, event -> {
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            try {
                assertThat(connected.await(30, TimeUnit.SECONDS)).isTrue();
                zk.create("/before", "1".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

                int leader = ensemble.leaderIndex();
                ensemble.stopServer(leader);
                assertThat(ensemble.isServerRunning(leader)).isFalse();
                assertThat(ensemble.leaderIndex()).isNotEqualTo(leader);

                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .ignoreExceptionsInstanceOf(KeeperException.class)
                        .until(() ->
                                zk.create("/after", "2".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)
                                        != null);
                assertThat(zk.getData("/before", false, null)).isEqualTo("1".getBytes());

                ensemble.restartServer(leader);
                assertThat(ensemble.isServerRunning(leader)).isTrue();
            } finally {
                zk.close();
            }
        }
    }
}

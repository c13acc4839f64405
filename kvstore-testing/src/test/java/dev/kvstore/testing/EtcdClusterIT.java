package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EtcdClusterIT {

    @Test
    @DisplayName("a three-member cluster keeps serving writes after its leader stops, and the leader can rejoin")
    void survivesLeaderLoss() {
        try (EtcdCluster etcd = EtcdCluster.start(3)) {
            assertThat(etcd.size()).isEqualTo(3);
            assertThat(etcd.address().split(","))
                    .hasSize(3)
                    .containsExactly(etcd.memberAddress(0), etcd.memberAddress(1), etcd.memberAddress(2));
            etcd.etcdctl("put", "before", "1");

            int leader = etcd.leaderIndex();
            etcd.stopMember(leader);
            assertThat(etcd.isMemberRunning(leader)).isFalse();

            int newLeader = etcd.leaderIndex();
            assertThat(newLeader).isNotEqualTo(leader);
            etcd.etcdctl("put", "after", "2");
            assertThat(new String(etcd.etcdctl("get", "--print-value-only", "before"), StandardCharsets.UTF_8))
                    .isEqualTo("1\n");

            etcd.restartMember(leader);
            assertThat(etcd.isMemberRunning(leader)).isTrue();
            assertThat(etcd.leaderIndex()).isBetween(0, 2);
        }
    }
}

package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisSentinelClusterIT {

    @Test
    @DisplayName("three sentinels report the master, and a failover moves it to the replica")
    void failover() {
        RedisSentinelCluster redis = RedisSentinelCluster.start("kvmaster");
        try {
            assertThat(redis.masterName()).isEqualTo("kvmaster");
            assertThat(redis.sentinelAddress().split(",")).hasSize(3).allMatch(a -> a.startsWith("127.0.0.1:"));
            String before = redis.masterAddress();
            assertThat(before).startsWith("127.0.0.1:");

            redis.failover();

            String after = redis.masterAddress();
            assertThat(after).startsWith("127.0.0.1:").isNotEqualTo(before);
            int port = Integer.parseInt(after.substring(after.indexOf(':') + 1));
            assertThat(Resp.call(port, "SET", "k", "v")).isEqualTo("OK");

            redis.close();
            assertThat(Resp.pings(port)).isFalse();
            for (String sentinel : redis.sentinelAddress().split(",")) {
                assertThat(Resp.pings(Integer.parseInt(sentinel.substring(sentinel.indexOf(':') + 1))))
                        .isFalse();
            }
            redis.close();
        } finally {
            redis.close();
        }
    }

    @Test
    @DisplayName(
            "stop and restart the master after a failover swapped the roles: one writable master, which the other server replicates")
    void restartAfterFailover() {
        try (RedisSentinelCluster redis = RedisSentinelCluster.start("kvmaster")) {
            redis.failover(); // the first replica is the master now; its start arguments name the other
            for (int round = 0; round < 2; round++) {
                String before = redis.masterAddress();
                redis.stop();
                redis.restart();

                String master = redis.masterAddress();
                int port = Integer.parseInt(master.substring(master.indexOf(':') + 1));
                assertThat(Resp.call(port, "SET", "k" + round, "v"))
                        .as("a write to the master %s (was %s) after round %d", master, before, round)
                        .isEqualTo("OK");
                assertThat(redis.isRunning()).isTrue();
            }
        }
    }
}

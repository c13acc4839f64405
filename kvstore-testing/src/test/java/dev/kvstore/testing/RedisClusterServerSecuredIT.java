package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisClusterServerSecuredIT {

    @Test
    @DisplayName(
            "an ACL user without a default password, over TLS: the cluster forms with replicas in sync, the tooling logs in as the user, anyone else is refused")
    void userOverTls() {
        try (RedisTls tls = RedisTls.generate();
                RedisClusterServer cluster = RedisClusterServer.builder()
                        .user("app", "app-pw")
                        .tls(tls)
                        .start()) {
            assertThat(cluster.masters()).hasSize(RedisClusterServer.MASTERS);
            assertThat(cluster.replicas()).hasSize(RedisClusterServer.MASTERS);
            RedisServer master = cluster.masterOf("k");
            assertThat(master.redisCli("ACL", "WHOAMI")).isEqualTo("app");
            assertThat(master.redisCli("SET", "k", "v")).isEqualTo("OK");
            RedisServer replica = cluster.replicas().stream()
                    .filter(r -> cluster.masterOfReplica(r).equals(master))
                    .findFirst()
                    .orElseThrow();
            assertThat(replica.redisCli("INFO", "replication")).contains("master_link_status:up");

            int port = master.port();
            assertThat(Resp.call(port, null, null, tls.clientSslContext(), "GET", "k"))
                    .as("no AUTH: the default user is off")
                    .isInstanceOfSatisfying(
                            Resp.Error.class, e -> assertThat(e.message()).startsWith("NOAUTH"));
            assertThat(Resp.call(port, "app", "wrong", tls.clientSslContext(), "GET", "k"))
                    .isInstanceOfSatisfying(
                            Resp.Error.class, e -> assertThat(e.message()).startsWith("WRONGPASS"));
            assertThat(Resp.call(port, "app", "app-pw", tls.clientSslContext(), "GET", "k"))
                    .isEqualTo("v");
            assertThat(Resp.pings(port)).as("plain PING on the TLS port").isFalse();
        }
    }

    @Test
    @DisplayName("names and passwords the server's command line could misread are refused")
    void checkedCredentials() {
        assertThatThrownBy(() -> RedisClusterServer.builder().password("a b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisClusterServer.builder().user("app", ">x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisServerIT {

    @Test
    @DisplayName(
            "starts on a loopback port, serves redis-cli, keeps data across stop and restart, and cleans up on close")
    void lifecycle() {
        RedisServer redis = RedisServer.start();
        Path dir = redis.directory();
        try {
            assertThat(redis.address()).isEqualTo("127.0.0.1:" + redis.port());
            assertThat(redis.redisCli("SET", "greeting", "hello")).isEqualTo("OK");
            assertThat(redis.redisCli("GET", "greeting")).isEqualTo("hello");
            assertThat(redis.redisCliRaw("GET", "greeting")).isEqualTo("hello\n".getBytes());

            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> redis.redisCli("PING"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Could not connect");

            int port = redis.port();
            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.isRunning()).isTrue();
            assertThat(redis.redisCli("GET", "greeting")).isEqualTo("hello");

            long pid = redis.process().pid();
            redis.close();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
            assertThat(Files.exists(dir)).isFalse();
            redis.close();
            assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class);
        } finally {
            redis.close();
        }
    }

    @Test
    @DisplayName("a server without persistence comes back empty after a restart")
    void withoutPersistence() {
        try (RedisServer redis = RedisServer.startWithoutPersistence()) {
            redis.redisCli("SET", "greeting", "hello");
            redis.restart();
            assertThat(redis.redisCli("EXISTS", "greeting")).isEqualTo("0");
        }
    }
}

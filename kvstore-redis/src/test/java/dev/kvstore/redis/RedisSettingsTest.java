package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreConfigurationException;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisSettingsTest {

    private static KvStoreConfig.Builder redis() {
        return KvStoreConfig.builder()
                .storeType("redis")
                .address("127.0.0.1:6379")
                .timeout(Duration.ofSeconds(3));
    }

    private static KvStoreConfig.Builder sentinel() {
        return KvStoreConfig.builder().storeType("redis-sentinel").address("127.0.0.1:26379, 127.0.0.1:26380");
    }

    @Test
    @DisplayName("defaults: database 0, no TLS, 16 MiB values, master sebaRedis for Sentinel")
    void defaults() {
        RedisSettings s = RedisSettings.of(redis().build(), false);
        assertThat(s.database()).isZero();
        assertThat(s.tls()).isFalse();
        assertThat(s.maxValueBytes()).isEqualTo(16L * 1024 * 1024);
        RedisURI uri = s.toUri();
        assertThat(uri.getHost()).isEqualTo("127.0.0.1");
        assertThat(uri.getPort()).isEqualTo(6379);
        assertThat(uri.getTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(RedisSettings.of(sentinel().build(), true).masterName()).isEqualTo("sebaRedis");
        assertThat(s.keyIndex()).isFalse();
    }

    @Test
    @DisplayName("key-index: true or false on redis and redis-sentinel; anything else fails before connecting")
    void keyIndex() {
        assertThat(RedisSettings.of(
                                redis().option(RedisOptions.KEY_INDEX, "true").build(), false)
                        .keyIndex())
                .isTrue();
        assertThat(RedisSettings.of(
                                sentinel()
                                        .option(RedisOptions.KEY_INDEX, "TRUE")
                                        .build(),
                                true)
                        .keyIndex())
                .isTrue();
        assertThat(RedisSettings.of(
                                redis().option(RedisOptions.KEY_INDEX, "false").build(), false)
                        .keyIndex())
                .isFalse();
        assertThatThrownBy(() -> RedisSettings.of(
                        redis().option(RedisOptions.KEY_INDEX, "yes").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining(RedisOptions.KEY_INDEX);
    }

    @Test
    @DisplayName("Sentinel: every listed sentinel and the master's name go into the URI")
    void sentinelUri() {
        RedisURI uri = RedisSettings.of(
                        sentinel().option("master-name", "mymaster").build(), true)
                .toUri();
        assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(uri.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380);
    }

    @Test
    @DisplayName("database, ACL user and password, TLS and value limit are applied")
    void options() {
        RedisSettings s = RedisSettings.of(
                redis().option("database", "2")
                        .option("username", "app")
                        .option("password", "s3cret")
                        .option("tls", "true")
                        .option("max-value-bytes", "1024")
                        .build(),
                false);
        RedisURI uri = s.toUri();
        assertThat(uri.getDatabase()).isEqualTo(2);
        assertThat(uri.getUsername()).isEqualTo("app");
        assertThat(new String(uri.getPassword())).isEqualTo("s3cret");
        assertThat(uri.isSsl()).isTrue();
        assertThat(s.maxValueBytes()).isEqualTo(1024);
        assertThat(s.toString()).doesNotContain("s3cret");
    }

    @Test
    @DisplayName("an unknown option fails, naming it")
    void unknownOption() {
        assertThatThrownBy(() -> RedisSettings.of(redis().option("databse", "1").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("databse");
    }

    @Test
    @DisplayName("an old option name fails, naming the new one")
    void renamedOption() {
        assertThatThrownBy(() ->
                        RedisSettings.of(redis().option("maxValueSize", "10").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("maxValueSize")
                .hasMessageContaining("max-value-bytes");
        assertThatThrownBy(() ->
                        RedisSettings.of(sentinel().option("masterName", "m").build(), true))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("master-name");
        assertThatThrownBy(() ->
                        RedisSettings.of(redis().option("tls.trustStore", "x").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls-ca-file");
    }

    @Test
    @DisplayName("master-name is a Sentinel option only")
    void masterNameOnlyForSentinel() {
        assertThatThrownBy(() ->
                        RedisSettings.of(redis().option("master-name", "m").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("master-name");
        assertThatThrownBy(() ->
                        RedisSettings.of(sentinel().option("master-name", " ").build(), true))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("master-name");
    }

    @Test
    @DisplayName("bad values fail: negative database, non-numbers, username without password, limits out of range")
    void badValues() {
        assertThatThrownBy(
                        () -> RedisSettings.of(redis().option("database", "-1").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("database");
        assertThatThrownBy(
                        () -> RedisSettings.of(redis().option("database", "one").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("database");
        assertThatThrownBy(
                        () -> RedisSettings.of(redis().option("username", "app").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(() -> RedisSettings.of(redis().option("tls", "yes").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls");
        assertThatThrownBy(() ->
                        RedisSettings.of(redis().option("max-value-bytes", "0").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("max-value-bytes");
        assertThatThrownBy(() -> RedisSettings.of(
                        redis().option("max-value-bytes", "536870913").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("max-value-bytes");
    }

    @Test
    @DisplayName("addresses: redis takes exactly one host:port; malformed ones fail")
    void addresses() {
        assertThatThrownBy(() -> RedisSettings.of(redis().address("a:1,b:2").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("redis-sentinel");
        assertThatThrownBy(() -> RedisSettings.of(redis().address("localhost").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class);
        assertThatThrownBy(() -> RedisSettings.of(redis().address("").build(), false))
                .isInstanceOf(KvStoreConfigurationException.class);
    }

    @Test
    @DisplayName("the providers check the configuration before connecting and name their storeTypes")
    void providers() {
        assertThat(new RedisKvStoreProvider().storeType()).isEqualTo("redis");
        assertThat(new RedisSentinelKvStoreProvider().storeType()).isEqualTo("redis-sentinel");
        assertThatThrownBy(() -> new RedisKvStoreProvider()
                        .create(redis().option("nope", "1").build()))
                .isInstanceOf(KvStoreConfigurationException.class);
    }

    @Test
    @DisplayName("TLS files: need tls=true, must be readable files, certificate and key go together")
    void tlsFiles(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "pem");
        RedisSettings s = RedisSettings.of(
                redis().option("tls", "true")
                        .option("tls-ca-file", ca.toString())
                        .option("tls-cert-file", ca.toString())
                        .option("tls-key-file", ca.toString())
                        .build(),
                false);
        assertThat(s.sslOptions().getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.toString()).contains("caFile=" + ca);
        assertThatThrownBy(() -> RedisSettings.of(
                        redis().option("tls-ca-file", ca.toString()).build(), false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls-ca-file")
                .hasMessageContaining("tls=true");
        assertThatThrownBy(() -> RedisSettings.of(
                        redis().option("tls", "true")
                                .option(
                                        "tls-ca-file",
                                        dir.resolve("missing.crt").toString())
                                .build(),
                        false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("missing.crt");
        assertThatThrownBy(() -> RedisSettings.of(
                        redis().option("tls", "true")
                                .option("tls-ca-file", dir.toString())
                                .build(),
                        false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("not a readable file");
        assertThatThrownBy(() -> RedisSettings.of(
                        redis().option("tls", "true")
                                .option("tls-cert-file", ca.toString())
                                .build(),
                        false))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("tls-key-file");
    }
}

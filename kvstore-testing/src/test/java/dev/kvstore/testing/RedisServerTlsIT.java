package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisServerTlsIT {

    @Test
    @DisplayName(
            "a TLS server serves redis-cli over TLS only, survives a restart, and its certificates are deleted on close")
    void tlsOnly() {
        Path ca;
        try (RedisTls tls = RedisTls.generate();
                RedisServer redis = RedisServer.startWithTls(tls)) {
            ca = tls.caCertificate();
            assertThat(ca).exists();
            assertThat(redis.redisCli("SET", "greeting", "hello")).isEqualTo("OK");
            assertThat(Resp.pings(redis.port()))
                    .as("plain PING on the TLS port")
                    .isFalse();

            redis.restart();
            assertThat(redis.redisCli("GET", "greeting")).isEqualTo("hello");
            assertThat(redis.isReady()).isTrue();
        }
        assertThat(Files.exists(ca)).isFalse();
    }

    @Test
    @DisplayName("the server certificate names 127.0.0.1 and localhost and chains to the CA, not to the other CA")
    void certificates() {
        try (RedisTls tls = RedisTls.generate()) {
            Path openssl = Binaries.require("openssl", "openssl");
            String text = Cli.run(
                            List.of(
                                    openssl.toString(),
                                    "x509",
                                    "-noout",
                                    "-ext",
                                    "subjectAltName",
                                    "-in",
                                    tls.serverCertificate().toString()),
                            Map.of())
                    .requireSuccess()
                    .stdoutText();
            assertThat(text).contains("IP Address:127.0.0.1").contains("DNS:localhost");
            assertThat(Cli.run(
                                    List.of(
                                            openssl.toString(),
                                            "verify",
                                            "-CAfile",
                                            tls.caCertificate().toString(),
                                            tls.serverCertificate().toString(),
                                            tls.clientCertificate().toString()),
                                    Map.of())
                            .exitCode())
                    .isZero();
            assertThat(Cli.run(
                                    List.of(
                                            openssl.toString(),
                                            "verify",
                                            "-CAfile",
                                            tls.otherCaCertificate().toString(),
                                            tls.serverCertificate().toString()),
                                    Map.of())
                            .exitCode())
                    .isNotZero();
        }
    }

    @Test
    @DisplayName("with mutual TLS, redis-cli presenting the client certificate is served and one without is refused")
    void mutualTls() {
        try (RedisTls tls = RedisTls.generate();
                RedisServer redis = RedisServer.startWithMutualTls(tls)) {
            assertThat(redis.redisCli("PING")).isEqualTo("PONG");
            Path redisCli = Binaries.require("redis-cli", Binaries.REDIS_PACKAGES);
            Cli.Result noCert = Cli.run(
                    List.of(
                            redisCli.toString(),
                            "-h",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(redis.port()),
                            "--tls",
                            "--cacert",
                            tls.caCertificate().toString(),
                            "PING"),
                    Map.of());
            assertThat(noCert.stdoutText()).doesNotContain("PONG");
        }
    }

    @Test
    @DisplayName("a missing openssl fails with an AssertionError that says how to install it")
    void missingOpenssl() {
        assertThatThrownBy(() -> Binaries.require("kvstore-no-such-openssl", "openssl"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("apt-get install -y openssl");
    }
}

package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdTlsServerIT {

    @Test
    @DisplayName(
            "generated certificates: a PKCS#8 key each, the server's SAN is 127.0.0.1, both certificates verify against the CA")
    void certificates(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.generate(dir);
        for (Path key : List.of(certs.caKey(), certs.serverKey(), certs.clientKey())) {
            assertThat(key).content().startsWith("-----BEGIN PRIVATE KEY-----");
        }
        String server = Cli.run(
                        List.of("openssl", "x509", "-in", certs.serverCert().toString(), "-noout", "-text"), Map.of())
                .requireSuccess()
                .stdoutText();
        assertThat(server).contains("IP Address:127.0.0.1").contains("TLS Web Server Authentication");
        String verify = Cli.run(
                        List.of(
                                "openssl",
                                "verify",
                                "-CAfile",
                                certs.caCert().toString(),
                                certs.serverCert().toString(),
                                certs.clientCert().toString()),
                        Map.of())
                .requireSuccess()
                .stdoutText();
        assertThat(verify).contains("server.pem: OK").contains("client.pem: OK");
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(6);
        }
    }

    @Test
    @DisplayName("mutual TLS: ready over https, etcdctl works with the client certificate and fails without it")
    void mutualTls(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.generate(dir);
        try (EtcdServer etcd = EtcdServer.startWithMutualTls(certs)) {
            etcd.etcdctl("put", "k", "v");
            assertThat(new String(etcd.etcdctl("get", "--print-value-only", "k"), StandardCharsets.UTF_8))
                    .isEqualTo("v\n");
            assertThat(etcd.isReady()).isTrue();
            String endpoint = "--endpoints=https://" + etcd.address();
            assertThatThrownBy(() -> Cli.run(
                                    List.of(
                                            etcd.etcdctlPath().toString(),
                                            endpoint,
                                            "--dial-timeout=1s",
                                            "--command-timeout=2s",
                                            "--cacert=" + certs.caCert(),
                                            "get",
                                            "k"),
                                    Map.of("ETCDCTL_API", "3"))
                            .requireSuccess())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with");

            etcd.stop();
            etcd.restart();
            assertThat(new String(etcd.etcdctl("get", "--print-value-only", "k"), StandardCharsets.UTF_8))
                    .isEqualTo("v\n");
        }
    }

    @Test
    @DisplayName("server-only TLS: etcdctl trusting the CA works, plain http does not")
    void serverTls(@TempDir Path dir) {
        TestCertificates certs = TestCertificates.generate(dir);
        try (EtcdServer etcd = EtcdServer.startWithTls(certs)) {
            etcd.etcdctl("put", "k", "v");
            String out = new String(
                    Cli.run(
                                    List.of(
                                            etcd.etcdctlPath().toString(),
                                            "--endpoints=https://" + etcd.address(),
                                            "--cacert=" + certs.caCert(),
                                            "get",
                                            "--print-value-only",
                                            "k"),
                                    Map.of("ETCDCTL_API", "3"))
                            .requireSuccess()
                            .stdout(),
                    StandardCharsets.UTF_8);
            assertThat(out).isEqualTo("v\n");
            assertThatThrownBy(() -> Cli.run(
                                    List.of(
                                            etcd.etcdctlPath().toString(),
                                            "--endpoints=http://" + etcd.address(),
                                            "--dial-timeout=1s",
                                            "--command-timeout=2s",
                                            "get",
                                            "k"),
                                    Map.of("ETCDCTL_API", "3"))
                            .requireSuccess())
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}

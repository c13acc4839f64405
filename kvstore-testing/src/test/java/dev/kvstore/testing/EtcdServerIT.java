package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EtcdServerIT {

    private static String get(EtcdServer etcd, String key) {
        return new String(etcd.etcdctl("get", "--print-value-only", key), StandardCharsets.UTF_8).strip();
    }

    @Test
    @DisplayName(
            "starts on a loopback port, serves etcdctl, keeps data across stop and restart, and cleans up on close")
    void lifecycle() {
        EtcdServer etcd = EtcdServer.start();
        Path dir = etcd.directory();
        try {
            assertThat(etcd.address()).isEqualTo("127.0.0.1:" + etcd.port());
            assertThat(etcd.isRunning()).isTrue();
            etcd.etcdctl("put", "greeting", "hello");
            assertThat(get(etcd, "greeting")).isEqualTo("hello");

            etcd.stop();
            assertThat(etcd.isRunning()).isFalse();
            assertThatThrownBy(() -> etcd.etcdctl("get", "greeting"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with");

            int port = etcd.port();
            etcd.restart();
            assertThat(etcd.port()).isEqualTo(port);
            assertThat(get(etcd, "greeting")).isEqualTo("hello");

            long pid = etcd.process().pid();
            etcd.close();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
            assertThat(Files.exists(dir)).isFalse();
            assertThat(etcd.isRunning()).isFalse();
            etcd.close();
            assertThatThrownBy(etcd::restart).isInstanceOf(IllegalStateException.class);
        } finally {
            etcd.close();
        }
    }
}

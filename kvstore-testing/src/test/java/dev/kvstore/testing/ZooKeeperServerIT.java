package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ZooKeeperServerIT {

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        }
    }

    @Test
    @DisplayName("starts on a loopback port, serves zkCli, keeps data across stop and restart, and cleans up on close")
    void lifecycle() {
        ZooKeeperServer zk = ZooKeeperServer.start();
        Path dir = zk.directory();
        try {
            assertThat(zk.address()).isEqualTo("127.0.0.1:" + zk.port());
            zk.zkCli("create", "/greeting", "hello");
            assertThat(zk.zkCli("get", "/greeting")).isEqualTo("hello");
            assertThatThrownBy(() -> zk.zkCli("get", "/missing"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Node does not exist");

            zk.stop();
            assertThat(zk.isRunning()).isFalse();
            assertThatThrownBy(() -> connect(zk.port())).isInstanceOf(IOException.class);

            int port = zk.port();
            zk.restart();
            assertThat(zk.port()).isEqualTo(port);
            assertThat(zk.isRunning()).isTrue();
            assertThat(zk.zkCli("get", "/greeting")).isEqualTo("hello");

            zk.close();
            assertThatThrownBy(() -> connect(port)).isInstanceOf(IOException.class);
            assertThat(Files.exists(dir)).isFalse();
            zk.close();
            assertThatThrownBy(zk::restart).isInstanceOf(IllegalStateException.class);
        } finally {
            zk.close();
        }
    }
}

package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    @DisplayName("hands out distinct loopback ports that can be bound")
    void distinctBindablePorts() throws IOException {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ports.add(FreePorts.next());
        }
        assertThat(ports).hasSize(20);
        int port = ports.iterator().next();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    @DisplayName("a closed port refuses connections and is never handed out again")
    void closedPort() {
        int closed = FreePorts.closedPort();
        assertThat(closed).isPositive();
        for (int i = 0; i < 20; i++) {
            assertThat(FreePorts.next()).isNotEqualTo(closed);
        }
        assertThat(Resp.pings(closed)).isFalse();
    }
}

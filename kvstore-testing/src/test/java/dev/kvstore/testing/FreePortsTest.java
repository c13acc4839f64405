package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    @DisplayName("ports come from below the kernel's ephemeral range, so no outgoing connection takes one")
    void belowEphemeralRange() {
        int low = FreePorts.ephemeralLow(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
        assertThat(low).as("Linux's ephemeral range is readable here").isGreaterThan(FreePorts.LOWEST + 1_000);
        for (int i = 0; i < 50; i++) {
            assertThat(FreePorts.next()).isBetween(FreePorts.LOWEST, low - 1);
        }
    }

    @Test
    @DisplayName("reads the range's first port, and 0 (the kernel picks) when the file is missing or odd")
    void readsRange(@TempDir Path dir) throws IOException {
        Path range = dir.resolve("ip_local_port_range");
        Files.writeString(range, "32768\t60999\n");
        assertThat(FreePorts.ephemeralLow(range)).isEqualTo(32768);
        Files.writeString(range, "garbage");
        assertThat(FreePorts.ephemeralLow(range)).isZero();
        assertThat(FreePorts.ephemeralLow(dir.resolve("missing"))).isZero();
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

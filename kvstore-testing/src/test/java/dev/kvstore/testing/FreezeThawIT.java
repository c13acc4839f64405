package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FreezeThawIT {

    static Stream<Arguments> servers() {
        return Stream.of(
                Arguments.of("etcd", (Supplier<TestServer>) EtcdServer::start),
                Arguments.of("redis", (Supplier<TestServer>) RedisServer::startWithoutPersistence),
                Arguments.of("zookeeper", (Supplier<TestServer>) ZooKeeperServer::start));
    }

    /** Whether the server accepts a connection and answers a byte within the bound. */
    private static boolean answers(String address, byte[] request, Duration bound) {
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout((int) bound.toMillis());
            socket.getOutputStream().write(request);
            return socket.getInputStream().read() >= 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            throw new AssertionError("cannot reach " + address, e);
        }
    }

    private static byte[] request(String name) {
        return switch (name) {
            case "redis" -> "PING\r\n".getBytes();
            case "zookeeper" -> "srvr".getBytes();
            default -> "GET /health HTTP/1.0\r\n\r\n".getBytes();
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    @DisplayName("freeze keeps the port open but answers nothing; thaw makes the server answer again")
    void freezeAndThaw(String name, Supplier<TestServer> starter) {
        try (TestServer server = starter.get()) {
            assertThat(server.canFreeze()).isTrue();
            assertThat(answers(server.address(), request(name), Duration.ofSeconds(5)))
                    .isTrue();

            server.freeze();
            server.freeze();
            assertThat(server.isFrozen()).isTrue();
            assertThat(server.isRunning()).isTrue();
            assertThat(answers(server.address(), request(name), Duration.ofMillis(1500)))
                    .isFalse();

            server.thaw();
            assertThat(server.isFrozen()).isFalse();
            assertThat(answers(server.address(), request(name), Duration.ofSeconds(5)))
                    .isTrue();

            server.freeze();
            server.stop(); // a frozen server still stops
            assertThat(server.isRunning()).isFalse();
            server.restart();
            assertThat(answers(server.address(), request(name), Duration.ofSeconds(5)))
                    .isTrue();
        }
    }
}

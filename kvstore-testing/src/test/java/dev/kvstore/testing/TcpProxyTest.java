package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The proxy in front of a small echo server on loopback. */
class TcpProxyTest {

    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException e) {
                            // the test reset it
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = TcpProxy.start("127.0.0.1:" + echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 2000);
        s.setSoTimeout(2000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("forwards bytes both ways on a loopback address")
    void forwards() throws IOException {
        assertThat(proxy.address()).isEqualTo("127.0.0.1:" + proxy.port());
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
            assertThat(roundTrip(s, "again")).isEqualTo("again");
        }
    }

    @Test
    @DisplayName("cut resets open connections and refuses new ones; restore accepts again on the same port")
    void cut() throws IOException {
        Socket s = connect();
        assertThat(roundTrip(s, "x")).isEqualTo("x");
        proxy.cut();
        assertThatThrownBy(() -> {
                    s.getOutputStream().write('y');
                    if (s.getInputStream().read() < 0) {
                        throw new IOException("closed");
                    }
                })
                .isInstanceOf(IOException.class);
        s.close();
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        assertThat(proxy.connections()).isZero();

        proxy.restore();
        try (Socket again = connect()) {
            assertThat(roundTrip(again, "back")).isEqualTo("back");
        }
    }

    @Test
    @DisplayName("a black hole keeps connections open and answers nothing; restore delivers what it held")
    void blackhole() throws IOException {
        try (Socket old = connect()) {
            assertThat(roundTrip(old, "a")).isEqualTo("a");
            proxy.blackhole();

            old.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
            old.setSoTimeout(700);
            InputStream in = old.getInputStream();
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);

            try (Socket fresh = connect()) { // accepted, but never answered
                fresh.setSoTimeout(700);
                fresh.getOutputStream().write('z');
                assertThatThrownBy(() -> fresh.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

                proxy.restore();
                fresh.setSoTimeout(5000);
                assertThat(fresh.getInputStream().read()).isEqualTo('z');
            }
            old.setSoTimeout(5000);
            assertThat(new String(in.readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("held");
        }
    }

    @Test
    @DisplayName("a closed client connection is closed towards the target too")
    void closes() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connections() == 0);
    }

    @Test
    @DisplayName("only a loopback target is accepted")
    void loopbackOnly() {
        assertThatThrownBy(() -> TcpProxy.start("10.0.0.1:80")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TcpProxy.start("example.org:80")).isInstanceOf(IllegalArgumentException.class);
    }
}

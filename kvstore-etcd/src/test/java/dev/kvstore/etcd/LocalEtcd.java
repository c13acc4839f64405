package dev.kvstore.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Temporary stand-in for kvstore-testing's EtcdServer (same method names) until branch
 * {@code testing} is merged.
 */
final class LocalEtcd implements AutoCloseable {
    private final int port;
    private final int peerPort;
    private final Path dir;
    private Process process;

    private LocalEtcd(int port, int peerPort, Path dir) {
        this.port = port;
        this.peerPort = peerPort;
        this.dir = dir;
    }

    static LocalEtcd start() {
        try {
            LocalEtcd e = new LocalEtcd(freePort(), freePort(), Files.createTempDirectory("etcd-it"));
            e.launch();
            return e;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    synchronized void launch() throws IOException {
        String client = "http://127.0.0.1:" + port;
        String peer = "http://127.0.0.1:" + peerPort;
        process = new ProcessBuilder("etcd", "--name", "n" + port, "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "n" + port + "=" + peer, "--log-level", "error", "--logger", "zap")
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        Instant until = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(until)) {
            try {
                etcdctl("endpoint", "health");
                return;
            } catch (RuntimeException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ie);
                }
            }
        }
        throw new IllegalStateException("etcd did not start: " + Files.readString(dir.resolve("etcd.log")));
    }

    synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
            process = null;
        }
    }

    synchronized void restart() {
        stop();
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    byte[] etcdctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints", address(), "--dial-timeout", "2s"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("etcdctl " + cmd + " failed: " + new String(err));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.kvstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.backend.Backend;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** watch: one line per event, text and JSON. */
class WatchCommandTest {

    final SharedBackends backends = new SharedBackends();

    @AfterEach
    void close() {
        backends.close();
    }

    /** Runs a watch command in the background; returns its stdout, stderr and status once it ends. */
    static final class Background {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<Integer> status;

        Background(BackendFactory backends, String... args) {
            Io io = new Io(InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), false, backends);
            status = CompletableFuture.supplyAsync(() -> Kvctl.run(io, args));
        }

        /** Waits until the command says its watch is active. */
        Background awaitActive() {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> err.toString(StandardCharsets.UTF_8).contains("watching"));
            return this;
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    @DisplayName("watch --prefix prints PUT and DELETE lines, relative keys, and stops after --count")
    void text() {
        Backend store = backends.backend(BasicCommandsTest.MEMORY);
        Background watch = new Background(backends, "watch", "--prefix", "cfg/", "--count", "3").awaitActive();
        store.put("cfg/a", "one\ntwo");
        store.put("other", "ignored");
        store.put("cfg/a", "three");
        store.delete("cfg/a");
        assertThat(watch.status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
        assertThat(watch.out().lines()).containsExactly("PUT cfg/a v1 one\\ntwo", "PUT cfg/a v2 three",
                "DELETE cfg/a");
    }

    @Test
    @DisplayName("watch KEY --json: every line parses back to the event; an exact watch ignores longer keys")
    void json() throws Exception {
        Backend store = backends.backend(BasicCommandsTest.MEMORY);
        Background watch = new Background(backends, "watch", "k", "--json", "--count", "2").awaitActive();
        store.put("k2", "not me");
        store.put("k", new byte[] {0, (byte) 0xfe});
        store.delete("k");
        assertThat(watch.status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
        List<Map<String, String>> events = BasicCommandsTest.jsonLines(watch.out.toByteArray());
        assertThat(events).containsExactly(
                Map.of("type", "PUT", "key", "k", "value", Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xfe}),
                        "version", "1"),
                Map.of("type", "DELETE", "key", "k", "value", "", "version", "0"));
    }

    @Test
    @DisplayName("watch --initial prints every existing key, then SYNCED, then the changes")
    void initial() {
        Backend store = backends.backend(BasicCommandsTest.MEMORY);
        store.put("cfg/a", "1");
        store.put("cfg/b", "2");
        Background watch = new Background(backends, "watch", "--prefix", "cfg/", "--initial", "--count", "4")
                .awaitActive();
        store.put("cfg/c", "3");
        assertThat(watch.status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
        assertThat(watch.out().lines()).containsExactly("PUT cfg/a v1 1", "PUT cfg/b v1 2", "SYNCED cfg/",
                "PUT cfg/c v1 3");
    }

    @Test
    @DisplayName("the watch ends when its thread is interrupted, exit 0")
    void interrupted() throws Exception {
        Background watch = new Background(backends, "watch", "x");
        watch.awaitActive();
        // the command runs in the common pool: interrupt it through the watch queue's waiting thread
        Thread waiting = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> java.util.Arrays.stream(t.getStackTrace())
                        .anyMatch(f -> f.getClassName().equals(WatchCommand.class.getName())))
                .findFirst().orElseThrow();
        waiting.interrupt();
        assertThat(watch.status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
    }
}

package dev.kvstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.backend.Backend;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** watch: one line per event, text and JSON; --initial, resync by default, --no-resync. */
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
            this(backends, null, args);
        }

        /** With stdout going through {@code gate} (which writes into {@link #out}) when not null. */
        Background(BackendFactory backends, Gate gate, String... args) {
            OutputStream stdout = gate == null ? out : gate.into(out);
            Io io = new Io(
                    InputStream.nullInputStream(),
                    new PrintStream(stdout, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    Map.of(),
                    false,
                    backends);
            status = CompletableFuture.supplyAsync(() -> Kvctl.run(io, args));
        }

        /** Interrupts the command's thread (the one waiting in WatchCommand.run), as Ctrl-C would stop it. */
        void interrupt() {
            Thread waiting = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> java.util.Arrays.stream(t.getStackTrace())
                            .anyMatch(f -> f.getClassName().equals(WatchCommand.class.getName())))
                    .findFirst()
                    .orElseThrow();
            waiting.interrupt();
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
        assertThat(watch.out().lines()).containsExactly("PUT cfg/a v1 one\\ntwo", "PUT cfg/a v2 three", "DELETE cfg/a");
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
        assertThat(events)
                .containsExactly(
                        Map.of(
                                "type",
                                "PUT",
                                "key",
                                "k",
                                "value",
                                Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xfe}),
                                "version",
                                "1"),
                        Map.of("type", "DELETE", "key", "k", "value", "", "version", "0"));
    }

    @Test
    @DisplayName("watch --initial prints every existing key, then SYNCED, then the changes")
    void initial() {
        Backend store = backends.backend(BasicCommandsTest.MEMORY);
        store.put("cfg/a", "1");
        store.put("cfg/b", "2");
        Background watch =
                new Background(backends, "watch", "--prefix", "cfg/", "--initial", "--count", "4").awaitActive();
        store.put("cfg/c", "3");
        assertThat(watch.status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
        assertThat(watch.out().lines())
                .containsExactly("PUT cfg/a v1 1", "PUT cfg/b v1 2", "SYNCED cfg/", "PUT cfg/c v1 3");
    }

    @Test
    @DisplayName("the watch ends when its thread is interrupted, exit 0")
    void interrupted() throws Exception {
        Background watch = new Background(backends, "watch", "x");
        watch.awaitActive();
        // the command runs in the common pool: interrupt the thread waiting in WatchCommand.run
        watch.interrupt();
        assertThat(watch.status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
    }

    /** A stdout that holds every write until opened, as a pipe whose reader has stopped reading. */
    static final class Gate {
        private final CountDownLatch open = new CountDownLatch(1);
        private final CountDownLatch blocked = new CountDownLatch(1);

        OutputStream into(OutputStream target) {
            return new FilterOutputStream(target) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    hold();
                    out.write(b, off, len);
                }

                @Override
                public void write(int b) throws IOException {
                    hold();
                    out.write(b);
                }
            };
        }

        private void hold() throws IOException {
            blocked.countDown();
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("gate interrupted");
            }
        }

        void awaitBlocked() throws InterruptedException {
            assertThat(blocked.await(10, TimeUnit.SECONDS))
                    .as("a write reached the gate")
                    .isTrue();
        }

        void open() {
            open.countDown();
        }
    }

    @Test
    @DisplayName("--initial prints a PUT per existing key, then SYNCED, then the changes; --count counts SYNCED too")
    void initialText() {
        Backend store = backends.backend(BasicCommandsTest.MEMORY);
        store.put("cfg/a", "a1");
        store.put("cfg/a", "a2");
        store.put("cfg/b", "two\nlines");
        store.put("other", "not watched");
        Background watch =
                new Background(backends, "watch", "cfg/", "--prefix", "--initial", "--count", "4").awaitActive();
        assertThat(watch.err.toString(StandardCharsets.UTF_8)).contains("current state first");
        store.put("cfg/c", "new");
        assertThat(watch.status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
        List<String> lines = watch.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.subList(0, 2)).containsExactlyInAnyOrder("PUT cfg/a v2 a2", "PUT cfg/b v1 two\\nlines");
        assertThat(lines.subList(2, 4)).containsExactly("SYNCED cfg/", "PUT cfg/c v1 new");
    }

    @Test
    @DisplayName(
            "--initial --json: the state as PUT objects, then {\"type\":\"SYNCED\"} with the watched key; a missing key gives SYNCED alone")
    void initialJson() throws Exception {
        Backend store = backends.backend(BasicCommandsTest.MEMORY);
        store.put("k", new byte[] {0, (byte) 0xfe});
        Background watch = new Background(backends, "watch", "k", "--initial", "--json", "--count", "3").awaitActive();
        store.delete("k");
        assertThat(watch.status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
        assertThat(BasicCommandsTest.jsonLines(watch.out.toByteArray()))
                .containsExactly(
                        Map.of("type", "PUT", "key", "k", "value", "AP4=", "version", "1"),
                        Map.of("type", "SYNCED", "key", "k", "value", "", "version", "0"),
                        Map.of("type", "DELETE", "key", "k", "value", "", "version", "0"));

        Background missing = new Background(backends, "watch", "nope", "--initial", "--count", "1").awaitActive();
        assertThat(missing.status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
        assertThat(missing.out().lines()).containsExactly("SYNCED nope");
    }

    /** Applies JSON Lines watch output to a view: PUT sets, DELETE removes; returns the event types seen. */
    static List<String> apply(byte[] output, Map<String, String> view) throws Exception {
        List<String> types = new ArrayList<>();
        for (Map<String, String> e : BasicCommandsTest.jsonLines(output)) {
            types.add(e.get("type"));
            if (e.get("type").equals("PUT")) {
                view.put(e.get("key"), new String(Base64.getDecoder().decode(e.get("value")), StandardCharsets.UTF_8));
            } else if (e.get("type").equals("DELETE")) {
                view.remove(e.get("key"));
            }
        }
        return types;
    }

    /** Writes 12,000 changes to 20 keys and deletes 5 of them: more than the watch's queue holds. */
    static Map<String, String> flood(Backend store) {
        for (int i = 0; i < 12_000; i++) {
            store.put("cfg/k" + (i % 20), "v" + i);
        }
        for (int k = 0; k < 5; k++) {
            store.delete("cfg/k" + k);
        }
        Map<String, String> state = new TreeMap<>();
        store.list("cfg/").values().forEach(p -> state.put(p.key(), p.valueAsString()));
        return state;
    }

    @Test
    @DisplayName("by default a watch whose stdout falls behind past the queue limit resyncs: "
            + "what it printed ends equal to the store, then SYNCED")
    void resyncAfterOverflow() throws Exception {
        Backend store = backends.backend(BasicCommandsTest.MEMORY);
        Gate gate = new Gate();
        Background watch = new Background(backends, gate, "watch", "cfg/", "--prefix", "--json").awaitActive();
        store.put("cfg/first", "1");
        gate.awaitBlocked();
        Map<String, String> finalState = flood(store);
        gate.open();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, String> printed = new TreeMap<>();
            List<String> types = apply(watch.out.toByteArray(), printed);
            assertThat(types).contains("SYNCED").doesNotContain("UNKNOWN");
            assertThat(printed).isEqualTo(finalState);
        });
        assertThat(apply(watch.out.toByteArray(), new TreeMap<>())).hasSizeLessThan(12_000);
        watch.interrupt();
        assertThat(watch.status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
    }

    @Test
    @DisplayName("--no-resync: the same overflow prints UNKNOWN (re-read yourself) and no SYNCED")
    void noResync() throws Exception {
        Backend store = backends.backend(BasicCommandsTest.MEMORY);
        Gate gate = new Gate();
        Background watch = new Background(backends, gate, "watch", "cfg/", "--prefix", "--no-resync").awaitActive();
        store.put("cfg/first", "1");
        gate.awaitBlocked();
        flood(store);
        gate.open();
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.out().lines().anyMatch("UNKNOWN cfg/"::equals));
        assertThat(watch.out()).doesNotContain("SYNCED");
        watch.interrupt();
        assertThat(watch.status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);
    }
}

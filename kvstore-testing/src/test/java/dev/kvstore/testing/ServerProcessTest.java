package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ServerProcessTest {

    private final Path dir = Dirs.create("process-test");

    @AfterEach
    void deleteDir() {
        Dirs.delete(dir);
    }

    private ServerProcess process(String script) {
        return new ServerProcess("test server", List.of("/bin/sh", "-c", script), dir, dir.resolve("server.log"));
    }

    @Test
    @DisplayName("a server that exits during start fails with its exit code and the tail of its log")
    void exitDuringStart() {
        ServerProcess process = process("echo 'bind: address already in use' >&2; exit 3");
        assertThatThrownBy(() -> process.start(() -> false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited during start with exit code 3")
                .hasMessageContaining("bind: address already in use");
        assertThat(process.isRunning()).isFalse();
    }

    @Test
    @DisplayName("a server that is not ready in time is stopped and fails with the tail of its log")
    void notReadyInTime() {
        ServerProcess process = process("echo still loading; exec sleep 60");
        process.launch();
        long pid = process.pid();
        assertThatThrownBy(() -> process.awaitReady(() -> false, Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was not ready within PT0.5S")
                .hasMessageContaining("still loading");
        assertThat(process.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
    }

    @Test
    @DisplayName("stop ends the process by its id and can be repeated")
    void stopIsIdempotent() {
        ServerProcess process = process("exec sleep 60");
        process.start(() -> true);
        long pid = process.pid();
        process.stop();
        process.stop();
        assertThat(process.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
    }
}

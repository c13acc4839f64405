package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ChildJvmTest {

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms();

    /** The child: prints its arguments and a line when asked to stop, then waits to be killed. */
    public static final class Sleeper {
        private Sleeper() {}

        public static void main(String[] args) throws InterruptedException {
            System.out.println("started " + String.join(" ", args));
            System.out.println("pid " + ProcessHandle.current().pid());
            System.out.flush();
            if (args.length > 0 && args[0].equals("exit")) {
                System.exit(3);
            }
            new java.util.concurrent.CountDownLatch(1).await(); // nothing counts it down: waits to be killed
        }
    }

    @Test
    @DisplayName("runs a main class of the test class path in a child JVM and reads its output lines")
    void runsAndReads() {
        ChildJvm child = jvms.start(Sleeper.class, "a", "b");
        assertThat(child.awaitLine(l -> l.startsWith("started"), Duration.ofSeconds(30)))
                .isEqualTo("started a b");
        assertThat(child.awaitLine(l -> l.startsWith("pid"), Duration.ofSeconds(5)))
                .isEqualTo("pid " + child.pid());
        assertThat(child.lines()).hasSize(2);
        assertThat(child.isAlive()).isTrue();
    }

    @Test
    @DisplayName("kill ends the child with SIGKILL by its pid")
    void kill() {
        ChildJvm child = jvms.start(Sleeper.class);
        child.awaitLine(l -> l.startsWith("started"), Duration.ofSeconds(30));
        Optional<ProcessHandle> handle = ProcessHandle.of(child.pid());
        child.kill();
        assertThat(child.isAlive()).isFalse();
        assertThat(handle.map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(child.waitFor(Duration.ofSeconds(1))).isEqualTo(128 + 9);
    }

    @Test
    @DisplayName("a child that exits reports its code, and waiting for a line it never prints fails")
    void exits() {
        ChildJvm child = jvms.start(Sleeper.class, "exit");
        assertThat(child.waitFor(Duration.ofSeconds(30))).isEqualTo(3);
        assertThatThrownBy(() -> child.awaitLine(l -> l.equals("never"), Duration.ofSeconds(5)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ended");
    }

    @Test
    @DisplayName("the extension kills every child after the test")
    void extensionKills() {
        ChildJvms own = new ChildJvms();
        ChildJvm child = own.start(Sleeper.class);
        own.afterEach(null);
        assertThat(child.isAlive()).isFalse();
    }
}

package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Runs a sample test class with the extension through the JUnit launcher and checks what it did. */
class TestServerExtensionTest {

    static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<>());

    /** A server that only records what is done to it. */
    static final class RecordingServer implements TestServer {
        private boolean running = true;
        private boolean frozen;

        RecordingServer() {
            EVENTS.add("start");
        }

        @Override
        public String address() {
            return "127.0.0.1:1,127.0.0.1:2";
        }

        @Override
        public void stop() {
            EVENTS.add("stop");
            running = false;
        }

        @Override
        public void restart() {
            EVENTS.add("restart");
            running = true;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public boolean canFreeze() {
            return true;
        }

        @Override
        public void freeze() {
            EVENTS.add("freeze");
            frozen = true;
        }

        @Override
        public void thaw() {
            if (frozen) {
                EVENTS.add("thaw");
            }
            frozen = false;
        }

        @Override
        public boolean isFrozen() {
            return frozen;
        }

        @Override
        public void close() {
            EVENTS.add("close");
        }
    }

    /** The sample: run only by the launcher below (Surefire skips nested classes). */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Sample {

        @RegisterExtension
        static final TestServerExtension<RecordingServer> SERVER = TestServerExtension.of(RecordingServer::new);

        @Test
        @Order(1)
        void stops() {
            EVENTS.add("test stops");
            SERVER.server().stop();
        }

        @Test
        @Order(2)
        void freezes() {
            EVENTS.add("test freezes");
            assertThat(SERVER.server().isRunning()).isTrue();
            SERVER.server().freeze();
        }

        @Test
        @Order(3)
        void unreachable() {
            EVENTS.add("test unreachable");
            assertThat(SERVER.unreachableAddress()).matches("127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+");
        }

        @Nested
        class Inner {
            @Test
            void sharesTheServer() {
                EVENTS.add("test nested");
                assertThat(SERVER.server().isFrozen()).isFalse();
                assertThat(SERVER.address()).isEqualTo("127.0.0.1:1,127.0.0.1:2");
            }
        }
    }

    @Test
    @DisplayName(
            "starts one server for the class and its nested classes, repairs it after each test, closes it after the class")
    void lifecycle() {
        EVENTS.clear();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(
                LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(Sample.class))
                        .build(),
                listener);
        TestExecutionSummary summary = listener.getSummary();

        assertThat(summary.getFailures()).isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(4);
        assertThat(EVENTS)
                .containsExactly(
                        "start",
                        "test stops",
                        "stop",
                        "restart",
                        "test freezes",
                        "freeze",
                        "thaw",
                        "test unreachable",
                        "test nested",
                        "close");
    }
}

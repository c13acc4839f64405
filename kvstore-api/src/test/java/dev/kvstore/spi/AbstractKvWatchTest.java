package dev.kvstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class AbstractKvWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A watch driven by hand, as a store's driver would. */
    static final class TestWatch extends AbstractKvWatch {
        int gaps;

        TestWatch(Consumer<KvEvent> listener) {
            super("test", "k", true, listener);
        }

        @Override
        protected void onClose() {}

        void lost() {
            connectionLost();
        }

        void restored(boolean missed) {
            connectionRestored(missed);
        }

        void later(CompletableFuture<KvEvent> event) {
            deliverInOrder(event);
        }
    }

    @Test
    void oneConnectionDownPerLossAndUnknownOnlyWhenChangesMayHaveBeenMissed() {
        List<EventType> seen = new CopyOnWriteArrayList<>();
        TestWatch w = new TestWatch(e -> seen.add(e.type()));
        w.lost();
        w.lost();
        w.lost();
        assertThat(w.isConnectionDown()).isTrue();
        w.restored(false); // resumed exactly: no UNKNOWN
        w.restored(true); // no loss recorded: nothing
        w.lost();
        w.restored(true);
        await().atMost(WAIT).until(() -> seen.size() >= 3);
        assertThat(seen).containsExactly(EventType.CONNECTION_DOWN, EventType.CONNECTION_DOWN, EventType.UNKNOWN);
        assertThat(w.isConnectionDown()).isFalse();
        w.close();
    }

    @Test
    void connectionStateWaitsForEventsStillBeingRead() {
        List<KvEvent> seen = new CopyOnWriteArrayList<>();
        TestWatch w = new TestWatch(seen::add);
        CompletableFuture<KvEvent> read = new CompletableFuture<>();
        w.later(read);
        w.lost();
        CompletableFuture<KvEvent> failedRead = new CompletableFuture<>();
        w.later(failedRead);
        w.later(CompletableFuture.failedFuture(new IllegalStateException("second failure of a run")));
        w.restored(true); // a gap right after a gap: one UNKNOWN
        w.later(CompletableFuture.completedFuture(KvEvent.delete("k2")));
        failedRead.completeExceptionally(new IllegalStateException("read failed"));
        read.complete(KvEvent.put("k1", new byte[] {1}, 3));
        await().atMost(WAIT).until(() -> seen.size() >= 4);
        assertThat(seen)
                .extracting(KvEvent::type)
                .containsExactly(EventType.PUT, EventType.CONNECTION_DOWN, EventType.UNKNOWN, EventType.DELETE);
        assertThat(seen.get(0).key()).isEqualTo("k1");
        w.close();
    }

    @Test
    void nothingAfterClose() {
        List<KvEvent> seen = new CopyOnWriteArrayList<>();
        TestWatch w = new TestWatch(seen::add);
        w.close();
        w.lost();
        assertThat(w.isConnectionDown()).isFalse();
        w.later(CompletableFuture.completedFuture(KvEvent.delete("k")));
        assertThat(seen).isEmpty();
    }
}

package dev.kvstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ListenerDispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void deliversInOrderOffTheCallersThread() {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        ListenerDispatcher d = new ListenerDispatcher("test", e -> {
            threads.add(Thread.currentThread());
            seen.add(e.key());
        });
        for (int i = 0; i < 10_000; i++) {
            d.dispatch(KvEvent.delete("k" + i));
        }
        await().atMost(WAIT).until(() -> seen.size() == 10_000);
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.get(i)).isEqualTo("k" + i);
        }
        assertThat(threads).doesNotContain(Thread.currentThread());
        assertThat(threads).allMatch(Thread::isDaemon);
    }

    @Test
    void aThrowingListenerKeepsReceiving() {
        AtomicInteger calls = new AtomicInteger();
        ListenerDispatcher d = new ListenerDispatcher("test", e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("on purpose (ListenerDispatcherTest)");
        });
        d.dispatch(KvEvent.delete("a"));
        d.dispatch(KvEvent.delete("b"));
        await().atMost(WAIT).until(() -> calls.get() == 2);
    }

    @Test
    void aSlowListenerDelaysOnlyItself() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        ListenerDispatcher slow = new ListenerDispatcher("slow", e -> {
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicInteger fastCalls = new AtomicInteger();
        ListenerDispatcher fast = new ListenerDispatcher("fast", e -> fastCalls.incrementAndGet());
        slow.dispatch(KvEvent.delete("a"));
        slow.dispatch(KvEvent.delete("b"));
        for (int i = 0; i < 100; i++) {
            fast.dispatch(KvEvent.delete("x"));
        }
        await().atMost(WAIT).until(() -> fastCalls.get() == 100);
        assertThat(slow.pending()).isEqualTo(1);
        release.countDown();
        await().atMost(WAIT).until(() -> slow.pending() == 0);
    }

    @Test
    void closeWaitsForACallInProgressAndStopsDelivery() throws Exception {
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        ListenerDispatcher d = new ListenerDispatcher("test", e -> {
            calls.incrementAndGet();
            inListener.countDown();
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            finished.incrementAndGet();
        });
        d.dispatch(KvEvent.delete("a"));
        d.dispatch(KvEvent.delete("b"));
        assertThat(inListener.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        Thread closer = new Thread(d::close);
        closer.start();
        await().atMost(WAIT).until(() -> closer.getState() == Thread.State.WAITING || !closer.isAlive());
        assertThat(closer.isAlive()).as("close waits for the call in progress").isTrue();
        release.countDown();
        closer.join(WAIT.toMillis());
        assertThat(closer.isAlive()).isFalse();
        assertThat(finished.get()).isEqualTo(1);
        d.dispatch(KvEvent.delete("c"));
        assertThat(d.isClosed()).isTrue();
        assertThat(d.pending()).isZero();
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void closeFromTheListenerItselfDoesNotDeadlock() {
        AtomicInteger calls = new AtomicInteger();
        ListenerDispatcher[] self = new ListenerDispatcher[1];
        self[0] = new ListenerDispatcher("test", e -> {
            calls.incrementAndGet();
            self[0].close();
        });
        self[0].dispatch(KvEvent.delete("a"));
        self[0].dispatch(KvEvent.delete("b"));
        await().atMost(WAIT).until(() -> self[0].isClosed());
        assertThat(calls.get()).isEqualTo(1);
    }
}

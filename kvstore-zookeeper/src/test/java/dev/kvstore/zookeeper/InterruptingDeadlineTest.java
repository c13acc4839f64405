package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterruptingDeadlineTest {

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted(); // never leak one into the next test, whatever failed
    }

    /** Blocks until interrupted. */
    private static Void blockUntilInterrupted() throws InterruptedException {
        new CountDownLatch(1).await();
        throw new AssertionError("not reached");
    }

    @Test
    @DisplayName("a call that blocks past the timeout is interrupted, reported as a timeout, and no interrupt is left")
    void firesAndClears() {
        InterruptingDeadline deadline = InterruptingDeadline.start(Duration.ofMillis(50));
        assertThatThrownBy(() -> deadline.call(InterruptingDeadlineTest::blockUntilInterrupted))
                .isInstanceOf(TimeoutException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(deadline.expired()).isTrue();
        assertThat(deadline.stopped()).isTrue();
        assertThat(deadline.timedOut()).isTrue();
        deadline.finish();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    @DisplayName("calls that end before, at or after the moment the timer fires leave no interrupt (many runs)")
    void finishesFirst() throws Exception {
        int fired = 0;
        for (int i = 0; i < 300; i++) {
            InterruptingDeadline deadline = InterruptingDeadline.start(Duration.ofMillis(5));
            long spinNanos = TimeUnit.MILLISECONDS.toNanos(i % 16);
            long start = System.nanoTime();
            String expected = "v" + i;
            String value;
            try {
                if (i % 3 == 0) {
                    // ends right after the timer fired (it interrupts under the lock expired() takes), so its
                    // interrupt is still set when the call ends and must be cleared
                    value = deadline.call(() -> {
                        while (!deadline.expired() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
                            Thread.onSpinWait();
                        }
                        return expected;
                    });
                } else {
                    // spins (never waits, so an interrupt does not stop it) for 0 to 15 ms around the deadline
                    value = deadline.call(() -> {
                        while (System.nanoTime() - start < spinNanos) {
                            Thread.onSpinWait();
                        }
                        return expected;
                    });
                }
            } catch (TimeoutException e) {
                // the timer fired before the call started (a loaded machine): nothing ran
                assertThat(deadline.expired()).isTrue();
                value = expected;
            }
            assertThat(value).isEqualTo(expected);
            assertThat(Thread.currentThread().isInterrupted())
                    .as("interrupt left after run %d", i)
                    .isFalse();
            fired += deadline.expired() ? 1 : 0;
            deadline.finish();
        }
        assertThat(fired)
                .as("runs in which the timer fired during or after the call")
                .isGreaterThan(100);
    }

    @Test
    @DisplayName("a call that finishes before the timeout leaves no interrupt, and the timer then interrupts nobody")
    void noInterruptAfterTheCall() throws Exception {
        InterruptingDeadline deadline = InterruptingDeadline.start(Duration.ofMillis(20));
        assertThat(deadline.<String, RuntimeException>call(() -> "quick")).isEqualTo("quick");
        await().atMost(Duration.ofSeconds(5)).until(deadline::expired);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        deadline.finish();
    }

    @Test
    @DisplayName("an interrupt from someone else stops the call, is reported as such, and is kept")
    void foreignInterruptKept() throws Exception {
        InterruptingDeadline deadline = InterruptingDeadline.start(Duration.ofSeconds(30));
        Thread caller = Thread.currentThread();
        CountDownLatch entered = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            try {
                entered.await();
            } catch (InterruptedException e) {
                return;
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> caller.getState() == Thread.State.WAITING);
            caller.interrupt();
        });
        other.start();
        assertThatThrownBy(() -> deadline.call(() -> {
                    entered.countDown();
                    return blockUntilInterrupted();
                }))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(deadline.expired()).isFalse();
        assertThat(deadline.stopped()).isTrue();
        assertThat(deadline.timedOut()).isFalse();

        // no further request runs; the interrupt stays
        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(() -> deadline.call(() -> {
                    ran.set(true);
                    return null;
                }))
                .isInstanceOf(InterruptedException.class);
        assertThat(ran).isFalse();
        assertThat(Thread.interrupted()).isTrue();
        deadline.finish();
        other.join();
    }

    @Test
    @DisplayName("an interrupt someone else set before the call stops it at once, and is kept")
    void pendingForeignInterruptKept() {
        InterruptingDeadline deadline = InterruptingDeadline.start(Duration.ofSeconds(30));
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> deadline.call(InterruptingDeadlineTest::blockUntilInterrupted))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isTrue();
        deadline.finish();
    }

    @Test
    @DisplayName("once the timeout has passed no request runs, and no interrupt is left")
    void expiredBeforeTheCall() {
        InterruptingDeadline deadline = InterruptingDeadline.start(Duration.ofMillis(20));
        await().atMost(Duration.ofSeconds(5)).until(deadline::expired);
        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(() -> deadline.call(() -> {
                    ran.set(true);
                    return null;
                }))
                .isInstanceOf(TimeoutException.class);
        assertThat(ran).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        deadline.finish();
    }
}

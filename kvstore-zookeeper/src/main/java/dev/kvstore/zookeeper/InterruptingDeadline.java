package dev.kvstore.zookeeper;

import dev.kvstore.spi.Futures;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The timeout of blocking calls made on the calling thread: ZooKeeper's synchronous API waits for
 * its reply without a deadline of its own (its {@code zookeeper.request.timeout} drops the whole
 * connection), so when the timeout passes this interrupts the thread, and the call in progress
 * throws {@link InterruptedException}, which {@link #call} reports as a {@link TimeoutException}.
 *
 * <p>No interrupt of its own outlives a call: the timer interrupts the thread only while a
 * {@link #call} runs, and it fires and a call ends under one lock; a call that ends after the timer
 * interrupted it clears that interrupt if the call did not consume it. An interrupt from anyone
 * else is kept (a call it stopped throws {@link InterruptedException} with the thread's interrupt
 * status set again). Only where the two coincide, set before the call looks, do they count as one:
 * the timer's.
 *
 * <p>The timer is {@link Futures#withTimeout} on a private future, so that calls due in the same
 * tick share one timer task; it fires up to one tick (10 ms) late.
 *
 * <p>Threads: made, {@linkplain #call used} and {@linkplain #finish finished} by one thread, the
 * caller; the timer fires on a {@code kvstore-timer-worker} thread.
 */
final class InterruptingDeadline {

    /** A blocking request. */
    @FunctionalInterface
    interface Blocking<T, E extends Exception> {
        /**
         * Runs the request.
         *
         * @return its value
         * @throws E its failure
         * @throws InterruptedException when the waiting thread was interrupted
         */
        T call() throws E, InterruptedException;
    }

    private final Thread caller;
    private final CompletableFuture<Void> alarm = new CompletableFuture<>();

    /** Whether a {@link #call} runs now, so that the timer may interrupt it; guarded by this. */
    private boolean running;
    /** Whether the timeout has passed; guarded by this. */
    private boolean fired;
    /** Whether a call was stopped (by the timer or by someone else); the caller's thread only. */
    private boolean stopped;
    /** Whether the timer stopped it; the caller's thread only. */
    private boolean timedOut;

    private InterruptingDeadline(Thread caller) {
        this.caller = caller;
    }

    /**
     * Starts the deadline of calls made on the current thread.
     *
     * @param timeout how long from now the calls may run; positive
     * @return the deadline
     */
    static InterruptingDeadline start(Duration timeout) {
        InterruptingDeadline d = new InterruptingDeadline(Thread.currentThread());
        Futures.withTimeout(d.alarm, timeout, CancellationException::new).whenComplete((v, t) -> {
            if (t != null) {
                d.fire();
            }
        });
        return d;
    }

    private void fire() {
        synchronized (this) {
            fired = true;
            if (running) {
                caller.interrupt();
            }
        }
    }

    /**
     * Runs a blocking request on the calling thread until it ends or the timeout passes. Nothing is
     * run once the timeout has passed or an earlier call was stopped (it throws as that one did).
     *
     * @param request the request
     * @return its value
     * @throws E the request's own failure
     * @throws TimeoutException when the timeout passed before or during the call (the request may
     *     have been sent, and may still be applied); the thread is left as it would be without the
     *     timer
     * @throws InterruptedException when someone else interrupted the call; the thread's interrupt
     *     status is set again
     */
    <T, E extends Exception> T call(Blocking<T, E> request) throws E, TimeoutException, InterruptedException {
        synchronized (this) {
            if (fired) {
                stopped = true;
                timedOut = true;
                throw new TimeoutException();
            }
            if (stopped) {
                throw new InterruptedException(); // someone else's interrupt stopped an earlier call
            }
            running = true;
        }
        T value;
        try {
            value = request.call();
        } catch (InterruptedException e) {
            stopped = true;
            if (end()) {
                // The timer's interrupt (consumed by the call); an interrupt still set is someone else's.
                timedOut = true;
                throw new TimeoutException();
            }
            caller.interrupt(); // someone else's: keep it
            throw e;
        } catch (Exception | Error e) {
            clearTimersInterrupt(end());
            throw e;
        }
        clearTimersInterrupt(end());
        return value;
    }

    /** Ends a call: from here on the timer interrupts nobody. Whether it interrupted this call. */
    private boolean end() {
        synchronized (this) {
            running = false;
            return fired;
        }
    }

    private static void clearTimersInterrupt(boolean fired) {
        if (fired) {
            // It fired while the call ran, and the call finished without consuming its interrupt.
            Thread.interrupted();
        }
    }

    /**
     * Whether the timeout has passed.
     *
     * @return {@code true} once the timer has fired
     */
    boolean expired() {
        synchronized (this) {
            return fired;
        }
    }

    /**
     * Whether a call was stopped: by the timeout (then {@link #expired()}) or by someone else's
     * interrupt.
     *
     * @return {@code true} once a {@link #call} threw {@link TimeoutException} or
     *     {@link InterruptedException}
     */
    boolean stopped() {
        return stopped;
    }

    /**
     * Whether a call was stopped by the timeout (rather than by someone else's interrupt).
     *
     * @return {@code true} once a {@link #call} threw {@link TimeoutException}
     */
    boolean timedOut() {
        return timedOut;
    }

    /** Stops the timer, once the calls are done. */
    void finish() {
        alarm.complete(null);
    }
}

package dev.kvstore.spi;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Lets a caller that only waits for an operation's future (the façade's blocking forms) tell the
 * store's client so, and lets the client then complete that future on the thread its driver's
 * reply arrives on instead of handing it to a thread of its own first. Such a hand-off exists so
 * that no user code (a stage chained on the future) runs on the driver's I/O thread; when nobody
 * chains anything and the caller is parked in {@code get}, it only costs one more thread wake-up
 * per operation (measured on etcd: the largest part of the façade's extra CPU per blocking read).
 *
 * <p>The caller runs the operation inside {@link #call}; the client, when it starts the operation,
 * {@linkplain #claim claims} the call's {@link Ticket}, {@linkplain Ticket#bind binds} it to the
 * future it is about to return, and completes that future through
 * {@link Ticket#executor(Executor)}. The ticket runs completions in place only once the caller has
 * received that very future back from the operation (confirmed by {@link #call} after the operation
 * returns): a future the caller built on top of it (a stage of its own, run wherever the inner
 * future completes) keeps the hand-off, and so does a reply that arrives before the confirmation.
 * Only the first claim of a call gets the ticket, so operations a client starts for its own needs
 * inside the call keep theirs too.
 *
 * <p>A client that never claims a ticket simply keeps its hand-off; nothing else changes.
 *
 * <p>Threads: {@link #call} and {@link #claim} work on the calling thread only (a thread-local
 * scope); a ticket may be read from any thread.
 */
public final class WaitingCaller {

    private static final ThreadLocal<Ticket> CURRENT = new ThreadLocal<>();

    private WaitingCaller() {}

    /**
     * Starts an operation for a caller that will only wait for its future ({@code get} or
     * {@code join}, and {@code cancel} on a timeout) and attach no stage to it.
     *
     * @param operation starts the client's operation
     * @param <T> the future's value
     * @return the operation's future, as it returned it
     */
    public static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
        Ticket outer = CURRENT.get();
        Ticket ticket = new Ticket();
        CURRENT.set(ticket);
        CompletableFuture<T> f;
        try {
            f = operation.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
        ticket.confirm(f);
        return f;
    }

    /**
     * For a client starting an operation: the ticket of the enclosing {@link #call}, if there is
     * one and nothing has claimed it yet.
     *
     * @return the ticket, or {@code null} outside a call or when already claimed
     */
    public static Ticket claim() {
        Ticket t = CURRENT.get();
        if (t == null || t.claimed) {
            return null;
        }
        t.claimed = true;
        return t;
    }

    /**
     * The executor a client completes an operation's future on: the ticket's when there is one,
     * else {@code fallback}.
     *
     * @param ticket a claimed ticket, or {@code null}
     * @param fallback the client's own hand-off
     * @return where to complete the future
     */
    public static Executor executor(Ticket ticket, Executor fallback) {
        Objects.requireNonNull(fallback, "fallback");
        return ticket == null ? fallback : ticket.executor(fallback);
    }

    /**
     * One waiting call: whether the future a client bound to it is the one its caller waits on.
     * Claimed and bound on the caller's thread; read on any thread.
     */
    public static final class Ticket {
        /** Only the caller's thread reads or writes it. */
        private boolean claimed;
        /** Written by the caller's thread before the operation returns its future. */
        private CompletableFuture<?> bound;
        /** Set once the caller holds {@link #bound}: completions may run in place from then on. */
        private volatile boolean confirmed;

        private Ticket() {}

        /**
         * Says which future the client will return for the claimed operation; call it before the
         * reply can arrive (before sending the request).
         *
         * @param future the future the client returns
         */
        public void bind(CompletableFuture<?> future) {
            this.bound = Objects.requireNonNull(future, "future");
        }

        private void confirm(CompletableFuture<?> returned) {
            if (bound != null && bound == returned) {
                confirmed = true;
            }
        }

        /**
         * Whether the caller waits on the bound future itself, so that completing it in place runs
         * no stage of anybody's.
         *
         * @return {@code true} once confirmed
         */
        public boolean waitedOn() {
            return confirmed;
        }

        /**
         * Runs a completion in place when {@link #waitedOn()}, otherwise on {@code fallback};
         * decided when the completion is handed over, not when this executor is made.
         *
         * @param fallback the client's own hand-off
         * @return the executor
         */
        public Executor executor(Executor fallback) {
            Objects.requireNonNull(fallback, "fallback");
            return task -> {
                if (confirmed) {
                    task.run();
                } else {
                    fallback.execute(task);
                }
            };
        }
    }
}

package dev.kvstore.backend;

import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.observe.BackendInstrumentation;
import dev.kvstore.backend.observe.OperationObservation;
import dev.kvstore.backend.observe.OperationObservation.Outcome;
import dev.kvstore.spi.Futures;
import dev.kvstore.spi.Keys;
import dev.kvstore.spi.StoreErrors;
import dev.kvstore.spi.WaitingCaller;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How the {@link Backend} runs one client operation: checks its arguments and joins its key to the
 * path prefix, starts it, waits for it (blocking forms) or
 * bounds it (asynchronous forms) by the timeout, maps its failure to what the caller sees, and
 * records liveness. One per Backend; every Backend method is a one-line call into it, so that a
 * new operation needs no new plumbing.
 *
 * <p>The rules (contract §6, §7): an operation the store answered means alive, even when it
 * failed with an error or the argument was refused; a {@link KvStoreUnavailableException} or a
 * timeout means not alive. A {@link KvStoreException}, {@link NullPointerException} or
 * {@link IllegalArgumentException} reaches the caller as it is; anything else is wrapped in a
 * {@link KvStoreException} that keeps it as the cause.
 *
 * <p>Threads: any thread may call any method; blocking methods block only their caller, for at
 * most the timeout. Asynchronous results complete on the client's thread, or on a
 * {@code kvstore-timer-worker} thread when the timeout passes first.
 *
 * <p>Instrumentation: with a {@link BackendInstrumentation} every operation it runs is observed
 * (started on the caller's thread, ended when the caller gets the result); without one (null) the
 * only cost is one null check per operation.
 */
final class Calls {

    /** The observed name of {@link #check} and {@link #checkAsync}. */
    private static final String LIVENESS_CHECK = "livenessCheck";

    private final String storeType;
    /** The path prefix and its "/", or empty for none. */
    private final String keyPrefix;

    private final Duration timeout;
    private final long timeoutNanos;
    /** The client bounds every operation by the same timeout: async forms need no timer of ours. */
    private final boolean clientBoundsTimeout;

    private final Liveness liveness;
    /** Null when the Backend has no observer. */
    private final BackendInstrumentation instrumentation;

    Calls(
            String storeType,
            String keyPrefix,
            Duration timeout,
            boolean clientBoundsTimeout,
            Liveness liveness,
            BackendInstrumentation instrumentation) {
        this.storeType = storeType;
        this.keyPrefix = keyPrefix;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.clientBoundsTimeout = clientBoundsTimeout;
        this.liveness = liveness;
        this.instrumentation = instrumentation;
    }

    /**
     * Checks a key the user passed (at most {@link KvStoreClient#MAX_KEY_BYTES}, whatever the path
     * prefix) and joins it to the path prefix. A refused key counts as an answer for liveness
     * (contract §6: a bad argument still means alive).
     *
     * @param key the key, relative to the path prefix
     * @return the full key
     */
    String key(String key) {
        try {
            Keys.checkKey(key, KvStoreClient.MAX_KEY_BYTES);
        } catch (RuntimeException e) {
            throw rejected(e);
        }
        return keyPrefix.isEmpty() ? key : keyPrefix.concat(key);
    }

    /**
     * Checks a prefix the user passed and joins it to the path prefix, as {@link #key} does.
     *
     * @param prefix the prefix, relative to the path prefix; may be empty
     * @return the full prefix
     */
    String prefix(String prefix) {
        try {
            Keys.checkPrefix(prefix, KvStoreClient.MAX_KEY_BYTES);
        } catch (RuntimeException e) {
            throw rejected(e);
        }
        return keyPrefix.isEmpty() ? prefix : keyPrefix.concat(prefix);
    }

    /**
     * Checks that an argument is not null, as {@link #key} does.
     *
     * @param value the argument
     * @param what its name
     * @return the argument
     */
    <T> T notNull(T value, String what) {
        if (value == null) {
            throw rejected(new NullPointerException(what));
        }
        return value;
    }

    /**
     * Runs an operation and waits for it, at most the timeout; a late operation is cancelled.
     *
     * @param op the operation's name, for messages
     * @param key the full key or prefix it is on
     * @param operation starts the client's operation
     * @return its value
     */
    <T> T await(String op, String key, Supplier<CompletableFuture<T>> operation) {
        if (instrumentation != null) {
            return observe(op, () -> awaitPlain(op, key, operation));
        }
        return awaitPlain(op, key, operation);
    }

    private <T> T awaitPlain(String op, String key, Supplier<CompletableFuture<T>> operation) {
        // this thread only waits on f: the client may complete it on its I/O thread (no hand-off)
        CompletableFuture<T> f = issue(() -> WaitingCaller.call(operation));
        return await(f, op, key, () -> f.cancel(true));
    }

    /**
     * Runs an operation asynchronously, bounded by the timeout (unless the client bounds it).
     *
     * @param op the operation's name, for messages
     * @param key the full key or prefix it is on
     * @param operation starts the client's operation
     * @return completes with its value, or exceptionally as {@link #await} throws
     */
    <T> CompletableFuture<T> async(String op, String key, Supplier<CompletableFuture<T>> operation) {
        if (instrumentation != null) {
            return observeAsync(op, () -> asyncPlain(op, key, operation));
        }
        return asyncPlain(op, key, operation);
    }

    private <T> CompletableFuture<T> asyncPlain(String op, String key, Supplier<CompletableFuture<T>> operation) {
        CompletableFuture<T> f = issue(operation);
        if (f.isDone() && !f.isCompletedExceptionally()) {
            liveness.record(true);
            return f;
        }
        CompletableFuture<T> bounded = clientBoundsTimeout
                ? f
                : Futures.withTimeout(f, timeout, () -> StoreErrors.timedOut(storeType, op, key, timeout));
        return bounded.handle((value, e) -> {
            if (e == null) {
                liveness.record(true);
                return value;
            }
            throw failure(e, op, key);
        });
    }

    /**
     * Opens a watch and waits until the store confirms it; a watch confirmed after the timeout is
     * closed.
     *
     * @param key the full key or prefix
     * @param operation starts the client's watch
     * @return the active watch
     */
    KvWatch awaitWatch(String key, Supplier<CompletableFuture<KvWatch>> operation) {
        if (instrumentation != null) {
            return observe("createWatch", () -> awaitWatchPlain(key, operation));
        }
        return awaitWatchPlain(key, operation);
    }

    private KvWatch awaitWatchPlain(String key, Supplier<CompletableFuture<KvWatch>> operation) {
        CompletableFuture<KvWatch> f = issue(operation);
        return await(f, "watch", key, () -> closeLateWatch(f));
    }

    /**
     * Opens a watch asynchronously; a watch the store confirms after the timeout (or after the
     * returned future was cancelled) is closed.
     *
     * @param key the full key or prefix
     * @param operation starts the client's watch
     * @return completes with the active watch
     */
    CompletableFuture<KvWatch> asyncWatch(String key, Supplier<CompletableFuture<KvWatch>> operation) {
        if (instrumentation != null) {
            return observeAsync("createWatch", () -> asyncWatchPlain(key, operation));
        }
        return asyncWatchPlain(key, operation);
    }

    private CompletableFuture<KvWatch> asyncWatchPlain(String key, Supplier<CompletableFuture<KvWatch>> operation) {
        CompletableFuture<KvWatch> f = issue(operation);
        if (f.isDone() && !f.isCompletedExceptionally()) {
            liveness.record(true);
            return f;
        }
        // Our own future: the store's is never completed by us, so a late watch reaches us and is closed.
        CompletableFuture<KvWatch> result = Futures.withTimeout(
                new CompletableFuture<>(), timeout, () -> failure(new TimeoutException(), "watch", key));
        f.whenComplete((w, e) -> {
            if (e == null) {
                if (result.complete(w)) {
                    liveness.record(true);
                } else {
                    w.close();
                }
            } else if (!result.isDone()) {
                result.completeExceptionally(failure(e, "watch", key));
            }
        });
        return result;
    }

    /**
     * Asks the store whether it answers, waiting at most the timeout, and records the answer.
     *
     * @param check starts the client's check
     * @return {@code true} if it answered yes in time
     */
    boolean check(Supplier<CompletableFuture<Boolean>> check) {
        if (instrumentation != null) {
            return observe(LIVENESS_CHECK, () -> checkPlain(check));
        }
        return checkPlain(check);
    }

    private boolean checkPlain(Supplier<CompletableFuture<Boolean>> check) {
        boolean up;
        CompletableFuture<Boolean> f = null;
        try {
            f = check.get();
            up = Boolean.TRUE.equals(f.get(timeoutNanos, TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            f.cancel(true);
            throw interrupted(e, "liveness check", null);
        } catch (TimeoutException e) {
            f.cancel(true);
            up = false;
        } catch (ExecutionException | RuntimeException e) {
            up = false;
        }
        liveness.record(up);
        return up;
    }

    /**
     * Asks the store whether it answers, asynchronously, and records the answer.
     *
     * @param check starts the client's check
     * @return completes with the answer within the timeout; never exceptionally
     */
    CompletableFuture<Boolean> checkAsync(Supplier<CompletableFuture<Boolean>> check) {
        if (instrumentation != null) {
            return observeAsync(LIVENESS_CHECK, () -> checkAsyncPlain(check));
        }
        return checkAsyncPlain(check);
    }

    private CompletableFuture<Boolean> checkAsyncPlain(Supplier<CompletableFuture<Boolean>> check) {
        CompletableFuture<Boolean> f;
        try {
            f = check.get();
        } catch (RuntimeException e) {
            liveness.record(false);
            return CompletableFuture.completedFuture(false);
        }
        return Futures.withTimeout(f, timeout, () -> StoreErrors.timedOut(storeType, "liveness check", null, timeout))
                .handle((up, e) -> {
                    boolean state = e == null && Boolean.TRUE.equals(up);
                    liveness.record(state);
                    return state;
                });
    }

    /**
     * Records an operation refused before it started (bad argument, value too large, closed
     * client): the store was not asked, so it still counts as alive, unless the refusal says the
     * store is unavailable.
     *
     * @param e the refusal
     * @return {@code e}, to throw
     */
    RuntimeException rejected(RuntimeException e) {
        liveness.record(!(e instanceof KvStoreUnavailableException));
        return e;
    }

    /**
     * The listener a watch is opened with: the user's, or with an instrumentation one that shows
     * each event to it first.
     *
     * @param listener the user's listener
     * @return the listener to give the client
     */
    Consumer<KvEvent> listener(Consumer<KvEvent> listener) {
        BackendInstrumentation i = instrumentation;
        if (i == null) {
            return listener;
        }
        return event -> {
            i.watchEvent(event);
            listener.accept(event);
        };
    }

    /**
     * Closes a watch, observed as {@code deleteWatch}.
     *
     * @param watch the watch
     */
    void deleteWatch(KvWatch watch) {
        if (instrumentation == null) {
            watch.close();
            return;
        }
        observe("deleteWatch", () -> {
            watch.close();
            return null;
        });
    }

    /** Runs a blocking form under an observation. */
    private <T> T observe(String op, Supplier<T> call) {
        OperationObservation o = instrumentation.start(op);
        T value;
        try {
            value = call.get();
        } catch (RuntimeException | Error e) {
            o.end(outcome(e), e);
            throw e;
        }
        opened(value);
        o.end(outcome(op, value), null);
        return value;
    }

    /**
     * Runs an asynchronous form under an observation, ended when its future completes and before
     * the caller's future is completed (inside {@link OperationObservation#complete}). Cancelling
     * the caller's future cancels the form's.
     */
    private <T> CompletableFuture<T> observeAsync(String op, Supplier<CompletableFuture<T>> call) {
        OperationObservation o = instrumentation.start(op);
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException | Error e) {
            o.end(outcome(e), e);
            throw e;
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        f.whenComplete((value, e) -> {
            if (e == null) {
                opened(value);
                o.end(outcome(op, value), null);
                o.complete(() -> result.complete(value));
            } else {
                Throwable cause = Futures.unwrap(e);
                o.end(outcome(cause), cause);
                o.complete(() -> result.completeExceptionally(e));
            }
        });
        result.whenComplete((value, e) -> {
            if (result.isCancelled()) {
                f.cancel(true);
            }
        });
        return result;
    }

    private void opened(Object value) {
        if (value instanceof KvWatch w) {
            instrumentation.watchOpened(w);
        }
    }

    private static Outcome outcome(String op, Object value) {
        // A liveness check that got no answer in time is the store being unavailable.
        return LIVENESS_CHECK.equals(op) && Boolean.FALSE.equals(value) ? Outcome.UNAVAILABLE : Outcome.ofValue(value);
    }

    private static Outcome outcome(Throwable e) {
        return Outcome.ofFailure(e);
    }

    /** Starts a client operation; an error it throws at once is rethrown as {@link #rejected} says. */
    private <T> CompletableFuture<T> issue(Supplier<CompletableFuture<T>> operation) {
        try {
            return operation.get();
        } catch (RuntimeException e) {
            throw rejected(e);
        }
    }

    private <T> T await(CompletableFuture<T> f, String op, String key, Runnable abandon) {
        T value;
        try {
            value = f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), op, key);
        } catch (TimeoutException e) {
            abandon.run();
            throw failure(e, op, key);
        } catch (CancellationException e) {
            throw new KvStoreException(StoreErrors.message(storeType, op, key, "it was cancelled"), e);
        } catch (InterruptedException e) {
            abandon.run();
            throw interrupted(e, op, key);
        }
        liveness.record(true);
        return value;
    }

    /** Maps a failure to what the caller sees, recording liveness. */
    private RuntimeException failure(Throwable failure, String op, String key) {
        RuntimeException e = StoreErrors.forCaller(storeType, op, key, timeout, failure);
        liveness.record(!(e instanceof KvStoreUnavailableException));
        return e;
    }

    private KvStoreException interrupted(InterruptedException e, String op, String key) {
        Thread.currentThread().interrupt();
        return new KvStoreException(StoreErrors.message(storeType, op, key, "interrupted while waiting"), e);
    }

    private static void closeLateWatch(CompletableFuture<KvWatch> f) {
        f.whenComplete((w, e) -> {
            if (w != null) {
                w.close();
            }
        });
    }
}

package dev.kvstore.backend.internal;

import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.observe.BackendInstrumentation;
import dev.kvstore.backend.observe.OperationObservation;
import dev.kvstore.backend.observe.OperationObservation.Outcome;
import dev.kvstore.spi.Futures;
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
 * Store calls of the recipes, each bounded by the Backend's timeout and recorded for its liveness
 * exactly as the Backend's own operations are (an unreachable store or a timeout means not alive;
 * any other answer means alive), and observed by the Backend's instrumentation as its own
 * operations are: a lock's transaction is a {@code commit} in the metrics and a span in the trace.
 *
 * <p>Thread-safe and stateless beyond its fields; called from the callers' threads and from the
 * recipes' background tasks.
 */
final class Calls {

    private final KvStoreClient client;
    private final String storeType;
    private final Duration timeout;
    private final Consumer<Boolean> liveness;
    /** Null without observers. */
    private final BackendInstrumentation instrumentation;

    private static final OperationObservation NOT_OBSERVED = (outcome, error) -> {};

    Calls(
            KvStoreClient client,
            String storeType,
            Duration timeout,
            Consumer<Boolean> liveness,
            BackendInstrumentation instrumentation) {
        this.client = client;
        this.storeType = storeType;
        this.timeout = timeout;
        this.liveness = liveness;
        this.instrumentation = instrumentation;
    }

    KvStoreClient client() {
        return client;
    }

    Duration timeout() {
        return timeout;
    }

    String storeType() {
        return storeType;
    }

    /** Fails before anything is sent when the store does not declare {@code capability}. */
    void require(KvCapability capability, String what) {
        if (!client.capabilities().contains(capability)) {
            throw new UnsupportedOperationException(
                    storeType + " does not declare " + capability + ", which " + what + " needs");
        }
    }

    /**
     * Runs one store call and waits for it, at most the timeout. The call is started as a
     * {@link WaitingCaller}'s: {@code call} must return the store's future itself, with no stage of
     * its own attached (stages attached on other threads, as a refresh on a serial executor does,
     * claim nothing and stay as they are).
     *
     * @throws KvStoreUnavailableException if the store is unreachable or did not answer in time
     * @throws KvStoreException if the store failed the call, or the wait was interrupted
     */
    <T> T await(String op, String key, Supplier<CompletableFuture<T>> call) {
        if (instrumentation == null) {
            return awaitUnobserved(op, key, call);
        }
        OperationObservation o = instrumentation.start(op);
        T value;
        try {
            value = awaitUnobserved(op, key, call);
        } catch (RuntimeException e) {
            o.end(Outcome.ofFailure(e), e);
            throw e;
        }
        o.end(Outcome.ofValue(value), null);
        return value;
    }

    private <T> T awaitUnobserved(String op, String key, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> f;
        try {
            // this thread only waits on f: the client may complete it on its I/O thread (no hand-off),
            // as for the Backend's blocking forms; a call started on another thread claims nothing
            f = WaitingCaller.call(call);
        } catch (RuntimeException e) {
            liveness.accept(!(e instanceof KvStoreUnavailableException));
            throw e;
        }
        T value;
        try {
            value = f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), op, key);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw failure(e, op, key);
        } catch (CancellationException e) {
            throw new KvStoreException(StoreErrors.message(storeType, op, key, "cancelled"), e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new KvStoreException(StoreErrors.message(storeType, op, key, "interrupted"), e);
        }
        liveness.accept(true);
        return value;
    }

    /**
     * Opens a watch and waits until it is active, at most the timeout; a watch the store confirms
     * after that is closed.
     */
    KvWatch watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        CompletableFuture<KvWatch> ours = new CompletableFuture<>();
        return await("watch", key, () -> {
            client.watch(key, withPrefix, listener).whenComplete((w, e) -> {
                if (e != null) {
                    ours.completeExceptionally(e);
                } else if (!ours.complete(w)) {
                    w.close();
                }
            });
            return ours;
        });
    }

    /** Runs one store call asynchronously, bounded by the timeout; fails as {@link #await} throws. */
    <T> CompletableFuture<T> async(String op, String key, Supplier<CompletableFuture<T>> call) {
        OperationObservation o = instrumentation == null ? NOT_OBSERVED : instrumentation.start(op);
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            liveness.accept(!(e instanceof KvStoreUnavailableException));
            o.end(Outcome.ofFailure(e), e);
            return CompletableFuture.failedFuture(e);
        }
        return Futures.withTimeout(f, timeout, () -> StoreErrors.timedOut(storeType, op, key, timeout))
                .handle((value, e) -> {
                    if (e == null) {
                        liveness.accept(true);
                        o.end(Outcome.ofValue(value), null);
                        return value;
                    }
                    RuntimeException failure = failure(e, op, key);
                    o.end(Outcome.ofFailure(failure), failure);
                    throw failure;
                });
    }

    private RuntimeException failure(Throwable failure, String op, String key) {
        RuntimeException e = StoreErrors.forCaller(storeType, op, key, timeout, failure);
        liveness.accept(!(e instanceof KvStoreUnavailableException));
        return e;
    }
}

package dev.kvstore.zookeeper;

import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.spi.Futures;
import dev.kvstore.spi.StoreErrors;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.apache.zookeeper.KeeperException;

/**
 * Turns ZooKeeper's and Curator's failures into kvstore's exceptions through the SPI's
 * {@link StoreErrors} (message shape {@code zookeeper <operation> "<key>" failed: <reason>}, the
 * driver's exception as the cause), and the small future plumbing that continues a stage on a
 * ZooKeeper error code.
 */
final class ZooKeeperErrors {

    private static final String STORE = ZooKeeperKvStoreProvider.STORE_TYPE;

    /** Codes that mean ZooKeeper could not be reached or could not serve now. */
    private static final Set<KeeperException.Code> UNAVAILABLE = EnumSet.of(
            KeeperException.Code.CONNECTIONLOSS,
            KeeperException.Code.SESSIONEXPIRED,
            KeeperException.Code.OPERATIONTIMEOUT,
            KeeperException.Code.SESSIONMOVED,
            KeeperException.Code.REQUESTTIMEOUT,
            KeeperException.Code.NOTREADONLY,
            KeeperException.Code.THROTTLEDOP);

    private ZooKeeperErrors() {}

    /** A failure with the house message shape and no driver cause. */
    static KvStoreException failure(String op, String subject, String reason) {
        return new KvStoreException(StoreErrors.message(STORE, op, subject, reason));
    }

    /** A failure with the house message shape and a driver cause. */
    static KvStoreException failure(String op, String subject, String reason, Throwable cause) {
        return new KvStoreException(StoreErrors.message(STORE, op, subject, reason), cause);
    }

    /** The failure of an operation that did not complete within the timeout. */
    static KvStoreUnavailableException timedOut(String op, String subject, Duration timeout) {
        return new KvStoreUnavailableException(
                StoreErrors.message(STORE, op, subject, "no answer within the timeout of " + timeout),
                new TimeoutException());
    }

    /**
     * The failure of a blocking call that someone else interrupted (the thread's interrupt status
     * stays set), as the Backend reports an interrupted wait.
     */
    static KvStoreException interrupted(String op, String subject) {
        return new KvStoreException(
                StoreErrors.message(STORE, op, subject, "interrupted while waiting"), new InterruptedException());
    }

    /** The failure of an operation started on (or outlived by) a closed client. */
    static KvStoreException closed(String op, String subject) {
        return failure(op, subject, "the zookeeper client is closed");
    }

    /**
     * Translates a failure of an operation.
     *
     * @return {@link KvStoreUnavailableException} when ZooKeeper could not be reached, the session
     *     expired or the operation timed out; otherwise a {@link KvStoreException}
     */
    static KvStoreException translate(String op, String subject, Throwable error, boolean clientClosed) {
        Throwable t = Futures.unwrap(error);
        KeeperException ke = keeperException(t);
        if (ke != null && (ke.code() == KeeperException.Code.NOAUTH || ke.code() == KeeperException.Code.AUTHFAILED)) {
            return new KvStoreException(
                    StoreErrors.message(
                            STORE,
                            op,
                            subject,
                            "not authorized by ZooKeeper (" + ke.code() + "); check the username and password options"),
                    t);
        }
        if (ke == null && clientClosed && !(t instanceof KvStoreException)) {
            return new KvStoreException(StoreErrors.message(STORE, op, subject, "the zookeeper client is closed"), t);
        }
        if (ke != null && UNAVAILABLE.contains(ke.code())) {
            return new KvStoreUnavailableException(
                    StoreErrors.message(STORE, op, subject, "ZooKeeper is unreachable (" + ke.code() + ")"), t);
        }
        return StoreErrors.translate(STORE, op, subject, t, x -> false);
    }

    /** Whether a failure means ZooKeeper could not be reached (for writes: their outcome is unknown). */
    static boolean isUnavailable(Throwable t) {
        KeeperException ke = keeperException(Futures.unwrap(t));
        return ke != null && UNAVAILABLE.contains(ke.code());
    }

    /** The {@link KeeperException} in a failure's causes, or null. */
    static KeeperException keeperException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof KeeperException ke) {
                return ke;
            }
        }
        return null;
    }

    /** Whether a ZooKeeper result code means the connection (not the request) failed. */
    static boolean isConnectionProblem(int rc) {
        return rc == KeeperException.Code.CONNECTIONLOSS.intValue()
                || rc == KeeperException.Code.SESSIONEXPIRED.intValue()
                || rc == KeeperException.Code.SESSIONMOVED.intValue()
                || rc == KeeperException.Code.OPERATIONTIMEOUT.intValue();
    }

    /** Completes {@code f} with a value or an error. */
    static <T> void complete(CompletableFuture<T> f, T value, Throwable error) {
        if (error == null) {
            f.complete(value);
        } else {
            f.completeExceptionally(error);
        }
    }

    /**
     * Continues a stage: {@code next} gets the result and null, or null and the failure's ZooKeeper
     * code (a failure that is no {@link KeeperException} fails as it is); returning null from
     * {@code next} completes with the original result or error.
     */
    static <T, R> CompletableFuture<R> recover(
            CompletionStage<T> stage, BiFunction<T, KeeperException.Code, CompletableFuture<R>> next) {
        CompletableFuture<R> out = new CompletableFuture<>();
        stage.whenComplete((value, error) -> {
            CompletableFuture<R> r;
            try {
                if (error == null) {
                    r = next.apply(value, null);
                } else {
                    KeeperException ke = keeperException(error);
                    r = ke == null ? null : next.apply(null, ke.code());
                }
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
                return;
            }
            if (r == null) {
                if (error == null) {
                    out.complete(null);
                } else {
                    out.completeExceptionally(error);
                }
                return;
            }
            r.whenComplete((v, t) -> complete(out, v, t));
        });
        return out;
    }
}

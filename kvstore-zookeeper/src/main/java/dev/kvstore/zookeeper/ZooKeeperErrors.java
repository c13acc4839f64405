package dev.kvstore.zookeeper;

import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.apache.zookeeper.KeeperException;

/**
 * Turns ZooKeeper's and Curator's failures into kvstore's exceptions, with the message shape
 * {@code zookeeper <operation> "<key>" failed: <reason>} and the driver's exception as the cause;
 * and the small future plumbing that continues a stage on a ZooKeeper error code.
 */
final class ZooKeeperErrors {

    private ZooKeeperErrors() {
    }

    /** {@code zookeeper <op> "<subject>"}, the start of every message. */
    static String describe(String op, String subject) {
        return ZooKeeperKvStoreProvider.STORE_TYPE + " " + op + " \"" + subject + "\"";
    }

    /** The failure of an operation that did not complete within the timeout (may have been applied). */
    static KvStoreUnavailableException timedOut(String op, String subject, ZooKeeperSettings settings) {
        return new KvStoreUnavailableException(describe(op, subject) + " failed: ZooKeeper at "
                + settings.connectString() + " did not answer within " + settings.timeout()
                + " (a write may still have been applied)", new TimeoutException());
    }

    /** The failure of an operation started on (or outlived by) a closed client. */
    static KvStoreException closed(String op, String subject) {
        return new KvStoreException(describe(op, subject) + " failed: the zookeeper client is closed");
    }

    /**
     * Translates a failure of an operation.
     *
     * @return {@link KvStoreUnavailableException} when ZooKeeper could not be reached, the session
     *     expired or the operation timed out; otherwise a {@link KvStoreException}
     */
    static KvStoreException translate(String op, String subject, Throwable error, ZooKeeperSettings settings,
            boolean clientClosed) {
        Throwable t = unwrap(error);
        if (t instanceof KvStoreException e) {
            return e;
        }
        String what = describe(op, subject) + " failed: ";
        if (t instanceof TimeoutException) {
            return timedOut(op, subject, settings);
        }
        KeeperException ke = keeperException(t);
        if (ke != null) {
            switch (ke.code()) {
                case CONNECTIONLOSS:
                case SESSIONEXPIRED:
                case OPERATIONTIMEOUT:
                case SESSIONMOVED:
                case REQUESTTIMEOUT:
                case NOTREADONLY:
                case THROTTLEDOP:
                    return new KvStoreUnavailableException(what + "ZooKeeper at " + settings.connectString()
                            + " is unavailable (" + ke.code() + "; a write may still have been applied)", t);
                case NOAUTH:
                case AUTHFAILED:
                    return new KvStoreException(what + "not authorized by ZooKeeper (" + ke.code()
                            + "); check the username and password options", t);
                default:
                    return new KvStoreException(what + ke.getMessage(), t);
            }
        }
        if (clientClosed) {
            return new KvStoreException(what + "the zookeeper client is closed", t);
        }
        return new KvStoreException(what + t, t);
    }

    /** The cause below {@link CompletionException}s and {@link ExecutionException}s. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
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
    static <T, R> CompletableFuture<R> recover(CompletionStage<T> stage,
            BiFunction<T, KeeperException.Code, CompletableFuture<R>> next) {
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

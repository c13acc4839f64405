package dev.kvstore.etcd;

import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns jetcd's and gRPC's failures into kvstore's exceptions, keeping them as the cause. */
final class EtcdErrors {

    private EtcdErrors() {
    }

    /**
     * Translates a failure of an operation.
     *
     * @param what the operation, for the message (such as {@code get "a/b"})
     * @param failure what jetcd completed the future with
     * @return {@link KvStoreUnavailableException} when etcd could not be reached or did not answer
     *     in time; otherwise a {@link KvStoreException}
     */
    static KvStoreException translate(String what, Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof KvStoreException e) {
            return e;
        }
        if (isUnavailable(t)) {
            return new KvStoreUnavailableException("etcd " + what + " failed: etcd is unreachable or did not answer ("
                    + describe(t) + ")", t);
        }
        return new KvStoreException("etcd " + what + " failed: " + describe(t), t);
    }

    /**
     * Whether a failure means etcd cannot be reached (gRPC {@code UNAVAILABLE},
     * {@code DEADLINE_EXCEEDED}, a lost connection).
     *
     * @param failure the failure
     * @return {@code true} if the store is unreachable
     */
    static boolean isUnavailable(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof KvStoreUnavailableException) {
            return true;
        }
        Status.Code code = code(t);
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
            return true;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The gRPC status code of a failure, from jetcd's exception or gRPC's.
     *
     * @param failure the failure
     * @return the code; {@link Status.Code#UNKNOWN} when none is found
     */
    static Status.Code code(Throwable failure) {
        Throwable t = unwrap(failure);
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof EtcdException e) {
                try {
                    Status.Code code = Status.Code.valueOf(e.getErrorCode().name());
                    if (code != Status.Code.UNKNOWN) {
                        return code;
                    }
                } catch (IllegalArgumentException ignored) {
                    // not a gRPC code name: look further down the causes
                }
            }
        }
        return Status.fromThrowable(t).getCode();
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}

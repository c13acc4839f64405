package dev.kvstore.etcd;

import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.spi.Futures;
import dev.kvstore.spi.StoreErrors;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;

/**
 * Turns jetcd's and gRPC's failures into kvstore's exceptions, in the shape every store uses
 * ({@code etcd <operation> "<key>" failed: <reason>}, through {@link StoreErrors}), keeping them as
 * the cause. What is etcd's own is the test of "unreachable" and the reading of gRPC codes.
 */
final class EtcdErrors {

    private EtcdErrors() {}

    /**
     * Translates a failure of an operation.
     *
     * @param operation the operation, such as {@code get}
     * @param key the key or prefix it was on; {@code null} for none
     * @param failure what jetcd completed the future with
     * @return {@link KvStoreUnavailableException} when etcd could not be reached or did not answer
     *     in time; otherwise a {@link KvStoreException}
     */
    static KvStoreException translate(String operation, String key, Throwable failure) {
        return StoreErrors.translate(
                EtcdKvStoreProvider.STORE_TYPE, operation, key, failure, EtcdErrors::isUnavailable);
    }

    /**
     * The failure of an operation that got no answer within the timeout.
     *
     * @param operation the operation
     * @param key the key or prefix; {@code null} for none
     * @param timeout the timeout that passed
     * @return the exception
     */
    static KvStoreUnavailableException timedOut(String operation, String key, Duration timeout) {
        return StoreErrors.timedOut(EtcdKvStoreProvider.STORE_TYPE, operation, key, timeout);
    }

    /**
     * A failure that is not etcd's: the operation cannot be done, for the reason given.
     *
     * @param operation the operation
     * @param key the key or prefix; {@code null} for none
     * @param reason why
     * @return the exception
     */
    static KvStoreException failed(String operation, String key, String reason) {
        return new KvStoreException(StoreErrors.message(EtcdKvStoreProvider.STORE_TYPE, operation, key, reason));
    }

    /**
     * Whether a failure means etcd cannot be reached (gRPC {@code UNAVAILABLE},
     * {@code DEADLINE_EXCEEDED}, a lost connection).
     *
     * @param failure the failure
     * @return {@code true} if the store is unreachable
     */
    static boolean isUnavailable(Throwable failure) {
        Throwable t = Futures.unwrap(failure);
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
        Throwable t = Futures.unwrap(failure);
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
}

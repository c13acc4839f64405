package dev.kvstore.spi;

import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * One shape for every store's error messages: {@code <store> <operation> "<key>" failed: <reason>},
 * such as {@code etcd put "a/b" failed: no answer within the timeout of PT5S}. For an operation on no key (a
 * connection check) the key part is left out: {@code redis ping failed: <reason>}.
 *
 * <p>Every store translates its driver's failures through {@link #translate}, giving only its own
 * test of "the store is unreachable"; the driver's exception is always kept as the cause.
 */
public final class StoreErrors {

    private StoreErrors() {}

    /**
     * The message of a failed operation.
     *
     * @param storeType the store, such as {@code etcd}
     * @param operation the operation, such as {@code put} or {@code list}
     * @param key the key or prefix it was on; {@code null} for none
     * @param reason why it failed, for a person to read
     * @return {@code <store> <operation> "<key>" failed: <reason>}
     */
    public static String message(String storeType, String operation, String key, String reason) {
        StringBuilder m = new StringBuilder(storeType).append(' ').append(operation);
        if (key != null) {
            m.append(" \"").append(key).append('"');
        }
        return m.append(" failed: ").append(reason).toString();
    }

    /**
     * A failure that is not an outage: the store answered with an error.
     *
     * @param storeType the store
     * @param operation the operation
     * @param key the key or prefix; {@code null} for none
     * @param cause the driver's exception, kept as the cause and described in the message
     * @return the exception to fail with
     */
    public static KvStoreException failed(String storeType, String operation, String key, Throwable cause) {
        return new KvStoreException(message(storeType, operation, key, describe(cause)), cause);
    }

    /**
     * A failure because the store could not be reached or could not serve.
     *
     * @param storeType the store
     * @param operation the operation
     * @param key the key or prefix; {@code null} for none
     * @param cause the driver's exception, kept as the cause and described in the message
     * @return the exception to fail with
     */
    public static KvStoreUnavailableException unavailable(
            String storeType, String operation, String key, Throwable cause) {
        return new KvStoreUnavailableException(
                message(storeType, operation, key, storeType + " is unreachable (" + describe(cause) + ")"), cause);
    }

    /**
     * A failure because the store did not answer within the timeout.
     *
     * @param storeType the store
     * @param operation the operation
     * @param key the key or prefix; {@code null} for none
     * @param timeout the timeout that passed
     * @return the exception to fail with (its cause a {@link TimeoutException})
     */
    public static KvStoreUnavailableException timedOut(
            String storeType, String operation, String key, Duration timeout) {
        return new KvStoreUnavailableException(
                message(storeType, operation, key, "no answer within the timeout of " + timeout),
                new TimeoutException());
    }

    /**
     * Translates what an operation's future failed with. A {@link KvStoreException} is returned as
     * it is; a {@link TimeoutException} means no answer in time; a failure {@code isUnavailable}
     * accepts means the store is unreachable; anything else means the store answered with an error.
     *
     * @param storeType the store
     * @param operation the operation
     * @param key the key or prefix; {@code null} for none
     * @param failure the failure, wrapped or not (see {@link Futures#unwrap})
     * @param isUnavailable the store's own test of "unreachable or cannot serve now", given the
     *     unwrapped failure
     * @return the exception to fail with
     */
    public static KvStoreException translate(
            String storeType, String operation, String key, Throwable failure, Predicate<Throwable> isUnavailable) {
        Throwable t = Futures.unwrap(Objects.requireNonNull(failure, "failure"));
        if (t instanceof KvStoreException e) {
            return e;
        }
        if (t instanceof TimeoutException) {
            return new KvStoreUnavailableException(
                    message(storeType, operation, key, "no answer within the timeout"), t);
        }
        if (isUnavailable.test(t)) {
            return unavailable(storeType, operation, key, t);
        }
        return failed(storeType, operation, key, t);
    }

    /**
     * What a caller of a store operation sees for a failure: unwrapped; a {@link
     * java.util.concurrent.TimeoutException} as {@link #timedOut}; {@link KvStoreException} (and its
     * unavailable kind), {@link NullPointerException}, {@link IllegalArgumentException} and {@link
     * UnsupportedOperationException} as they are; anything else as {@link #failed}. A {@link
     * VirtualMachineError} is rethrown. The façade and its recipes map failures with this one rule.
     *
     * @param storeType names the store
     * @param operation the operation, such as {@code "get"}
     * @param key the key or prefix it was for
     * @param timeout the operation's timeout, named when it ran out
     * @param failure what the operation failed with
     * @return the exception to throw or to complete a future with
     */
    public static RuntimeException forCaller(
            String storeType, String operation, String key, Duration timeout, Throwable failure) {
        Throwable e = Futures.unwrap(failure);
        if (e instanceof java.util.concurrent.TimeoutException) {
            return timedOut(storeType, operation, key, timeout);
        }
        if (e instanceof VirtualMachineError v) {
            throw v;
        }
        if (e instanceof KvStoreException
                || e instanceof NullPointerException
                || e instanceof IllegalArgumentException
                || e instanceof UnsupportedOperationException) {
            return (RuntimeException) e;
        }
        return failed(storeType, operation, key, e);
    }

    /**
     * A failure's message for a person: its own, followed by its root cause's when that says more;
     * the class's simple name when it has no message.
     *
     * @param failure the failure
     * @return the description
     */
    public static String describe(Throwable failure) {
        String own = failure.getMessage();
        String message = own == null || own.isBlank() ? failure.getClass().getSimpleName() : own;
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 32; depth++) {
            root = root.getCause();
        }
        String rootMessage = root.getMessage();
        if (root != failure && rootMessage != null && !rootMessage.isBlank() && !message.contains(rootMessage)) {
            message += ": " + rootMessage;
        }
        return message;
    }
}

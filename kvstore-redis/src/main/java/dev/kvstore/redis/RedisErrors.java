package dev.kvstore.redis;

import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisReadOnlyException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Translates lettuce's exceptions into kvstore's, keeping the driver's as the cause. */
final class RedisErrors {

    private RedisErrors() {
    }

    /**
     * Translates a failure into the message shape every store uses:
     * {@code <store> <operation> "<key>" failed: <reason>}.
     *
     * @param what the store, operation and key, such as {@code redis get "a"}
     * @param where the server, such as {@code redis at 127.0.0.1:6379}
     * @param failure what lettuce (or a future) failed with
     * @return {@link KvStoreUnavailableException} when Redis could not be reached or did not
     *     answer in time; otherwise {@link KvStoreException}; a {@link KvStoreException} as is when
     *     its message already names the operation, else one of the same kind that does
     */
    static KvStoreException translate(String what, String where, Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof KvStoreException k) {
            return reworded(what, k);
        }
        if (e instanceof TimeoutException || e instanceof RedisCommandTimeoutException) {
            return new KvStoreUnavailableException(what + " failed: no answer from " + where + " within the timeout", e);
        }
        if (isUnavailable(e)) {
            return new KvStoreUnavailableException(what + " failed: " + where + " unreachable (" + describe(e) + ")", e);
        }
        return new KvStoreException(what + " failed: " + describe(e) + " (" + where + ")", e);
    }

    /** A store exception that already says why, named after the operation it failed. */
    private static KvStoreException reworded(String what, KvStoreException k) {
        String message = String.valueOf(k.getMessage());
        if (message.startsWith(what)) {
            return k;
        }
        String shaped = what + " failed: " + message;
        return k instanceof KvStoreUnavailableException ? new KvStoreUnavailableException(shaped, k)
                : new KvStoreException(shaped, k);
    }

    /** The failure's message, with its root cause's when that says more. */
    static String describe(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += ": " + root.getMessage();
        }
        return message;
    }

    /** Whether a (unwrapped) failure means Redis cannot be reached or cannot serve right now. */
    static boolean isUnavailable(Throwable e) {
        if (e instanceof RedisConnectionException) {
            // A refused password is a configuration problem, not an outage.
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof RedisCommandExecutionException && isAuthError(c.getMessage())) {
                    return false;
                }
            }
            return true;
        }
        if (e instanceof RedisCommandTimeoutException || e instanceof RedisLoadingException
                || e instanceof RedisBusyException || e instanceof RedisReadOnlyException
                || e instanceof RedisCommandInterruptedException || e instanceof IOException
                || e instanceof TimeoutException) {
            return true;
        }
        if (e instanceof RedisCommandExecutionException) {
            String m = String.valueOf(e.getMessage());
            return m.startsWith("MASTERDOWN") || m.startsWith("TRYAGAIN");
        }
        if (e instanceof RedisException) {
            String m = String.valueOf(e.getMessage());
            return m.startsWith("Currently not connected") || m.startsWith("Connection disconnected")
                    || m.startsWith("Connection closed") || m.startsWith("Connection is closed")
                    || (e.getCause() != null && isUnavailable(e.getCause()));
        }
        return false;
    }

    private static boolean isAuthError(String message) {
        return message != null && (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH")
                || message.startsWith("NOPERM") || message.contains("invalid password"));
    }

    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}

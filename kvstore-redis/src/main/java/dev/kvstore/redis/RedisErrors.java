package dev.kvstore.redis;

import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.spi.Futures;
import dev.kvstore.spi.StoreErrors;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisReadOnlyException;
import io.lettuce.core.cluster.PartitionSelectorException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Translates lettuce's exceptions into kvstore's, keeping the driver's as the cause, in the shape
 * every store uses ({@link StoreErrors#message}: {@code redis get "k" failed: <reason>}); the
 * reason names the server ({@code redis at host:port}, or the master and its sentinels).
 */
final class RedisErrors {

    private RedisErrors() {}

    /**
     * Translates a failure.
     *
     * @param storeType {@code redis} or {@code redis-sentinel}
     * @param where the server, such as {@code redis at 127.0.0.1:6379}
     * @param operation the operation, such as {@code get}
     * @param key the key or prefix it was for; {@code null} when none
     * @param failure what lettuce (or a future) failed with
     * @return {@link KvStoreUnavailableException} when Redis could not be reached or did not
     *     answer in time; otherwise {@link KvStoreException}; a {@link KvStoreException} as is when
     *     its message already names the operation, else one of the same kind that does
     */
    static KvStoreException translate(String storeType, String where, String operation, String key, Throwable failure) {
        Throwable e = Futures.unwrap(failure);
        if (e instanceof KvStoreException k) {
            return reworded(StoreErrors.message(storeType, operation, key, ""), k);
        }
        if (e instanceof TimeoutException || e instanceof RedisCommandTimeoutException) {
            return new KvStoreUnavailableException(
                    StoreErrors.message(storeType, operation, key, "no answer from " + where + " within the timeout"),
                    e);
        }
        if (isUnavailable(e)) {
            return new KvStoreUnavailableException(
                    StoreErrors.message(
                            storeType, operation, key, where + " unreachable (" + StoreErrors.describe(e) + ")"),
                    e);
        }
        return new KvStoreException(
                StoreErrors.message(storeType, operation, key, StoreErrors.describe(e) + " (" + where + ")"), e);
    }

    /** An operation that got no answer within the timeout (a connection not yet open, several commands). */
    static KvStoreUnavailableException timedOut(String storeType, String where, String operation, String key) {
        return new KvStoreUnavailableException(
                StoreErrors.message(storeType, operation, key, "no answer from " + where + " within the timeout"),
                new TimeoutException());
    }

    /** An operation on a closed client. */
    static KvStoreException closed(String storeType, String where, String operation, String key) {
        return new KvStoreException(
                StoreErrors.message(storeType, operation, key, "the client is closed (" + where + ")"));
    }

    /** A write refused while Sentinel fails the master over. */
    static KvStoreUnavailableException writeHeld(String storeType, String where, String operation, String key) {
        return new KvStoreUnavailableException(StoreErrors.message(
                storeType,
                operation,
                key,
                "refused while Sentinel fails the master over (" + where + "); a write now could be acknowledged by"
                        + " the old master and then lost. Retry once the new master is known"));
    }

    /**
     * A store exception that already says why, named after the operation it failed.
     *
     * @param head the message's start for this operation, up to and including {@code "failed: "}
     */
    private static KvStoreException reworded(String head, KvStoreException k) {
        String message = String.valueOf(k.getMessage());
        if (message.startsWith(head)) {
            return k;
        }
        String shaped = head + message;
        return k instanceof KvStoreUnavailableException
                ? new KvStoreUnavailableException(shaped, k)
                : new KvStoreException(shaped, k);
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
        if (e instanceof RedisCommandTimeoutException
                || e instanceof RedisLoadingException
                || e instanceof RedisBusyException
                || e instanceof RedisReadOnlyException
                || e instanceof RedisCommandInterruptedException
                || e instanceof IOException
                || e instanceof TimeoutException) {
            return true;
        }
        if (e instanceof RedisCommandExecutionException) {
            String m = String.valueOf(e.getMessage());
            // NOREPLICAS: min-replicas-to-write not met (a master cut off from its replicas).
            // CLUSTERDOWN: a slot's master is gone and no replica has taken over yet.
            return m.startsWith("MASTERDOWN")
                    || isSlotMoving(e)
                    || m.startsWith("NOREPLICAS")
                    || m.startsWith("CLUSTERDOWN");
        }
        if (e instanceof PartitionSelectorException) {
            return true; // a cluster slot lettuce knows no master for, during a failover
        }
        if (e instanceof RedisException && String.valueOf(e.getMessage()).startsWith("Cannot retrieve")) {
            // A cluster client found no seed node to read the topology from; each seed's failure is
            // suppressed in it. A refused password is a configuration problem, not an outage.
            for (Throwable s : e.getSuppressed()) {
                for (Throwable c = s; c != null; c = c.getCause()) {
                    if (c instanceof RedisCommandExecutionException && isAuthError(c.getMessage())) {
                        return false;
                    }
                }
            }
            return true;
        }
        if (e instanceof RedisException) {
            String m = String.valueOf(e.getMessage());
            return m.startsWith("Currently not connected")
                    || m.startsWith("Connection disconnected")
                    || m.startsWith("Connection closed")
                    || m.startsWith("Connection is closed")
                    || (e.getCause() != null && isUnavailable(e.getCause()));
        }
        return false;
    }

    /**
     * Whether a cluster node refused a command because its slot is being migrated: {@code TRYAGAIN}
     * (a command on several keys of the slot, only some of them here), or a script stopped at a key
     * it did not declare that has moved already. Neither wrote anything (see {@code txn.lua}), so
     * the command may be sent again.
     */
    static boolean isSlotMoving(Throwable failure) {
        Throwable e = Futures.unwrap(failure);
        if (!(e instanceof RedisCommandExecutionException)) {
            return false;
        }
        String m = String.valueOf(e.getMessage());
        return m.startsWith("TRYAGAIN") || m.contains("non local key");
    }

    private static boolean isAuthError(String message) {
        return message != null
                && (message.startsWith("WRONGPASS")
                        || message.startsWith("NOAUTH")
                        || message.startsWith("NOPERM")
                        || message.contains("invalid password"));
    }
}

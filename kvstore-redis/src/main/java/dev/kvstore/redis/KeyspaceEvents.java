package dev.kvstore.redis;

import dev.kvstore.KvStoreException;
import dev.kvstore.spi.Futures;
import dev.kvstore.spi.StoreErrors;
import io.lettuce.core.api.async.RedisServerAsyncCommands;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the store needs from Redis's keyspace notifications, and what each event means. */
final class KeyspaceEvents {

    /** The server setting that turns notifications on. */
    static final String SETTING = "notify-keyspace-events";

    /**
     * The classes watches need: {@code K} keyspace channels, {@code g} generic ({@code DEL},
     * {@code RENAME}...), {@code $} strings, {@code x} expiry, {@code e} eviction.
     */
    static final String NEEDED = "Kg$xe";

    /** Events after which the key no longer holds what it held: reported as {@code DELETE}. */
    static final Set<String> DELETIONS = Set.of("del", "expired", "evicted", "rename_from", "move_from");

    /** Events after which the key holds a new string value: read with {@code GET}, reported as {@code PUT}. */
    static final Set<String> WRITES =
            Set.of("set", "setrange", "append", "incrby", "incrbyfloat", "rename_to", "move_to", "copy_to", "restore");

    private static final Logger LOG = LoggerFactory.getLogger(KeyspaceEvents.class);

    private KeyspaceEvents() {}

    /**
     * Adds the flags watches need to one server's {@code notify-keyspace-events}, keeping those
     * already set. Fails with {@link KvStoreException} saying what the operator must set when
     * {@code CONFIG} is refused; passes an outage on as it is.
     *
     * @param a commands on a connection to that server
     * @param where the server, for messages
     */
    static CompletableFuture<Void> ensure(RedisServerAsyncCommands<String, String> a, String where) {
        CompletableFuture<Void> check = a.configGet(SETTING)
                .toCompletableFuture()
                .thenCompose(values -> {
                    String current = values.getOrDefault(SETTING, "");
                    String missing = missing(current);
                    if (missing.isEmpty()) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    String wanted = current + missing;
                    return a.configSet(SETTING, wanted)
                            .toCompletableFuture()
                            .thenRun(() -> LOG.info(
                                    "{}: set {} from \"{}\" to \"{}\" for watches", where, SETTING, current, wanted));
                });
        CompletableFuture<Void> explained = new CompletableFuture<>();
        check.whenComplete((v, e) -> {
            if (e == null) {
                explained.complete(null);
            } else if (RedisErrors.isUnavailable(Futures.unwrap(e))) {
                explained.completeExceptionally(e);
            } else {
                explained.completeExceptionally(new KvStoreException(
                        "watches need keyspace notifications from " + where + ", but CONFIG GET/SET " + SETTING
                                + " failed (" + StoreErrors.describe(Futures.unwrap(e)) + "). Have the operator set "
                                + SETTING + " to include the flags " + NEEDED
                                + " (for example \"KEA\"), or allow CONFIG for this user",
                        Futures.unwrap(e)));
            }
        });
        return explained;
    }

    /**
     * The flags missing from a {@code notify-keyspace-events} value for watches to work.
     *
     * @param flags the current value, such as {@code ""}, {@code "Ex"} or {@code "AKE"}
     * @return the flags to add; empty when nothing is missing
     */
    static String missing(String flags) {
        StringBuilder missing = new StringBuilder();
        if (flags.indexOf('K') < 0) {
            missing.append('K');
        }
        boolean all = flags.indexOf('A') >= 0; // A = g$lshzxe(t)(d)
        for (char c : "g$xe".toCharArray()) {
            if (!all && flags.indexOf(c) < 0) {
                missing.append(c);
            }
        }
        return missing.toString();
    }

    /** The channel name prefix of keyspace notifications for one database. */
    static String channelPrefix(int database) {
        return "__keyspace@" + database + "__:";
    }
}

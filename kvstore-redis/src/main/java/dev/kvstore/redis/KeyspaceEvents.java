package dev.kvstore.redis;

import java.util.Set;

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

    private KeyspaceEvents() {}

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

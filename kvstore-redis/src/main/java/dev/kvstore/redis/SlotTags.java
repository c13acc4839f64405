package dev.kvstore.redis;

import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;

/**
 * One short hash tag per Redis Cluster slot: {@code of(s)} is a string whose CRC16 puts it in slot
 * {@code s}, so a reserved key named {@code \0kv:{<of(s)>}...} lives in slot {@code s}, beside
 * the user keys it belongs to, and moves with them when the slot is resharded.
 *
 * <p>The table is built once, at class load, by brute force: every string over {@code [0-9A-Za-z]}
 * in order of length, then of {@link #ALPHABET}, the first one found for a slot being its tag (1
 * to 3 characters; about 250,000 CRC16s, a few milliseconds). The order is part of the stored
 * format: every client must compute the same tags, so it must never change.
 *
 * <p>Immutable after class load; safe from any thread.
 */
final class SlotTags {

    /** The characters tags are made of: no braces, nothing a shell or a log would mangle. */
    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static final String[] TAGS = build();

    private SlotTags() {}

    /**
     * The tag of a slot.
     *
     * @param slot 0 to 16,383
     * @return a string of 1 to 3 characters that hashes to {@code slot}
     */
    static String of(int slot) {
        return TAGS[slot];
    }

    /** The tag of the slot {@code key} hashes to (its own hash tag, if it has one, decides). */
    static String forKey(String key) {
        return TAGS[slot(key)];
    }

    /**
     * The one slot every key under {@code prefix} hashes to, or -1 when keys under it may hash to
     * any slot. A prefix pins the slot when it holds a complete hash tag: its first {@code {}
     * followed, in the prefix itself, by a {@code }} with at least one character between (Redis
     * hashes only that part of any key that starts with the prefix). Braces are ASCII, never part
     * of another character's UTF-8 bytes, so the positions found in the string are those Redis sees.
     *
     * @param prefix a key prefix
     * @return 0 to 16,383, or -1
     */
    static int slotOfPrefix(String prefix) {
        int open = prefix.indexOf('{');
        if (open < 0) {
            return -1;
        }
        int close = prefix.indexOf('}', open + 1);
        if (close < 0 || close == open + 1) {
            return -1; // not closed within the prefix, or empty: the key's later characters decide
        }
        return slot(prefix.substring(0, close + 1));
    }

    /**
     * The slot of a key as Redis computes it, from the key's UTF-8 bytes (what the store's codec
     * sends). Not lettuce's {@code SlotHash.getSlot(String)}, which encodes with the JVM's default
     * charset: under a non-UTF-8 default (a POSIX locale on Java 17) it puts non-ASCII keys in
     * another slot than the server does.
     */
    static int slot(String key) {
        return SlotHash.getSlot(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String[] build() {
        String[] tags = new String[SlotHash.SLOT_COUNT];
        int missing = tags.length;
        char[] buf = new char[4];
        for (int length = 1; missing > 0; length++) {
            if (length > buf.length) {
                throw new IllegalStateException("no tag of up to " + buf.length + " characters for some slot");
            }
            int combinations = (int) Math.pow(ALPHABET.length(), length);
            for (int n = 0; n < combinations && missing > 0; n++) {
                int rest = n;
                for (int i = length - 1; i >= 0; i--) {
                    buf[i] = ALPHABET.charAt(rest % ALPHABET.length());
                    rest /= ALPHABET.length();
                }
                String candidate = new String(buf, 0, length);
                int slot = slot(candidate);
                if (tags[slot] == null) {
                    tags[slot] = candidate;
                    missing--;
                }
            }
        }
        return tags;
    }
}

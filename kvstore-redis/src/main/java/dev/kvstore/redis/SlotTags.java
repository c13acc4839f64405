package dev.kvstore.redis;

import io.lettuce.core.cluster.SlotHash;

/**
 * A hash tag for every Redis Cluster slot: for slot {@code s}, a short string {@code t} (letters
 * and digits) such that a key containing {@code "{" + t + "}"} hashes to {@code s}. A bookkeeping
 * key built as {@code <prefix>{<tag of slot(key)>}<key>} so lands in its user key's slot, whatever
 * braces the user key holds itself, and a script may touch both.
 *
 * <p>The table (16,384 strings) is computed once, on first use, by trying short strings in order.
 */
final class SlotTags {

    private static final String[] TAGS = compute();

    private SlotTags() {}

    /** The tag whose hash is {@code slot}. */
    static String of(int slot) {
        return TAGS[slot];
    }

    /** The tag of the slot {@code key} hashes to. */
    static String forKey(String key) {
        return TAGS[SlotHash.getSlot(key)];
    }

    private static String[] compute() {
        String[] tags = new String[SlotHash.SLOT_COUNT];
        int missing = tags.length;
        for (long n = 0; missing > 0; n++) {
            String candidate = Long.toString(n, Character.MAX_RADIX);
            int slot = SlotHash.getSlot(candidate);
            if (tags[slot] == null) {
                tags[slot] = candidate;
                missing--;
            }
        }
        return tags;
    }
}

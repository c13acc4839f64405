package dev.kvstore.redis;

/** Turns raw string prefixes into Redis glob patterns ({@code SCAN MATCH}, {@code PSUBSCRIBE}). */
final class Globs {

    private Globs() {}

    /**
     * Escapes Redis's glob metacharacters ({@code * ? [ ] \}) so the text matches only itself.
     *
     * @param literal the raw text
     * @return the text with each metacharacter preceded by a backslash
     */
    static String escape(String literal) {
        StringBuilder sb = null;
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder(literal.length() + 8).append(literal, 0, i);
                }
                sb.append('\\');
            }
            if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? literal : sb.toString();
    }

    /**
     * A pattern matching every string that starts with {@code prefix}, taken literally.
     *
     * @param prefix a raw string prefix; empty matches everything
     * @return the glob pattern
     */
    static String prefixPattern(String prefix) {
        return escape(prefix) + "*";
    }
}

package dev.kvstore.cli;

import dev.kvstore.backend.Backend;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** How keys and values are shown to a person. */
final class Display {

    private Display() {}

    /**
     * The key as a user gives it to {@code kvctl} with the same {@code --path-prefix}: the stored key
     * without the Backend's path prefix and its "/". Keys outside the prefix are shown whole.
     */
    static String relativeKey(Backend backend, String fullKey) {
        String prefix = backend.pathPrefix();
        if (prefix.isEmpty()) {
            return fullKey;
        }
        String head = prefix + "/";
        return fullKey.startsWith(head) ? fullKey.substring(head.length()) : fullKey;
    }

    /**
     * A value on one line: valid UTF-8 text as it is, with backslash, control characters and line
     * breaks escaped ({@code \\ \n \t \xNN}); bytes that are not UTF-8 as {@code \xNN}.
     */
    static String value(byte[] value) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            StringBuilder b = new StringBuilder(value.length * 2);
            for (byte x : value) {
                int u = x & 0xff;
                if (u >= 0x20 && u < 0x7f && u != '\\') {
                    b.append((char) u);
                } else {
                    escapeByte(b, u);
                }
            }
            return b.toString();
        }
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        escapeByte(b, c);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static void escapeByte(StringBuilder b, int u) {
        b.append("\\x").append(Character.forDigit(u >> 4, 16)).append(Character.forDigit(u & 0xf, 16));
    }

    /** A byte count for people: 512 B, 1.5 KiB, 3.2 MiB. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
}

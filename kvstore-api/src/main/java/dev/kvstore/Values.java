package dev.kvstore;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Short printable descriptions of values for {@code toString()}. */
final class Values {
    private static final int SHOWN = 64;

    private Values() {}

    static String describe(byte[] value) {
        if (value.length == 0) {
            return "\"\"";
        }
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value, 0, Math.min(value.length, SHOWN)))
                    .toString();
            return value.length <= SHOWN ? '"' + text + '"' : '"' + text + "\"... (" + value.length + " bytes)";
        } catch (CharacterCodingException e) {
            return "(" + value.length + " bytes)";
        }
    }
}

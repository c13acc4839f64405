package dev.kvstore.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * JSON through jackson-core's streaming API: one generator per output stream, one object per line
 * (JSON Lines), neither closing the standard streams.
 */
final class Json {

    static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();

    private Json() {}

    /** A generator writing UTF-8 JSON to {@code out}; close it to flush (the stream stays open). */
    static JsonGenerator generator(OutputStream out) {
        try {
            JsonGenerator g = FACTORY.createGenerator(out);
            g.setRootValueSeparator(null); // JSON Lines: endLine() writes the separator
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A parser of a stream of JSON values (JSON Lines) from {@code in}. */
    static JsonParser parser(InputStream in) {
        try {
            return FACTORY.createParser(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the current line: JSON Lines puts each value on a line of its own. */
    static void endLine(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
    }

    /** A value as kvctl's JSON carries it ({@code dump}, {@code load}, {@code txn}): base64, padded. */
    static String base64(byte[] value) {
        return Base64.getEncoder().encodeToString(value);
    }

    /**
     * The bytes of a value given as {@link #base64} writes it.
     *
     * @throws IllegalArgumentException if {@code text} is not base64
     */
    static byte[] fromBase64(String text) {
        return Base64.getDecoder().decode(text);
    }
}

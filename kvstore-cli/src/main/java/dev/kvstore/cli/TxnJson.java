package dev.kvstore.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.kvstore.Txn;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Reads the JSON form of a transaction that {@code kvctl txn} applies:
 *
 * <pre>{@code
 * {"if":   [{"absent": KEY}, {"present": KEY},
 *           {"version": {"key": KEY, "is": N}}, {"value": {"key": KEY, "is": VALUE}}],
 *  "then": [{"put": {"key": KEY, "value": VALUE}}, {"delete": KEY}]}
 * }</pre>
 *
 * A VALUE is a JSON string (its UTF-8 bytes) or {@code {"base64": TEXT}} (any bytes, base64 as
 * {@code dump} writes values). {@code "if"} may be absent or empty; {@code "then"} holds at least one
 * operation. Keys are relative to {@code --path-prefix}. Anything else (an unknown field, two
 * conditions in one object, a key written twice, text after the object) is refused with an
 * {@link InputException} naming the line and column, so a typo never turns into an unconditional write.
 */
final class TxnJson {

    /**
     * A transaction read from JSON.
     *
     * @param txn the transaction, keys relative to the path prefix
     * @param firstVersionCondition where its first {@code version} condition is ("line L, column C"),
     *     or null when it has none
     */
    record Parsed(Txn txn, String firstVersionCondition) {}

    /** Jackson's "(start marker at [Source: ...; line: L, column: C])", said shorter. */
    private static final Pattern START_MARKER =
            Pattern.compile("\\(start marker at \\[Source: .*?; line: (\\d+), column: (\\d+)\\]\\)");

    private final JsonParser p;
    private final String source;
    private final Txn.Builder builder = Txn.builder();
    private String firstVersionCondition;
    private int operations;
    private JsonLocation kindAt;

    private TxnJson(JsonParser p, String source) {
        this.p = p;
        this.source = source;
    }

    /**
     * Reads one transaction from {@code in}; {@code source} names the input in error messages.
     *
     * @throws InputException if the input is not a transaction as above
     */
    static Parsed parse(InputStream in, String source) throws IOException {
        try (JsonParser p = Json.parser(in)) {
            return new TxnJson(p, source).document();
        }
    }

    private Parsed document() throws IOException {
        if (next() != JsonToken.START_OBJECT) {
            throw error("expected a JSON object {\"if\": [...], \"then\": [...]}");
        }
        boolean seenIf = false;
        boolean seenThen = false;
        while (next() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if ("if".equals(field) && !seenIf) {
                seenIf = true;
                array("if", this::condition);
            } else if ("then".equals(field) && !seenThen) {
                seenThen = true;
                array("then", this::operation);
            } else if ("if".equals(field) || "then".equals(field)) {
                throw error("\"" + field + "\" given twice");
            } else {
                throw error("unknown field \"" + field + "\" (expected \"if\" and \"then\")");
            }
        }
        if (operations == 0) {
            throw error("the transaction needs \"then\": an array of at least one operation (put or delete)");
        }
        if (next() != null) {
            throw error("text after the transaction's object");
        }
        return new Parsed(builder.build(), firstVersionCondition);
    }

    private interface Element {
        void read() throws IOException;
    }

    private void array(String field, Element element) throws IOException {
        if (next() != JsonToken.START_ARRAY) {
            throw error("\"" + field + "\" must be an array");
        }
        while (next() != JsonToken.END_ARRAY) {
            element.read();
        }
    }

    /** One condition: the current token starts it. */
    private void condition() throws IOException {
        JsonLocation at = p.currentTokenLocation();
        String kind = singleField("condition", "\"absent\", \"present\", \"version\" or \"value\"");
        try {
            switch (kind) {
                case "absent" -> builder.ifAbsent(keyString("absent"));
                case "present" -> builder.ifPresent(keyString("present"));
                case "version" -> {
                    if (firstVersionCondition == null) {
                        firstVersionCondition = where(at);
                    }
                    KeyAnd<Long> c = keyAnd("version", "is", this::version);
                    builder.ifVersion(c.key, c.then);
                }
                case "value" -> {
                    KeyAnd<byte[]> c = keyAnd("value", "is", this::value);
                    builder.ifValue(c.key, c.then);
                }
                default ->
                    throw errorAt(
                            kindAt,
                            "unknown condition \"" + kind
                                    + "\" (expected \"absent\", \"present\", \"version\" or \"value\")");
            }
        } catch (IllegalArgumentException e) {
            throw new InputException(source + " " + where(at) + ": " + e.getMessage(), e);
        }
        endOfSingleField("condition");
    }

    /** One operation: the current token starts it. */
    private void operation() throws IOException {
        JsonLocation at = p.currentTokenLocation();
        String kind = singleField("operation", "\"put\" or \"delete\"");
        try {
            switch (kind) {
                case "put" -> {
                    KeyAnd<byte[]> op = keyAnd("put", "value", this::value);
                    builder.put(op.key, op.then);
                }
                case "delete" -> builder.delete(keyString("delete"));
                default -> throw errorAt(kindAt, "unknown operation \"" + kind + "\" (expected \"put\" or \"delete\")");
            }
        } catch (IllegalArgumentException e) {
            throw new InputException(source + " " + where(at) + ": " + e.getMessage(), e);
        }
        operations++;
        endOfSingleField("operation");
    }

    /** Enters {"kind": ...}: returns the kind, with the parser on the field's value. */
    private String singleField(String what, String expected) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw error("expected a " + what + " object with one field: " + expected);
        }
        if (next() != JsonToken.FIELD_NAME) {
            throw error("an empty " + what + "; expected one field: " + expected);
        }
        String kind = p.currentName();
        kindAt = p.currentTokenLocation();
        next();
        return kind;
    }

    private void endOfSingleField(String what) throws IOException {
        if (next() != JsonToken.END_OBJECT) {
            throw error("one " + what + " per object: put the next one in an object of its own");
        }
    }

    private String keyString(String kind) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw error("\"" + kind + "\" takes a key (a string)");
        }
        return p.getText();
    }

    private record KeyAnd<T>(String key, T then) {}

    private interface Reader<T> {
        T read(String field) throws IOException;
    }

    /** {"key": KEY, "<field>": ...}, in either order; the parser on its START_OBJECT. */
    private <T> KeyAnd<T> keyAnd(String kind, String field, Reader<T> reader) throws IOException {
        String shape = "{\"key\": KEY, \"" + field + "\": ...}";
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw error("\"" + kind + "\" takes an object " + shape);
        }
        String key = null;
        T then = null;
        while (next() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            next();
            if ("key".equals(name) && key == null) {
                key = keyString(kind);
            } else if (field.equals(name) && then == null) {
                then = reader.read(field);
            } else {
                throw error("\"" + kind + "\": unexpected field \"" + name + "\"; expected " + shape);
            }
        }
        if (key == null || then == null) {
            throw error("\"" + kind + "\" needs both fields: " + shape);
        }
        return new KeyAnd<>(key, then);
    }

    private Long version(String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw error("\"" + field + "\" of a version condition must be a whole number");
        }
        long v = p.getLongValue();
        if (v < 0) {
            throw error("a version must be 0 (absent) or more, got " + v);
        }
        return v;
    }

    /** A JSON string (UTF-8) or {"base64": TEXT}. */
    private byte[] value(String field) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return p.getText().getBytes(StandardCharsets.UTF_8);
        }
        String shape = "\"" + field + "\" must be a string (UTF-8) or {\"base64\": TEXT}";
        if (p.currentToken() != JsonToken.START_OBJECT
                || next() != JsonToken.FIELD_NAME
                || !"base64".equals(p.currentName())
                || next() != JsonToken.VALUE_STRING) {
            throw error(shape);
        }
        byte[] bytes;
        try {
            bytes = Json.fromBase64(p.getText());
        } catch (IllegalArgumentException e) {
            throw error("\"base64\" is not base64 (" + e.getMessage() + ")");
        }
        if (next() != JsonToken.END_OBJECT) {
            throw error(shape);
        }
        return bytes;
    }

    private JsonToken next() throws IOException {
        try {
            return p.nextToken();
        } catch (JsonProcessingException e) {
            String message = START_MARKER.matcher(e.getOriginalMessage()).replaceAll("(opened at line $1, column $2)");
            throw new InputException(source + " " + where(e.getLocation()) + ": not JSON: " + message, e);
        }
    }

    private InputException error(String message) {
        return errorAt(p.currentTokenLocation(), message);
    }

    private InputException errorAt(JsonLocation at, String message) {
        return new InputException(source + " " + where(at) + ": " + message);
    }

    private static String where(JsonLocation at) {
        return at == null ? "(at an unknown position)" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}

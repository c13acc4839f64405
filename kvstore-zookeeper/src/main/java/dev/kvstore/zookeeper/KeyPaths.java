package dev.kvstore.zookeeper;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.zookeeper.common.PathUtils;

/**
 * Maps keys onto znode paths and back; pure, no I/O.
 *
 * <p>A key is split at every {@code /} into segments, and each segment becomes one znode name under
 * the root: key {@code a/b/c} is the znode {@code <root>/a/b/c}, so {@code zkCli.sh} shows it as it
 * is. A segment ZooKeeper cannot hold as a name is <em>escaped</em>: written as {@code %} followed by
 * the segment with {@code %} and every character ZooKeeper refuses replaced by {@code %XX} (its UTF-8
 * bytes, upper-case hex). Segments that are escaped:
 * <ul>
 *   <li>the empty segment ({@code a//b}, a leading or trailing {@code /}): {@code %};</li>
 *   <li>{@code .} and {@code ..}: {@code %.} and {@code %..};</li>
 *   <li>a segment starting with {@code %} (so that an escaped name never collides with a plain one):
 *       {@code %x} becomes {@code %%25x};</li>
 *   <li>a segment holding a character ZooKeeper refuses (controls U+0001–U+001F and U+007F–U+009F,
 *       surrogates so every character outside the BMP, U+E000–U+F8FF, U+FFF0–U+FFFF);</li>
 *   <li>{@code zookeeper} as the first segment when the root is {@code /} (ZooKeeper's own node).</li>
 * </ul>
 * Every other segment, {@code %} inside it included ({@code 50%}), is its own name. The mapping is a
 * bijection between keys and canonical paths: a znode whose name is not the canonical encoding of
 * some segment (a foreign node, or this store's hidden bookkeeping nodes, whose names start with
 * {@code %%} followed by something other than {@code 25}) is not a key and is skipped.
 */
final class KeyPaths {

    /** Marks an escaped segment. */
    static final char ESCAPE = '%';

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String root;
    private final String base;

    /**
     * Creates the mapping for keys under {@code root}.
     *
     * @param root an absolute znode path such as {@code /kvstore}, or {@code /}; a trailing
     *     {@code /} is ignored
     * @throws IllegalArgumentException if it is not a valid znode path
     */
    KeyPaths(String root) {
        String r = root.length() > 1 && root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        PathUtils.validatePath(r);
        this.root = r;
        this.base = r.equals("/") ? "/" : r + "/";
    }

    /** The root znode path, without a trailing {@code /}, or {@code /}. */
    String root() {
        return root;
    }

    /** The znode path of a key. */
    String path(String key) {
        StringBuilder sb = new StringBuilder(base.length() + key.length() + 8).append(base);
        int start = 0;
        boolean top = true;
        while (true) {
            int slash = key.indexOf('/', start);
            String segment = slash < 0 ? key.substring(start) : key.substring(start, slash);
            appendSegment(sb, segment, top);
            if (slash < 0) {
                return sb.toString();
            }
            sb.append('/');
            start = slash + 1;
            top = false;
        }
    }

    /** The path of a child znode. */
    static String child(String parentPath, String name) {
        return parentPath.equals("/") ? "/" + name : parentPath + "/" + name;
    }

    /**
     * The key a znode path stands for.
     *
     * @return the key, or empty for the root, a path outside the root, or a name that is not a
     *     canonical encoding
     */
    Optional<String> key(String path) {
        if (!path.startsWith(base) || path.length() == base.length()) {
            return Optional.empty();
        }
        StringBuilder key = new StringBuilder(path.length() - base.length());
        int start = base.length();
        boolean top = true;
        while (true) {
            int slash = path.indexOf('/', start);
            String name = slash < 0 ? path.substring(start) : path.substring(start, slash);
            Optional<String> segment = segment(name, top);
            if (segment.isEmpty()) {
                return Optional.empty();
            }
            key.append(segment.get());
            if (slash < 0) {
                return Optional.of(key.toString());
            }
            key.append('/');
            start = slash + 1;
            top = false;
        }
    }

    /**
     * Where to look for the keys starting with a raw prefix: every such key is the key of a child
     * of {@link Scan#parentPath()} whose segment starts with {@link Scan#partial()}, or a key
     * below such a child.
     */
    Scan scan(String prefix) {
        int slash = prefix.lastIndexOf('/');
        if (slash < 0) {
            return new Scan(root, "", prefix, true);
        }
        String parentKey = prefix.substring(0, slash);
        return new Scan(path(parentKey), parentKey + "/", prefix.substring(slash + 1), false);
    }

    /**
     * The keys with a prefix live under one znode.
     *
     * @param parentPath the znode whose children to look at
     * @param keyPrefix the key of that znode followed by {@code /}, or empty for the root
     * @param partial the raw prefix the children's segments must start with
     * @param top whether the children are top-level segments
     */
    record Scan(String parentPath, String keyPrefix, String partial, boolean top) {}

    /** The segment a child znode name stands for, or empty if the name is not a canonical encoding. */
    Optional<String> segment(String name, boolean top) {
        if (name.isEmpty() || name.charAt(0) != ESCAPE) {
            return needsEscape(name, top) ? Optional.empty() : Optional.of(name);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(name.length());
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ESCAPE) {
                if (i + 2 >= name.length()) {
                    return Optional.empty();
                }
                int hi = hex(name.charAt(i + 1));
                int lo = hex(name.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        String segment;
        try {
            segment = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        StringBuilder canonical = new StringBuilder(name.length());
        appendSegment(canonical, segment, top);
        return canonical.toString().equals(name) ? Optional.of(segment) : Optional.empty();
    }

    private void appendSegment(StringBuilder sb, String segment, boolean top) {
        if (!needsEscape(segment, top)) {
            sb.append(segment);
            return;
        }
        sb.append(ESCAPE);
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == ESCAPE || refused(c)) {
                int end = Character.isHighSurrogate(c)
                                && i + 1 < segment.length()
                                && Character.isLowSurrogate(segment.charAt(i + 1))
                        ? i + 2
                        : i + 1;
                for (byte b : segment.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    sb.append(ESCAPE).append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
                }
                i = end - 1;
            } else {
                sb.append(c);
            }
        }
    }

    private boolean needsEscape(String segment, boolean top) {
        if (segment.isEmpty()
                || segment.equals(".")
                || segment.equals("..")
                || segment.charAt(0) == ESCAPE
                || top && base.equals("/") && segment.equals("zookeeper")) {
            return true;
        }
        for (int i = 0; i < segment.length(); i++) {
            if (refused(segment.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** The characters {@link PathUtils#validatePath} refuses in a znode name. */
    static boolean refused(char c) {
        return c <= '\u001f' || c >= '\u007f' && c <= '\u009f' || c >= '\ud800' && c <= '\uf8ff' || c >= '\ufff0';
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}

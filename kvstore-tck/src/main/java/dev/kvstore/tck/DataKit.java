package dev.kvstore.tck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kvstore.KvCapability;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.KvValueTooLargeException;
import dev.kvstore.backend.Backend;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The data sections of the contract ({@code docs/CONTRACT.md}): §2 the client's operations, §4 keys,
 * prefixes, hostile keys, values and versions. Plugin authors extend {@link KvStoreCompatibilityKit}.
 */
public abstract class DataKit extends KitSupport {

    @Nested
    @DisplayName("§2 Basic operations")
    class BasicOperations {

        @Test
        @DisplayName("a value put is read back with its key")
        void putThenGet() {
            put(ns + "a", "one");
            KvPair pair = get(ns + "a").orElseThrow();
            assertThat(pair.key()).isEqualTo(ns + "a");
            assertThat(pair.valueAsString()).isEqualTo("one");
        }

        @Test
        @DisplayName("get of a missing key is empty")
        void getMissing() {
            assertThat(get(ns + "missing")).isEmpty();
        }

        @Test
        @DisplayName("a second put replaces the value")
        void putReplaces() {
            put(ns + "a", "one");
            put(ns + "a", "two");
            assertThat(get(ns + "a").orElseThrow().valueAsString()).isEqualTo("two");
        }

        @Test
        @DisplayName("delete removes the key; deleting a missing key is no error")
        void delete() {
            put(ns + "a", "one");
            await(client.delete(ns + "a"));
            assertThat(get(ns + "a")).isEmpty();
            await(client.delete(ns + "a"));
            await(client.delete(ns + "never-was"));
        }

        @Test
        @DisplayName("exists tells whether a key is there")
        void exists() {
            assertThat(await(client.exists(ns + "a"))).isFalse();
            put(ns + "a", "one");
            assertThat(await(client.exists(ns + "a"))).isTrue();
            await(client.delete(ns + "a"));
            assertThat(await(client.exists(ns + "a"))).isFalse();
        }

        @Test
        @DisplayName("list returns every pair under a prefix by full key; a missing prefix gives an empty map")
        void list() {
            put(ns + "d/1", "v1");
            put(ns + "d/2", "v2");
            put(ns + "e/3", "v3");
            Map<String, KvPair> listed = await(client.list(ns + "d/"));
            assertThat(listed).containsOnlyKeys(ns + "d/1", ns + "d/2");
            assertThat(listed.get(ns + "d/2").valueAsString()).isEqualTo("v2");
            assertThat(listed.get(ns + "d/2").key()).isEqualTo(ns + "d/2");
            assertThat(await(client.list(ns + "nothing/"))).isEmpty();
        }

        @Test
        @DisplayName("listKeys returns the same keys as list, without values")
        void listKeys() {
            put(ns + "d/1", "v1");
            put(ns + "d/2", "v2");
            put(ns + "e/3", "v3");
            assertThat(await(client.listKeys(ns + "d/"))).containsExactlyInAnyOrder(ns + "d/1", ns + "d/2");
            assertThat(await(client.listKeys(ns)))
                    .containsExactlyInAnyOrderElementsOf(await(client.list(ns)).keySet());
            assertThat(await(client.listKeys(ns + "nothing/"))).isEmpty();
        }

        @Test
        @DisplayName("deleteWithPrefix removes every key with the prefix and nothing else")
        void deleteWithPrefix() {
            put(ns + "d/1", "v1");
            put(ns + "d/2/x", "v2");
            put(ns + "d", "v0");
            put(ns + "e/3", "v3");
            await(client.deleteWithPrefix(ns + "d/"));
            assertThat(await(client.listKeys(ns))).containsExactlyInAnyOrder(ns + "d", ns + "e/3");
            await(client.deleteWithPrefix(ns + "none/"));
        }

        @Test
        @DisplayName("a null key, value, prefix or listener fails with NullPointerException")
        void nulls() {
            assertThat(failureOf(() -> client.get(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.put(null, new byte[0]))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.put(ns + "a", null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.delete(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.exists(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.list(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.listKeys(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.deleteWithPrefix(null))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.watch(null, false, e -> {}))).isInstanceOf(NullPointerException.class);
            assertThat(failureOf(() -> client.watch(ns + "a", false, null))).isInstanceOf(NullPointerException.class);
            assertThat(await(client.exists(ns + "a"))).isFalse();
        }

        @Test
        @DisplayName(
                "an empty key, a key with U+0000 or a full key over 769 UTF-8 bytes fails with IllegalArgumentException")
        void badKeys() {
            String tooLong = ns + "x".repeat(KvStoreClient.MAX_FULL_KEY_BYTES - ns.length() + 1);
            for (String bad : List.of("", ns + "a\u0000b", tooLong)) {
                assertThat(failureOf(() -> client.get(bad)))
                        .as("get(%s)", bad)
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.put(bad, bytes("v"))))
                        .as("put")
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.delete(bad)))
                        .as("delete")
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.exists(bad)))
                        .as("exists")
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(await(client.listKeys(ns))).isEmpty();
        }
    }

    @Nested
    @DisplayName("§4 Prefix semantics")
    class PrefixSemantics {

        @Test
        @DisplayName("a prefix is a raw string prefix: key4 finds key4, key4/a and key40, not key5")
        void rawPrefix() {
            for (String k : List.of("key4", "key4/a", "key40", "key5", "key", "kez4")) {
                put(ns + k, k);
            }
            assertThat(await(client.list(ns + "key4"))).containsOnlyKeys(ns + "key4", ns + "key4/a", ns + "key40");
            assertThat(await(client.listKeys(ns + "key4")))
                    .containsExactlyInAnyOrder(ns + "key4", ns + "key4/a", ns + "key40");
        }

        @Test
        @DisplayName("a prefix can end inside a path segment or on a slash")
        void segmentBoundaries() {
            for (String k : List.of("dir/file1", "dir/fig", "dir/other", "dir", "dirt", "dir/")) {
                put(ns + k, k);
            }
            assertThat(await(client.listKeys(ns + "dir/fi")))
                    .containsExactlyInAnyOrder(ns + "dir/file1", ns + "dir/fig");
            assertThat(await(client.listKeys(ns + "dir/")))
                    .containsExactlyInAnyOrder(ns + "dir/file1", ns + "dir/fig", ns + "dir/other", ns + "dir/");
            assertThat(await(client.listKeys(ns + "dir")))
                    .containsExactlyInAnyOrder(
                            ns + "dir/file1", ns + "dir/fig", ns + "dir/other", ns + "dir", ns + "dirt", ns + "dir/");
        }

        static Stream<String> metacharacters() {
            return Stream.of(
                    "*", "?", "[", "]", "[a-z]", "\\", "\\*", "%", "_", ".", ".*", "^", "$", "{a,b}", "+", "|", "(",
                    "#", "~");
        }

        @ParameterizedTest(name = "prefix holding {0}")
        @MethodSource("metacharacters")
        @DisplayName("characters that are special to globs, regexes or SQL are literal in a prefix")
        void metacharactersAreLiteral(String meta) {
            String p = ns + "p" + meta;
            put(p + "x", "literal");
            put(p, "literal-exact");
            // Keys a glob, regex or LIKE reading of the prefix would match, but a raw prefix does not.
            for (String decoy :
                    List.of("pax", "pzx", "pbx", "p", "p\\x", "pa,b}x", "p" + meta.replace('a', 'q') + "-no")) {
                if (!(ns + decoy).startsWith(p)) {
                    put(ns + decoy, "decoy");
                }
            }
            assertThat(await(client.listKeys(p))).allMatch(k -> k.startsWith(p)).contains(p, p + "x");
            assertThat(await(client.list(p)).keySet())
                    .allMatch(k -> k.startsWith(p))
                    .contains(p, p + "x");
            List<String> before = await(client.listKeys(ns));
            await(client.deleteWithPrefix(p));
            List<String> after = await(client.listKeys(ns));
            assertThat(after).noneMatch(k -> k.startsWith(p));
            assertThat(after)
                    .containsExactlyInAnyOrderElementsOf(
                            before.stream().filter(k -> !k.startsWith(p)).toList());
        }

        @Test
        @DisplayName("a key and a longer key under it live independently")
        void keyAndChildAreIndependent() {
            put(ns + "a", "parent");
            put(ns + "a/b", "child");
            await(client.delete(ns + "a"));
            assertThat(get(ns + "a")).isEmpty();
            assertThat(get(ns + "a/b").orElseThrow().valueAsString()).isEqualTo("child");
            assertThat(await(client.listKeys(ns + "a"))).containsExactly(ns + "a/b");
            put(ns + "a", "again");
            await(client.delete(ns + "a/b"));
            assertThat(get(ns + "a").orElseThrow().valueAsString()).isEqualTo("again");
            assertThat(await(client.listKeys(ns + "a"))).containsExactly(ns + "a");
        }

        @Test
        @DisplayName("the empty prefix lists every key")
        void emptyPrefix() {
            put(ns + "x", "1");
            put(ns + "y/z", "2");
            assertThat(await(client.listKeys(""))).contains(ns + "x", ns + "y/z");
            assertThat(await(client.list("")).keySet()).contains(ns + "x", ns + "y/z");
        }
    }

    static Stream<String> hostileKeys() {
        return Stream.of(
                "colon:key",
                "a:b:c",
                "star*",
                "question?",
                "[brackets]",
                "back\\slash",
                "percent%41",
                "%2F",
                "dot.",
                ".",
                "..",
                "a/./b",
                "a/../b",
                "double//slash",
                "trailing/",
                "with space",
                "tab\there",
                "new\nline",
                "bell\u0007",
                "del\u007f",
                "unicode-ünïcödé",
                "日本語/キー",
                "emoji-\uD83D\uDE00",
                "rtl-\u05D0\u05D1",
                "nbsp\u00A0",
                "zookeeper",
                "__keyspace@0__:x",
                "-",
                "=",
                "'quote\"",
                "{braces}",
                "a/b/c/d/e/f/g/h");
    }

    @Nested
    @DisplayName("§4 Hostile keys")
    class HostileKeys {

        @ParameterizedTest(name = "key ending {0}")
        @MethodSource("dev.kvstore.tck.KvStoreCompatibilityKit#hostileKeys")
        @DisplayName("a key round-trips through put, get, exists, list, listKeys and delete")
        void roundTrip(String suffix) {
            String key = ns + suffix;
            put(key, "v:" + suffix);
            assertThat(get(key).orElseThrow().key()).isEqualTo(key);
            assertThat(get(key).orElseThrow().valueAsString()).isEqualTo("v:" + suffix);
            assertThat(await(client.exists(key))).isTrue();
            assertThat(await(client.list(key))).containsKey(key);
            assertThat(await(client.listKeys(ns))).containsExactly(key);
            await(client.delete(key));
            assertThat(await(client.exists(key))).isFalse();
            assertThat(await(client.listKeys(ns))).isEmpty();
        }

        @Test
        @DisplayName("keys with a leading slash, and a full key of exactly 769 UTF-8 bytes, round-trip")
        void leadingSlashAndLongest() {
            String lead = "/" + ns + "lead";
            String longest = ns
                    + "é".repeat((KvStoreClient.MAX_FULL_KEY_BYTES - ns.length()) / 2)
                    + "x".repeat((KvStoreClient.MAX_FULL_KEY_BYTES - ns.length()) % 2);
            assertThat(longest.getBytes(UTF_8)).hasSize(KvStoreClient.MAX_FULL_KEY_BYTES);
            try {
                for (String key : List.of(lead, longest)) {
                    put(key, "v");
                    assertThat(get(key).orElseThrow().key()).isEqualTo(key);
                    assertThat(await(client.listKeys(key))).containsExactly(key);
                }
                assertThat(await(client.listKeys("/" + ns))).containsExactly(lead);
            } finally {
                await(client.delete(lead));
                await(client.deleteWithPrefix("/" + ns));
            }
        }

        @Test
        @DisplayName(
                "a key or prefix with an unpaired surrogate fails with IllegalArgumentException and overwrites nothing")
        void unpairedSurrogates() {
            String lookalike = ns + "x?y"; // what a driver would turn "x\uD800y" into
            put(lookalike, "original");
            for (String bad : List.of(ns + "x\uD800y", ns + "x\uDC00y", ns + "x\uDBFF", ns + "\uDE00\uD83D")) {
                assertThat(failureOf(() -> client.put(bad, bytes("v"))))
                        .as("put(%s)", bad)
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.get(bad))).as("get").isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.exists(bad)))
                        .as("exists")
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.delete(bad)))
                        .as("delete")
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.list(bad))).as("list").isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.listKeys(bad)))
                        .as("listKeys")
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.deleteWithPrefix(bad)))
                        .as("deleteWithPrefix")
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.watch(bad, false, e -> {})))
                        .as("watch")
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(failureOf(() -> client.watch(bad, true, e -> {})))
                        .as("prefix watch")
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(get(lookalike).orElseThrow().valueAsString()).isEqualTo("original");
            assertThat(await(client.listKeys(ns))).containsExactly(lookalike);

            Backend b = backend(ns + "svc");
            for (String bad : List.of("x\uD800y", "\uDC00")) {
                assertThatThrownBy(() -> b.put(bad, "v")).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> b.get(bad)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> b.list(bad)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> b.deleteWithPrefix(bad)).isInstanceOf(IllegalArgumentException.class);
            }
            assertThatThrownBy(() -> Backend.builder()
                            .config(config)
                            .pathPrefix(ns + "\uD800")
                            .build())
                    .isInstanceOf(KvStoreConfigurationException.class);
        }

        @Test
        @DisplayName("through the Backend, a 512-byte key round-trips under a 256-byte path prefix; 513 bytes fail")
        void longestKeyUnderLongestPathPrefix() {
            String pathPrefix = ns + "p".repeat(KvStoreClient.MAX_PATH_PREFIX_BYTES - ns.length());
            assertThat(pathPrefix.getBytes(UTF_8)).hasSize(KvStoreClient.MAX_PATH_PREFIX_BYTES);
            String key = "\uD83D\uDE00".repeat(100) + "é".repeat(55) + "k".repeat(2); // 400 + 110 + 2 bytes
            assertThat(key.getBytes(UTF_8)).hasSize(KvStoreClient.MAX_KEY_BYTES);
            String full = pathPrefix + "/" + key;
            Backend b = backend(pathPrefix);
            EventRecorder events = recorder();
            toClose.add(b.createWatch("", true, events));
            b.put(key, "v");
            assertThat(b.get(key).orElseThrow().key()).isEqualTo(full);
            assertThat(b.get(key).orElseThrow().valueAsString()).isEqualTo("v");
            assertThat(b.exists(key)).isTrue();
            assertThat(b.list(key)).containsOnlyKeys(full);
            assertThat(b.listKeys("")).containsExactly(full);
            events.awaitPut(full, "v");
            b.delete(key);
            assertThat(b.exists(key)).isFalse();
            events.awaitDelete(full);

            assertThatThrownBy(() -> b.put(key + "k", "v"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("513");
            assertThatThrownBy(() -> Backend.builder()
                            .config(config)
                            .pathPrefix(pathPrefix + "p")
                            .build())
                    .isInstanceOf(KvStoreConfigurationException.class)
                    .hasMessageContaining("257");
        }

        @Test
        @DisplayName("watch events carry hostile keys exactly")
        void watchedHostileKeys() {
            EventRecorder events = recorder();
            watch(ns, true, events);
            List<String> keys = hostileKeys().map(s -> ns + s).toList();
            for (String key : keys) {
                put(key, "w");
            }
            for (String key : keys) {
                events.awaitPut(key, "w");
            }
            assertThat(events.events()).allMatch(e -> keys.contains(e.key()));
        }
    }

    @Nested
    @DisplayName("§4 Values and limits")
    class ValuesAndLimits {

        @Test
        @DisplayName("an empty value is a value")
        void emptyValue() {
            await(client.put(ns + "empty", new byte[0]));
            assertThat(get(ns + "empty"))
                    .hasValueSatisfying(p -> assertThat(p.value()).isEmpty());
            assertThat(await(client.exists(ns + "empty"))).isTrue();
            assertThat(await(client.listKeys(ns))).containsExactly(ns + "empty");
        }

        @Test
        @DisplayName("every byte value round-trips, in get and in list")
        void binary() {
            byte[] all = new byte[256];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) i;
            }
            await(client.put(ns + "bin", all));
            assertThat(get(ns + "bin").orElseThrow().value()).isEqualTo(all);
            assertThat(await(client.list(ns)).get(ns + "bin").value()).isEqualTo(all);
        }

        @Test
        @DisplayName("a 512 KiB value round-trips")
        void large() {
            byte[] value = new byte[512 * 1024];
            new Random(42).nextBytes(value);
            assertThat(client.maxValueSize()).isGreaterThanOrEqualTo(value.length);
            await(client.put(ns + "large", value));
            assertThat(get(ns + "large").orElseThrow().value()).isEqualTo(value);
            assertThat(await(client.list(ns)).get(ns + "large").value()).isEqualTo(value);
        }

        @Test
        @DisplayName("a value over the store's limit fails naming the limit, and nothing is written")
        void overLimit() {
            long limit = client.maxValueSize();
            assumeTrue(
                    limit <= 64L * 1024 * 1024,
                    "the store's limit (" + limit + " bytes) is too large to test in memory");
            byte[] value = new byte[(int) limit + 1];
            Throwable failure = failureOf(() -> client.put(ns + "too-large", value));
            assertThat(failure).isInstanceOf(KvValueTooLargeException.class).hasMessageContaining(Long.toString(limit));
            assertThat(((KvValueTooLargeException) failure).limit()).isEqualTo(limit);
            assertThat(await(client.exists(ns + "too-large"))).isFalse();
        }

        @Test
        @DisplayName("values are copied: changing the caller's array changes nothing stored")
        void defensiveCopies() {
            byte[] value = bytes("abc");
            await(client.put(ns + "copy", value));
            value[0] = 'z';
            KvPair pair = get(ns + "copy").orElseThrow();
            pair.value()[1] = 'z';
            assertThat(get(ns + "copy").orElseThrow().valueAsString()).isEqualTo("abc");
        }
    }

    @Nested
    @DisplayName("§4 Versions")
    class Versions {

        @Test
        @DisplayName("a store with versions counts 1 on create, +1 per put, 1 again after a delete")
        void versions() {
            assumeTrue(has(KvCapability.VERSIONS), "the store does not declare VERSIONS");
            String k = ns + "v";
            put(k, "a");
            assertThat(get(k).orElseThrow().version()).isEqualTo(1);
            put(k, "b");
            put(k, "c");
            assertThat(get(k).orElseThrow().version()).isEqualTo(3);
            assertThat(await(client.list(ns)).get(k).version()).isEqualTo(3);
            await(client.delete(k));
            put(k, "d");
            assertThat(get(k).orElseThrow().version()).isEqualTo(1);
        }

        @Test
        @DisplayName("watch events carry the version after the change")
        void eventVersions() {
            assumeTrue(has(KvCapability.VERSIONS), "the store does not declare VERSIONS");
            EventRecorder events = recorder();
            watch(ns + "v", false, events);
            put(ns + "v", "a");
            put(ns + "v", "b");
            assertThat(events.awaitPut(ns + "v", "b").version()).isEqualTo(2);
            assertThat(events.awaitPut(ns + "v", "a").version()).isEqualTo(1);
        }

        @Test
        @DisplayName("a store without versions reports 0 everywhere")
        void noVersions() {
            assumeTrue(!has(KvCapability.VERSIONS), "the store declares VERSIONS");
            EventRecorder events = recorder();
            watch(ns + "v", false, events);
            put(ns + "v", "a");
            put(ns + "v", "b");
            assertThat(get(ns + "v").orElseThrow().version()).isZero();
            assertThat(await(client.list(ns)).get(ns + "v").version()).isZero();
            assertThat(events.awaitPut(ns + "v", "b").version()).isZero();
        }
    }
}

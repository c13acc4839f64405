package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.zookeeper.common.PathUtils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyPathsTest {

    private final KeyPaths paths = new KeyPaths("/kvstore");
    private final KeyPaths top = new KeyPaths("/");

    @Test
    @DisplayName("plain keys map onto the znode path zkCli shows")
    void plainKeys() {
        assertThat(paths.path("a/b/c")).isEqualTo("/kvstore/a/b/c");
        assertThat(paths.path("service/voltha/devices/x")).isEqualTo("/kvstore/service/voltha/devices/x");
        assertThat(paths.path("50% off")).isEqualTo("/kvstore/50% off");
        assertThat(top.path("a/b")).isEqualTo("/a/b");
        assertThat(new KeyPaths("/x/y/").path("k")).isEqualTo("/x/y/k");
    }

    @Test
    @DisplayName("segments ZooKeeper refuses are escaped with a leading %")
    void escapedSegments() {
        assertThat(paths.path("a//b")).isEqualTo("/kvstore/a/%/b");
        assertThat(paths.path("/a")).isEqualTo("/kvstore/%/a");
        assertThat(paths.path("a/")).isEqualTo("/kvstore/a/%");
        assertThat(paths.path("/")).isEqualTo("/kvstore/%/%");
        assertThat(paths.path("./..")).isEqualTo("/kvstore/%./%..");
        assertThat(paths.path("%x")).isEqualTo("/kvstore/%%25x");
        assertThat(paths.path("%")).isEqualTo("/kvstore/%%25");
        assertThat(paths.path("a\u0001b")).isEqualTo("/kvstore/%a%01b");
        assertThat(paths.path("\uD83D\uDE00")).isEqualTo("/kvstore/%%F0%9F%98%80");
        assertThat(top.path("zookeeper/x")).isEqualTo("/%zookeeper/x");
        assertThat(top.path("x/zookeeper")).isEqualTo("/x/zookeeper");
        assertThat(paths.path("zookeeper")).isEqualTo("/kvstore/zookeeper");
    }

    // Named by index, not by the key: a key such as U+FFFF, put raw into the JUnit XML report, makes
    // that report invalid XML, which CI's report readers reject.
    @ParameterizedTest(name = "hostile key {index} of the list")
    @ValueSource(
            strings = {
                "a",
                "a/b/c",
                "*",
                "?",
                "[",
                "]",
                "\\",
                ":",
                "%",
                "%%",
                "%25",
                "%2",
                "50%",
                ".",
                "..",
                "a/./b",
                "a/../b",
                "//",
                "/",
                "a//b",
                "/lead",
                "trail/",
                "//x//",
                "with space",
                " ",
                "tab\there",
                "é/ü/中文/日本語",
                "\uD83D\uDE00/emoji",
                "\uE000private",
                "\uFFF0\uFFFF",
                "\u007F\u0080\u009F",
                "zookeeper",
                "zookeeper/x",
                "key4",
                "key40",
                "a*?[]\\:%. ../x"
            })
    @DisplayName("hostile keys round-trip through a valid znode path")
    void roundTrip(String key) {
        for (KeyPaths p : List.of(paths, top)) {
            String path = p.path(key);
            PathUtils.validatePath(path);
            assertThat(path).doesNotStartWith("/zookeeper");
            assertThat(p.key(path)).contains(key);
        }
    }

    @Test
    @DisplayName("distinct keys get distinct paths")
    void injective() {
        List<String> keys = List.of("%", "%25", "%%", "", "a", "%a", "a%", ".", "%.", "%2E", "x/", "x//", "x/%");
        TreeSet<String> seen = new TreeSet<>();
        for (String k : keys) {
            if (!k.isEmpty()) {
                assertThat(seen.add(paths.path(k))).as(k).isTrue();
            }
        }
    }

    @Test
    @DisplayName("names that are not canonical encodings are not keys")
    void foreignNames() {
        assertThat(paths.key("/kvstore")).isEmpty();
        assertThat(paths.key("/other/a")).isEmpty();
        assertThat(paths.key("/kvstoreX/a")).isEmpty();
        assertThat(paths.key("/kvstore/%a")).isEmpty();
        assertThat(paths.key("/kvstore/%41")).isEmpty();
        assertThat(paths.key("/kvstore/%%2")).isEmpty();
        assertThat(paths.key("/kvstore/%%2x")).isEmpty();
        assertThat(paths.key("/kvstore/%%ff")).isEmpty();
        assertThat(paths.key("/kvstore/a/" + ZooKeeperReader.BASE_NODE)).isEmpty();
        assertThat(top.key("/zookeeper")).isEmpty();
        assertThat(top.key("/zookeeper/quota")).isEmpty();
        assertThat(top.segment("zookeeper", false)).contains("zookeeper");
    }

    @Test
    @DisplayName("a prefix scans the children of the znode holding its last segment")
    void scan() {
        assertThat(paths.scan("")).isEqualTo(new KeyPaths.Scan("/kvstore", "", "", true));
        assertThat(paths.scan("key4")).isEqualTo(new KeyPaths.Scan("/kvstore", "", "key4", true));
        assertThat(paths.scan("a/b")).isEqualTo(new KeyPaths.Scan("/kvstore/a", "a/", "b", false));
        assertThat(paths.scan("a/")).isEqualTo(new KeyPaths.Scan("/kvstore/a", "a/", "", false));
        assertThat(paths.scan("/")).isEqualTo(new KeyPaths.Scan("/kvstore/%", "/", "", false));
        assertThat(paths.scan("a//b")).isEqualTo(new KeyPaths.Scan("/kvstore/a/%", "a//", "b", false));
        assertThat(top.scan("x")).isEqualTo(new KeyPaths.Scan("/", "", "x", true));
    }

    @Test
    @DisplayName("the scan finds exactly the keys with a raw string prefix")
    void scanMatchesRawPrefix() {
        List<String> keys = List.of(
                "key4", "key4/x", "key40", "key5", "k", "a", "a/b", "a//b", "a/", "/", "//", "/a", "%", "%x", "a/%b",
                "a/b/c", "ab", ".", "..", "./x");
        List<String> prefixes = List.of(
                "", "key4", "key4/", "k", "a", "a/", "a/b", "a//", "/", "//", "%", "a/%", ".", "./", "x", "a/b/c/d");
        for (String prefix : prefixes) {
            KeyPaths.Scan scan = paths.scan(prefix);
            List<String> found = new ArrayList<>();
            for (String key : keys) {
                // key's path must lie under a child of scan.parentPath() whose segment starts with partial
                String path = paths.path(key);
                if (!path.startsWith(scan.parentPath() + (scan.parentPath().endsWith("/") ? "" : "/"))) {
                    continue;
                }
                String rest = path.substring(scan.parentPath().length() + 1);
                String name = rest.indexOf('/') < 0 ? rest : rest.substring(0, rest.indexOf('/'));
                Optional<String> segment = paths.segment(name, scan.top());
                if (segment.isPresent()
                        && segment.get().startsWith(scan.partial())
                        && paths.key(path).isPresent()) {
                    found.add(key);
                }
            }
            assertThat(found)
                    .as("prefix \"%s\"", prefix)
                    .containsExactlyInAnyOrderElementsOf(
                            keys.stream().filter(k -> k.startsWith(prefix)).toList());
        }
    }

    @Test
    @DisplayName("an invalid root path is refused")
    void invalidRoot() {
        assertThatThrownBy(() -> new KeyPaths("kvstore")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeyPaths("/a//b")).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.kvstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * dump, load and copy between memory stores. Each (path prefix) is its own store here, as two servers
 * would be: what arrives in the target can only have come through the command.
 */
class TransferCommandsTest {

    final SharedBackends backends = new SharedBackends();
    final Cli cli = new Cli(backends);

    @AfterEach
    void close() {
        backends.close();
    }

    Backend store(String pathPrefix) {
        return backends.backend(new ConnectionSettings("memory", "", pathPrefix, Duration.ofSeconds(5), Map.of()));
    }

    /** Keys (relative to the store's path prefix) to values, as strings of bytes for byte-exact comparison. */
    static Map<String, List<Byte>> contents(Backend b, String prefix) {
        Map<String, List<Byte>> m = new TreeMap<>();
        for (KvPair p : b.list(prefix).values()) {
            m.put(Display.relativeKey(b, p.key()), bytes(p.value()));
        }
        return m;
    }

    static List<Byte> bytes(byte[] v) {
        List<Byte> l = new java.util.ArrayList<>(v.length);
        for (byte x : v) {
            l.add(x);
        }
        return l;
    }

    /** Binary values (every byte value, empty, large) under awkward keys. */
    static void fill(Backend b) {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        b.put("data/all-bytes", all);
        b.put("data/empty", new byte[0]);
        b.put("data/big", new byte[100_000]);
        b.put("data/ünïcode key with spaces", "välue\n\"quoted\"");
        b.put("data/sub/x*?[]", "glob chars");
        for (int i = 0; i < 300; i++) {
            b.put("data/n/" + i, ("value " + i).getBytes(StandardCharsets.UTF_8));
        }
        b.put("elsewhere", "not dumped");
    }

    @Test
    @DisplayName("dump -> load into a store with another path prefix reproduces every key and value byte for byte")
    void dumpThenLoad() {
        Backend source = store("from");
        fill(source);
        Cli.Result dump = cli.run("dump", "data/", "--path-prefix", "from");
        assertThat(dump.status()).as(dump.toString()).isEqualTo(0);
        assertThat(dump.out().lines()).hasSize(305).allMatch(l -> l.startsWith("{\"key\":\"data/"));

        Cli.Result load = cli.run(dump.stdout(), "load", "--path-prefix", "to/there");
        assertThat(load.status()).as(load.toString()).isEqualTo(0);
        assertThat(load.out()).startsWith("loaded 305 key(s)");

        Backend target = store("to/there");
        assertThat(contents(target, "")).isEqualTo(contents(source, "data/"));
        assertThat(target.client().exists("to/there/data/all-bytes").join()).isTrue();
        // and a second dump of the target is the same text, read by list or key by key
        assertThat(cli.run("dump", "--path-prefix", "to/there").out()).isEqualTo(dump.out());
        assertThat(cli.run("dump", "--path-prefix", "to/there", "--per-key", "--in-flight", "7")
                        .out())
                .isEqualTo(dump.out());
    }

    @Test
    @DisplayName("dump writes JSON Lines in key order: {key, value (base64)}")
    void dumpFormat() {
        store("").put("b", "2");
        store("").put("a", new byte[] {(byte) 0xff});
        assertThat(cli.run("dump").out())
                .isEqualTo("{\"key\":\"a\",\"value\":\"/w==\"}\n{\"key\":\"b\",\"value\":\"Mg==\"}\n");
    }

    @Test
    @DisplayName("load ignores other fields and accepts ls --json output; the last of repeated keys wins")
    void loadTolerant() {
        String input = "{\"key\":\"k\",\"value\":\"MQ==\",\"version\":7,\"extra\":{\"nested\":[1,2]}}\n"
                + "\n{\"value\":\"Mg==\",\"key\":\"k\"}\n";
        Cli.Result r = cli.runWithInput(input, "load", "--in-flight", "4");
        assertThat(r.status()).as(r.toString()).isEqualTo(0);
        assertThat(store("").get("k")).map(KvPair::valueAsString).contains("2");
    }

    @Test
    @DisplayName("load and copy write in putAll batches of --batch-size; a key repeated across batches ends "
            + "with its last value")
    void batches() {
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            input.append("{\"key\":\"b/k").append(i).append("\",\"value\":\"MQ==\"}\n");
        }
        input.append("{\"key\":\"b/k0\",\"value\":\"Mg==\"}\n"); // "2", in a later batch than "1"
        Cli.Result load = cli.runWithInput(input.toString(), "load", "--batch-size", "3", "--in-flight", "1");
        assertThat(load.status()).as(load.toString()).isEqualTo(0);
        assertThat(load.out()).startsWith("loaded 11 key(s)");
        assertThat(store("").list("b/")).hasSize(10);
        assertThat(store("").get("b/k0")).map(KvPair::valueAsString).contains("2");

        Cli.Result copy =
                cli.run("copy", "b/", "--to-store-type", "memory", "--to-path-prefix", "copied", "--batch-size", "4");
        assertThat(copy.status()).as(copy.toString()).isEqualTo(0);
        assertThat(contents(store("copied"), "")).isEqualTo(contents(store(""), "b/"));
        assertThat(cli.run("load", "--batch-size", "0").status()).isEqualTo(2);
    }

    @Test
    @DisplayName("malformed input stops the load with exit 2 naming the line; the lines before it are loaded")
    void loadMalformed() {
        String good = "{\"key\":\"a\",\"value\":\"MQ==\"}\n";
        Cli.Result notJson = cli.runWithInput(good + "{\"key\": oops}\n", "load");
        assertThat(notJson.status()).isEqualTo(2);
        assertThat(notJson.err()).contains("line 2").contains("not JSON");
        assertThat(store("").exists("a")).isTrue();

        Cli.Result notBase64 = cli.runWithInput(good + good + "{\"key\":\"b\",\"value\":\"***\"}\n", "load");
        assertThat(notBase64.status()).isEqualTo(2);
        assertThat(notBase64.err()).contains("line 3").contains("base64");

        Cli.Result noKey = cli.runWithInput("{\"value\":\"MQ==\"}\n", "load");
        assertThat(noKey.status()).isEqualTo(2);
        assertThat(noKey.err()).contains("line 1").contains("\"key\"");

        Cli.Result array = cli.runWithInput("[1]\n", "load");
        assertThat(array.status()).isEqualTo(2);
        for (Cli.Result r : List.of(notJson, notBase64, noKey, array)) {
            assertThat(r.err().lines()).as(r.toString()).hasSize(1);
        }
    }

    @Test
    @DisplayName("copy moves every key under PREFIX into the target under --to-path-prefix, with a summary")
    void copy() {
        Backend source = store("src");
        fill(source);
        Cli.Result r = cli.run(
                "copy",
                "data/",
                "--path-prefix",
                "src",
                "--to-store-type",
                "memory",
                "--to-path-prefix",
                "dst",
                "--in-flight",
                "16");
        assertThat(r.status()).as(r.toString()).isEqualTo(0);
        assertThat(r.out())
                .startsWith("copied 305 key(s)")
                .contains("from memory (path prefix \"src\")")
                .contains("to memory (path prefix \"dst\")");
        assertThat(r.err()).isEmpty(); // no terminal: no progress bar
        assertThat(contents(store("dst"), "")).isEqualTo(contents(source, "data/"));
        Cli.Result perKey = cli.run(
                "copy",
                "data/",
                "--path-prefix",
                "src",
                "--to-store-type",
                "memory",
                "--to-path-prefix",
                "dst2",
                "--per-key",
                "--in-flight",
                "3");
        assertThat(perKey.out()).startsWith("copied 305 key(s)");
        assertThat(contents(store("dst2"), "")).isEqualTo(contents(source, "data/"));
    }

    @Test
    @DisplayName("copy draws a progress bar on stderr when on a terminal")
    void copyProgress() {
        store("").put("a", "1");
        Cli.Result r =
                new Cli(backends).terminal(true).run("copy", "--to-store-type", "memory", "--to-path-prefix", "t");
        assertThat(r.status()).isEqualTo(0);
        assertThat(r.err()).contains("[##############################] 1/1 keys");
    }

    @Test
    @DisplayName("copy to an unknown storeType exits 2; a bad --to-option exits 2")
    void copyErrors() {
        Cli.Result r = cli.run("copy", "--to-store-type", "nosuch");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("nosuch").contains("memory");
        Cli.Result option = cli.run("copy", "--to-store-type", "memory", "--to-option", "x");
        assertThat(option.status()).isEqualTo(2);
        Cli.Result missing = cli.run("copy");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("--to-store-type");
    }

    @Test
    @DisplayName("a value over the target's limit stops copy and load with exit 4")
    void targetLimit() {
        store("").put("big", new byte[50]);
        Cli.Result r = cli.run("copy", "--to-store-type", "memory", "--to-option", "max-value-bytes=10");
        assertThat(r.status()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).contains("limit of 10 bytes");
        String dump = cli.run("dump").out();
        Cli.Result load = cli.runWithInput(dump, "load", "--option", "max-value-bytes=10");
        assertThat(load.status()).isEqualTo(4);
    }

    @Test
    @DisplayName("dump of an empty prefix prints nothing; load of nothing loads nothing")
    void empty() {
        assertThat(cli.run("dump", "none/").stdout()).isEmpty();
        Cli.Result load = cli.runWithInput("", "load");
        assertThat(load.status()).isEqualTo(0);
        assertThat(load.out()).startsWith("loaded 0 key(s)");
        assertThat(contents(store(""), "").keySet().stream().collect(Collectors.toList()))
                .isEmpty();
    }
}

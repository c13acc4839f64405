package dev.kvstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** get, put, ls, rm and health against the memory store, every command sharing one Backend. */
class BasicCommandsTest {

    static final ConnectionSettings MEMORY = new ConnectionSettings("memory", "", "", Duration.ofSeconds(5), Map.of());

    final SharedBackends backends = new SharedBackends();
    final Cli cli = new Cli(backends);

    @AfterEach
    void close() {
        backends.close();
    }

    Backend store() {
        return backends.backend(MEMORY);
    }

    /** Every JSON object of a JSON Lines text, fields as strings. */
    static List<Map<String, String>> jsonLines(byte[] text) throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        try (JsonParser p = Json.FACTORY.createParser(text)) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                Map<String, String> row = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (value.isStructStart()) {
                        p.skipChildren();
                        row.put(name, value == JsonToken.START_OBJECT ? "{...}" : "[...]");
                    } else {
                        row.put(name, p.getText());
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Nested
    @DisplayName("get and put")
    class GetPut {
        @Test
        @DisplayName("put KEY VALUE then get KEY prints the value, byte for byte, with no newline")
        void putThenGet() {
            assertThat(cli.run("put", "greeting", "héllo").status()).isEqualTo(0);
            Cli.Result r = cli.run("get", "greeting");
            assertThat(r.status()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
            assertThat(r.err()).isEmpty();
        }

        @Test
        @DisplayName("on a terminal, get ends the value with a newline for the prompt's sake")
        void getOnTerminal() {
            cli.run("put", "k", "v");
            assertThat(new Cli(backends).terminal(true).run("get", "k").out()).isEqualTo("v" + System.lineSeparator());
        }

        @Test
        @DisplayName("put KEY reads a binary value from stdin")
        void putFromStdin() {
            byte[] all = new byte[256];
            for (int i = 0; i < 256; i++) {
                all[i] = (byte) i;
            }
            assertThat(cli.run(all, "put", "bin").status()).isEqualTo(0);
            assertThat(store().get("bin")).map(KvPair::value).contains(all);
            assertThat(cli.run("get", "bin").stdout()).isEqualTo(all);
        }

        @Test
        @DisplayName("put KEY with empty stdin stores an empty value")
        void putEmpty() {
            assertThat(cli.run(new byte[0], "put", "empty").status()).isEqualTo(0);
            assertThat(store().get("empty")).map(KvPair::value).contains(new byte[0]);
        }

        @Test
        @DisplayName("get --json prints key, base64 value and version")
        void getJson() throws Exception {
            cli.run("put", "k", "v1");
            cli.run("put", "k", "v2");
            Cli.Result r = cli.run("get", "--json", "k");
            assertThat(r.status()).isEqualTo(0);
            assertThat(jsonLines(r.stdout()))
                    .containsExactly(Map.of(
                            "key",
                            "k",
                            "value",
                            Base64.getEncoder().encodeToString("v2".getBytes(StandardCharsets.UTF_8)),
                            "version",
                            "2"));
        }

        @Test
        @DisplayName("get of a missing key exits 1 with one line on stderr")
        void getMissing() {
            Cli.Result r = cli.run("get", "nope");
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.err()).isEqualTo("kvctl get: key not found: nope" + System.lineSeparator());
        }

        @Test
        @DisplayName("a value on stdin over the store's limit is refused (exit 4) and nothing is written")
        void stdinOverLimit() {
            ConnectionSettings small =
                    new ConnectionSettings("memory", "", "", Duration.ofSeconds(5), Map.of("max-value-bytes", "10"));
            Cli.Result ok = cli.run(new byte[10], "put", "k", "--option", "max-value-bytes=10");
            assertThat(ok.status()).as(ok.toString()).isEqualTo(0);
            // an endless stdin: only limit + 1 bytes are read
            java.io.InputStream endless = new java.io.InputStream() {
                @Override
                public int read() {
                    return 'x';
                }
            };
            Cli.Result r = cli.run(endless, "put", "big", "--option", "max-value-bytes=10");
            assertThat(r.status()).as(r.toString()).isEqualTo(4);
            assertThat(r.err())
                    .contains("over the store's limit of 10 bytes")
                    .contains("nothing was written")
                    .doesNotContain("\tat ");
            assertThat(backends.backend(small).exists("big")).isFalse();
            assertThat(backends.backend(small).exists("k")).isTrue();
        }

        @Test
        @DisplayName("a VALUE argument over the limit fails with exit 4; --verbose adds the stack trace")
        void argumentOverLimit() {
            Cli.Result r = cli.run("put", "big", "12345678901", "--option", "max-value-bytes=10");
            assertThat(r.status()).isEqualTo(4);
            assertThat(r.err().lines()).hasSize(1);
            assertThat(r.err()).contains("over the store's limit of 10 bytes");
            Cli.Result verbose = cli.run("--verbose", "put", "big", "12345678901", "--option", "max-value-bytes=10");
            assertThat(verbose.status()).isEqualTo(4);
            assertThat(verbose.err()).contains("\tat ");
        }

        @Test
        @DisplayName("an empty key is a usage error (exit 2)")
        void emptyKey() {
            Cli.Result r = cli.run("put", "", "v");
            assertThat(r.status()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("key must not be empty");
        }

        @Test
        @DisplayName("keys are relative to --path-prefix, stored under PATH/KEY")
        void pathPrefix() {
            assertThat(cli.run("put", "--path-prefix", "svc/a", "k", "v").status())
                    .isEqualTo(0);
            Backend prefixed =
                    backends.backend(new ConnectionSettings("memory", "", "svc/a", Duration.ofSeconds(5), Map.of()));
            assertThat(prefixed.client().get("svc/a/k").join()).isPresent();
            assertThat(cli.run("get", "--path-prefix", "svc/a", "k").out()).isEqualTo("v");
        }
    }

    @Nested
    @DisplayName("ls")
    class Ls {
        @Test
        @DisplayName("prints KEY<TAB>VALUE sorted, values escaped onto one line, raw string prefix")
        void text() {
            store().put("key4", "plain");
            store().put("key40", "two\nlines\tand \\");
            store().put("key4/a", new byte[] {(byte) 0xff, 0x01, 'a'});
            store().put("other", "x");
            Cli.Result r = cli.run("ls", "key4");
            assertThat(r.status()).isEqualTo(0);
            assertThat(r.out().lines())
                    .containsExactly("key4\tplain", "key4/a\t\\xff\\x01a", "key40\ttwo\\nlines\\tand \\\\");
        }

        @Test
        @DisplayName("--keys-only prints keys; no PREFIX lists everything")
        void keysOnly() {
            store().put("b", "1");
            store().put("a", "2");
            assertThat(cli.run("ls", "--keys-only").out().lines()).containsExactly("a", "b");
        }

        @Test
        @DisplayName("--json prints one object per key with base64 value and version")
        void json() throws Exception {
            store().put("a", new byte[] {0, 1, 2});
            store().put("b", "x");
            Cli.Result r = cli.run("ls", "--json");
            assertThat(jsonLines(r.stdout()))
                    .containsExactly(
                            Map.of("key", "a", "value", "AAEC", "version", "1"),
                            Map.of("key", "b", "value", "eA==", "version", "1"));
            assertThat(jsonLines(cli.run("ls", "--json", "--keys-only").stdout()))
                    .containsExactly(Map.of("key", "a"), Map.of("key", "b"));
        }

        @Test
        @DisplayName("an empty result prints nothing and exits 0")
        void empty() {
            Cli.Result r = cli.run("ls", "nothing/");
            assertThat(r.status()).isEqualTo(0);
            assertThat(r.stdout()).isEmpty();
        }
    }

    @Nested
    @DisplayName("rm")
    class Rm {
        @Test
        @DisplayName("rm KEY deletes it; a missing key exits 1")
        void single() {
            store().put("k", "v");
            assertThat(cli.run("rm", "k").status()).isEqualTo(0);
            assertThat(store().exists("k")).isFalse();
            Cli.Result again = cli.run("rm", "k");
            assertThat(again.status()).isEqualTo(1);
            assertThat(again.err()).contains("key not found: k");
        }

        @Test
        @DisplayName("rm --prefix without a terminal and without --yes refuses (exit 2) and deletes nothing")
        void prefixNoTerminal() {
            store().put("p/1", "v");
            Cli.Result r = cli.run("rm", "--prefix", "p/");
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).contains("without --yes");
            assertThat(store().exists("p/1")).isTrue();
            Cli.Result yes = cli.run("rm", "--prefix", "p/", "--yes");
            assertThat(yes.status()).isEqualTo(0);
            assertThat(yes.out()).contains("deleted 1 key(s)");
            assertThat(store().exists("p/1")).isFalse();
        }

        @Test
        @DisplayName("rm --prefix on a terminal asks: yes deletes, anything else keeps (exit 2)")
        void prefixConfirm() {
            store().put("p/1", "v");
            store().put("p/2", "v");
            store().put("q", "v");
            Cli terminal = new Cli(backends).terminal(true);
            Cli.Result no = terminal.runWithInput("n\n", "rm", "--prefix", "p/");
            assertThat(no.status()).isEqualTo(2);
            assertThat(no.err()).contains("Delete 2 key(s) with prefix \"p/\"").contains("[y/N]");
            assertThat(store().listKeys("p/")).hasSize(2);
            Cli.Result yes = terminal.runWithInput("y\n", "rm", "--prefix", "p/");
            assertThat(yes.status()).isEqualTo(0);
            assertThat(store().listKeys("")).containsExactly("q");
        }

        @Test
        @DisplayName("rm --prefix \"\" needs --yes even on a terminal")
        void emptyPrefix() {
            store().put("a", "v");
            Cli.Result r = new Cli(backends).terminal(true).runWithInput("y\n", "rm", "--prefix", "");
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).contains("needs --yes");
            assertThat(store().exists("a")).isTrue();
            assertThat(cli.run("rm", "--prefix", "", "--yes").status()).isEqualTo(0);
            assertThat(store().listKeys("")).isEmpty();
        }
    }

    @Nested
    @DisplayName("health")
    class Health {
        @Test
        @DisplayName("exits 0 and says alive for a live store")
        void alive() {
            Cli.Result r = cli.run("health");
            assertThat(r.status()).isEqualTo(0);
            assertThat(r.out()).isEqualTo("alive: memory" + System.lineSeparator());
        }
    }
}

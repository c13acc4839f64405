package dev.kvstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** put --if-absent / --if-version and txn against the memory store, every command sharing one Backend. */
class ConditionalCommandsTest {

    final SharedBackends backends = new SharedBackends();
    final Cli cli = new Cli(backends);

    @AfterEach
    void close() {
        backends.close();
    }

    Backend store() {
        return backends.backend(BasicCommandsTest.MEMORY);
    }

    /** Every key and value (as UTF-8) of the store. */
    Map<String, String> contents() {
        Map<String, String> all = new TreeMap<>();
        store().list("").values().forEach(p -> all.put(p.key(), p.valueAsString()));
        return all;
    }

    long version(String key) {
        return store().get(key).map(KvPair::version).orElse(0L);
    }

    @Nested
    @DisplayName("put --if-absent and --if-version")
    class ConditionalPut {
        @Test
        @DisplayName(
                "--if-absent writes a missing key (exit 0); on an existing key it writes nothing, exit 5, one line on stderr")
        void ifAbsent() {
            Cli.Result first = cli.run("put", "k", "v1", "--if-absent");
            assertThat(first.status()).as(first.toString()).isEqualTo(0);
            assertThat(first.err()).isEmpty();
            Cli.Result second = cli.run("put", "k", "v2", "--if-absent");
            assertThat(second.status()).as(second.toString()).isEqualTo(5);
            assertThat(second.stdout()).isEmpty();
            assertThat(second.err())
                    .isEqualTo("kvctl put: key \"k\" exists; nothing written (--if-absent)" + System.lineSeparator());
            assertThat(store().get("k")).map(KvPair::valueAsString).contains("v1");
            assertThat(version("k")).isEqualTo(1);
        }

        @Test
        @DisplayName("--if-absent takes the value from stdin, binary-safe")
        void ifAbsentFromStdin() {
            byte[] bytes = {0, (byte) 0xff, '\n', 1};
            assertThat(cli.run(bytes, "put", "bin", "--if-absent").status()).isEqualTo(0);
            assertThat(store().get("bin")).map(KvPair::value).contains(bytes);
            assertThat(cli.run(new byte[] {9}, "put", "bin", "--if-absent").status())
                    .isEqualTo(5);
            assertThat(store().get("bin")).map(KvPair::value).contains(bytes);
        }

        @Test
        @DisplayName("--if-version N writes only at version N; a stale N writes nothing, exit 5")
        void ifVersion() {
            assertThat(cli.run("put", "k", "v1", "--if-version", "0").status()).isEqualTo(0);
            assertThat(version("k")).isEqualTo(1);
            assertThat(cli.run("put", "k", "v2", "--if-version", "1").status()).isEqualTo(0);
            assertThat(version("k")).isEqualTo(2);
            Cli.Result stale = cli.run("put", "k", "v3", "--if-version", "1");
            assertThat(stale.status()).as(stale.toString()).isEqualTo(5);
            assertThat(stale.err().lines())
                    .containsExactly("kvctl put: key \"k\" is not at version 1; nothing written (--if-version)");
            assertThat(store().get("k")).map(KvPair::valueAsString).contains("v2");
        }

        @Test
        @DisplayName("--if-version 0 means absent: an existing key exits 5; a missing key at version 3 exits 5")
        void ifVersionZeroAndMissing() {
            store().put("k", "v");
            Cli.Result exists = cli.run("put", "k", "w", "--if-version", "0");
            assertThat(exists.status()).isEqualTo(5);
            assertThat(exists.err()).contains("key \"k\" exists; nothing written (--if-version 0)");
            Cli.Result missing = cli.run("put", "nope", "w", "--if-version", "3");
            assertThat(missing.status()).isEqualTo(5);
            assertThat(store().exists("nope")).isFalse();
            assertThat(store().get("k")).map(KvPair::valueAsString).contains("v");
        }

        @Test
        @DisplayName(
                "--if-absent and --if-version together, or a negative version, are usage errors (exit 2), nothing written")
        void usageErrors() {
            Cli.Result both = cli.run("put", "k", "v", "--if-absent", "--if-version", "0");
            assertThat(both.status()).as(both.toString()).isEqualTo(2);
            assertThat(both.err()).contains("mutually exclusive");
            Cli.Result negative = cli.run("put", "k", "v", "--if-version", "-1");
            assertThat(negative.status()).as(negative.toString()).isEqualTo(2);
            assertThat(negative.err()).contains("--if-version must be 0 or more, got -1");
            Cli.Result notANumber = cli.run("put", "k", "v", "--if-version", "one");
            assertThat(notANumber.status()).isEqualTo(2);
            assertThat(store().exists("k")).isFalse();
        }

        @Test
        @DisplayName("put --help names both options and exit status 5")
        void putHelp() {
            Cli.Result r = cli.run("put", "--help");
            assertThat(r.status()).isEqualTo(0);
            assertThat(r.out())
                    .contains("--if-absent")
                    .contains("--if-version=N")
                    .contains("exit status is 5");
        }
    }

    @Nested
    @DisplayName("txn")
    class TxnFile {
        static final String EXAMPLE = """
                {"if":[{"absent":"a"},{"version":{"key":"b","is":3}},{"value":{"key":"c","is":"x"}},{"present":"d"}],
                 "then":[{"put":{"key":"a","value":"1"}},{"delete":"b"}]}
                """;

        @TempDir
        Path dir;

        void exampleState() {
            store().put("b", "b1");
            store().put("b", "b2");
            store().put("b", "b3");
            store().put("c", "x");
            store().put("d", "");
        }

        @Test
        @DisplayName("txn FILE applies every operation when every condition holds: exit 0, nothing printed")
        void appliedFromFile() throws Exception {
            exampleState();
            Path file = Files.writeString(dir.resolve("t.json"), EXAMPLE);
            Cli.Result r = cli.run("txn", file.toString());
            assertThat(r.status()).as(r.toString()).isEqualTo(0);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.err()).isEmpty();
            assertThat(contents()).isEqualTo(Map.of("a", "1", "c", "x", "d", ""));
        }

        @Test
        @DisplayName("txn - reads the transaction from stdin")
        void appliedFromStdin() {
            exampleState();
            Cli.Result r = cli.runWithInput(EXAMPLE, "txn", "-");
            assertThat(r.status()).as(r.toString()).isEqualTo(0);
            assertThat(contents()).isEqualTo(Map.of("a", "1", "c", "x", "d", ""));
        }

        @Test
        @DisplayName(
                "each failed condition kind (absent, version, value, present) writes nothing: exit 5, one line on stderr")
        void conditionFailed() {
            Runnable[] breakOne = {
                () -> store().put("a", "there"),
                () -> store().put("b", "b4"),
                () -> store().put("c", "y"),
                () -> store().delete("d"),
            };
            for (Runnable breaker : breakOne) {
                store().deleteWithPrefix("");
                exampleState();
                breaker.run();
                Map<String, String> broken = contents();
                Cli.Result r = cli.runWithInput(EXAMPLE, "txn", "-");
                assertThat(r.status()).as(r.toString()).isEqualTo(5);
                assertThat(r.err())
                        .isEqualTo("kvctl txn: a condition did not hold; nothing written" + System.lineSeparator());
                assertThat(contents()).isEqualTo(broken);
            }
        }

        @Test
        @DisplayName(
                "values given as {\"base64\": TEXT} are any bytes, in puts and in value conditions; \"if\" may be left out")
        void base64Values() {
            Cli.Result put = cli.runWithInput(
                    "{\"then\":[{\"put\":{\"value\":{\"base64\":\"AP8K\"},\"key\":\"bin\"}}]}", "txn", "-");
            assertThat(put.status()).as(put.toString()).isEqualTo(0);
            assertThat(store().get("bin")).map(KvPair::value).contains(new byte[] {0, (byte) 0xff, '\n'});
            String swap = "{\"if\":[{\"value\":{\"key\":\"bin\",\"is\":{\"base64\":\"AP8K\"}}}],"
                    + "\"then\":[{\"put\":{\"key\":\"bin\",\"value\":\"héllo\"}}]}";
            assertThat(cli.runWithInput(swap, "txn", "-").status()).isEqualTo(0);
            assertThat(store().get("bin")).map(KvPair::value).contains("héllo".getBytes(StandardCharsets.UTF_8));
            assertThat(cli.runWithInput(swap, "txn", "-").status()).isEqualTo(5);
        }

        @Test
        @DisplayName("keys are relative to --path-prefix")
        void pathPrefix() {
            Cli.Result r = cli.runWithInput(
                    "{\"if\":[{\"absent\":\"k\"}],\"then\":[{\"put\":{\"key\":\"k\",\"value\":\"v\"}}]}",
                    "txn",
                    "-",
                    "--path-prefix",
                    "svc");
            assertThat(r.status()).as(r.toString()).isEqualTo(0);
            Backend prefixed = backends.backend(
                    new ConnectionSettings("memory", "", "svc", BasicCommandsTest.MEMORY.timeout(), Map.of()));
            assertThat(prefixed.client().get("svc/k").join())
                    .map(KvPair::valueAsString)
                    .contains("v");
        }

        @ParameterizedTest(name = "{0}")
        @DisplayName("malformed input is a usage error (exit 2) naming line and column, and nothing is written")
        @CsvSource(
                delimiter = '|',
                quoteCharacter = '`',
                value = {
                    "not JSON                 | {\"then\":[{\"delete\":\"a\"}]                    | stdin line 1, column 25: not JSON: Unexpected end-of-input: expected close marker for Object (opened at line 1, column 1)",
                    "not an object            | [1]                                              | stdin line 1, column 1: expected a JSON object",
                    "unknown top-level field  | {\"iff\":[],\"then\":[{\"delete\":\"a\"}]}       | stdin line 1, column 2: unknown field \"iff\"",
                    "unknown condition        | {\"if\":[{\"absnt\":\"a\"}],\"then\":[{\"delete\":\"a\"}]} | stdin line 1, column 9: unknown condition \"absnt\"",
                    "two conditions in one    | {\"if\":[{\"absent\":\"a\",\"present\":\"b\"}],\"then\":[{\"delete\":\"a\"}]} | stdin line 1, column 22: one condition per object",
                    "unknown operation        | {\"then\":[{\"set\":{\"key\":\"a\",\"value\":\"1\"}}]} | stdin line 1, column 11: unknown operation \"set\"",
                    "put without a value      | {\"then\":[{\"put\":{\"key\":\"a\"}}]}            | stdin line 1, column 27: \"put\" needs both fields",
                    "a key written twice      | {\"then\":[{\"delete\":\"a\"},{\"delete\":\"a\"}]} | stdin line 1, column 25: key \"a\" is written twice",
                    "an empty key             | {\"then\":[{\"delete\":\"\"}]}                    | stdin line 1, column 10: key must not be empty",
                    "negative version         | {\"if\":[{\"version\":{\"key\":\"a\",\"is\":-1}}],\"then\":[{\"delete\":\"a\"}]} | stdin line 1, column 35: a version must be 0 (absent) or more, got -1",
                    "version not a number     | {\"if\":[{\"version\":{\"key\":\"a\",\"is\":\"1\"}}],\"then\":[{\"delete\":\"a\"}]} | must be a whole number",
                    "bad base64               | {\"then\":[{\"put\":{\"key\":\"a\",\"value\":{\"base64\":\"***\"}}}]} | \"base64\" is not base64",
                    "no operations            | {\"if\":[{\"absent\":\"a\"}],\"then\":[]}        | needs \"then\": an array of at least one operation",
                    "no then at all           | {\"if\":[{\"absent\":\"a\"}]}                     | needs \"then\"",
                    "text after the object    | `{\"then\":[{\"delete\":\"a\"}]} {}`                | stdin line 1, column 27: text after the transaction",
                    "multi-line position      | `{\"if\":[\n  {\"absent\":\"a\"},\n  {\"presnt\":\"b\"}],\"then\":[{\"delete\":\"a\"}]}` | stdin line 3, column 4: unknown condition \"presnt\"",
                })
        void malformed(String what, String json, String message) {
            store().put("a", "kept");
            Cli.Result r = cli.runWithInput(json.replace("\\n", "\n"), "txn", "-");
            assertThat(r.status()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).as(what).contains(message);
            assertThat(r.err().lines()).hasSize(1);
            assertThat(contents()).isEqualTo(Map.of("a", "kept"));
        }

        @Test
        @DisplayName("a missing FILE is a usage error (exit 2) naming it")
        void missingFile() {
            Cli.Result r = cli.run("txn", dir.resolve("nope.json").toString());
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).contains("no such file: " + dir.resolve("nope.json"));
        }

        @Test
        @DisplayName("a transaction over the store's size limit fails with exit 4 naming the limit, nothing written")
        void overLimit() {
            StringBuilder json = new StringBuilder("{\"then\":[");
            for (int i = 0; i < 129; i++) {
                json.append(i == 0 ? "" : ",")
                        .append("{\"put\":{\"key\":\"k")
                        .append(i)
                        .append("\",\"value\":\"v\"}}");
            }
            Cli.Result r = cli.runWithInput(json.append("]}").toString(), "txn", "-");
            assertThat(r.status()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("128");
            assertThat(store().listKeys("")).isEmpty();
        }

        @Test
        @DisplayName("kvctl --help lists txn and exit status 5")
        void txnHelp() {
            Cli.Result r = cli.run("--help");
            assertThat(r.out()).contains("txn").contains("5  a condition did not hold");
            assertThat(cli.run("txn", "--help").out())
                    .contains("{\"base64\":TEXT}")
                    .contains("exit status is 5");
        }
    }
}

package dev.kvstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** bench and demo on the memory store. */
class BenchAndDemoTest {

    final SharedBackends backends = new SharedBackends();
    final Cli cli = new Cli(backends);

    @AfterEach
    void close() {
        backends.close();
    }

    @Test
    @DisplayName("bench --json runs every workload, reports counts and percentiles, and deletes its keys")
    void benchJson() throws Exception {
        Cli.Result r = cli.run(
                "bench",
                "--json",
                "--duration",
                "400ms",
                "--warmup",
                "0",
                "--keys",
                "20",
                "--threads",
                "2",
                "--in-flight",
                "4",
                "--value-size",
                "32");
        assertThat(r.status()).as(r.toString()).isEqualTo(0);
        List<Map<String, String>> rows = BasicCommandsTest.jsonLines(r.stdout());
        assertThat(rows).extracting(m -> m.get("workload")).containsExactly("put", "get", "mixed", "list", "watch");
        for (Map<String, String> row : rows) {
            assertThat(Long.parseLong(row.get("ops"))).as(row.toString()).isPositive();
            assertThat(row.get("errors")).isEqualTo("0");
            assertThat(row.get("threads")).isEqualTo("2");
            assertThat(row).containsKey("latencyMillis");
        }
        assertThat(backends.backend(BasicCommandsTest.MEMORY).listKeys("")).isEmpty();
    }

    @Test
    @DisplayName("bench prints a table by default; workloads may be chosen")
    void benchTable() {
        Cli.Result r = cli.run("bench", "get", "WATCH", "--duration", "300ms", "--warmup", "0", "--keys", "5");
        assertThat(r.status()).as(r.toString()).isEqualTo(0);
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(1)).contains("ops/s").contains("p50 ms").contains("p99.9 ms");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(2)).startsWith("get ");
        assertThat(lines.get(3)).startsWith("watch ");
    }

    @Test
    @DisplayName("bench refuses an unknown workload or a zero thread count (exit 2)")
    void benchUsage() {
        assertThat(cli.run("bench", "scan").status()).isEqualTo(2);
        assertThat(cli.run("bench", "--threads", "0").status()).isEqualTo(2);
    }

    @Test
    @DisplayName("demo shows put, list, a watch firing and the liveness channel, on its own memory store")
    void demo() {
        Cli.Result r = new Cli(BackendFactory.DEFAULT).run("demo");
        assertThat(r.status()).as(r.toString()).isEqualTo(0);
        assertThat(r.out())
                .contains("first state: not alive")
                .contains("put kvctl-demo/")
                .contains("watch fired: PUT kvctl-demo/")
                .contains("liveness channel: alive")
                .contains("watch fired: DELETE kvctl-demo/")
                .contains("Liveness check (asks the store, writes nothing): alive")
                .doesNotContain("no event within");
        assertThat(r.out().lines().filter(l -> l.matches("\\s+kvctl-demo/\\S+/config/\\S+\\s+\\S+\\s+version \\d+")))
                .hasSize(3);
    }
}

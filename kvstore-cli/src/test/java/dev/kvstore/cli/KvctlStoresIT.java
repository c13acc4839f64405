package dev.kvstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.KvLease;
import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.FreePorts;
import dev.kvstore.testing.RedisServer;
import dev.kvstore.testing.ZooKeeperServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kvctl against real etcd, Redis and ZooKeeper servers (started once for the class on free loopback
 * ports). Every command runs in-process with the tool's own Backend factory: a new connection per
 * command, as from a shell. Each test works under a path prefix of its own.
 */
class KvctlStoresIT {

    static EtcdServer etcd;
    static RedisServer redis;
    static ZooKeeperServer zookeeper;

    final Cli cli = new Cli(BackendFactory.DEFAULT);

    @BeforeAll
    static void start() {
        etcd = EtcdServer.start();
        redis = RedisServer.start();
        zookeeper = ZooKeeperServer.start();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable server : new AutoCloseable[] {etcd, redis, zookeeper}) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }

    /** A store to point kvctl at. */
    record Store(String type, String address) {
        String[] flags(String pathPrefix) {
            return new String[] {"--store-type", type, "--address", address, "--path-prefix", pathPrefix};
        }

        Backend backend(String pathPrefix) {
            return Backend.builder()
                    .storeType(type)
                    .address(address)
                    .pathPrefix(pathPrefix)
                    .timeout(Duration.ofSeconds(10))
                    .build();
        }

        @Override
        public String toString() {
            return type;
        }
    }

    static Store etcd() {
        return new Store("etcd", etcd.address());
    }

    static Store redis() {
        return new Store("redis", redis.address());
    }

    static Store zookeeper() {
        return new Store("zookeeper", zookeeper.address());
    }

    static Stream<Store> stores() {
        return Stream.of(etcd(), redis(), zookeeper());
    }

    static String namespace() {
        return "kvctl-it/" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String[] args(String[] flags, String... command) {
        String[] all = new String[command.length + flags.length];
        System.arraycopy(command, 0, all, 0, command.length);
        System.arraycopy(flags, 0, all, command.length, flags.length);
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName(
            "lease ls / lease ttl show another client's lease with its keys (etcd, Redis); ZooKeeper refuses with status 2")
    void leases(Store store) {
        String ns = namespace();
        String[] f = store.flags(ns);
        try (Backend holder = store.backend(ns)) {
            KvLease lease = holder.grantLease(Duration.ofSeconds(10));
            holder.put("svc/a", "1".getBytes(StandardCharsets.UTF_8), lease);
            holder.put("svc/b", "2".getBytes(StandardCharsets.UTF_8), lease);
            Cli.Result ls = cli.run(args(f, "lease", "ls", "--keys"));
            if (store.type().equals("zookeeper")) {
                assertThat(ls.status()).as(ls.toString()).isEqualTo(2);
                assertThat(ls.err()).contains("cannot list leases");
                return;
            }
            assertThat(ls.status()).as(ls.toString()).isZero();
            List<String> lines = ls.out().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).startsWith(lease.id() + "\t").endsWith("/10.0s\t2 keys");
            assertThat(lines.subList(1, 3)).containsExactly("  svc/a", "  svc/b");

            Cli.Result ttl = cli.run(args(f, "lease", "ttl", Long.toString(lease.id())));
            assertThat(ttl.status()).as(ttl.toString()).isZero();
            assertThat(ttl.out()).startsWith(lease.id() + "\t");
            lease.revoke();
            Cli.Result gone = cli.run(args(f, "lease", "ttl", Long.toString(lease.id())));
            assertThat(gone.status()).as(gone.toString()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName("put, get, get --json, ls, rm, rm --prefix and health, with their exit statuses")
    void commands(Store store) throws Exception {
        String[] f = store.flags(namespace());
        assertThat(cli.run(args(f, "put", "a/1", "one")).status()).isEqualTo(0);
        byte[] binary = {0, (byte) 0xff, '\n', 7};
        assertThat(cli.run(binary, args(f, "put", "a/2")).status()).isEqualTo(0);
        assertThat(cli.run(args(f, "get", "a/2")).stdout()).isEqualTo(binary);
        Map<String, String> json = BasicCommandsTest.jsonLines(
                        cli.run(args(f, "get", "--json", "a/1")).stdout())
                .get(0);
        assertThat(json).containsEntry("key", "a/1").containsEntry("value", "b25l");
        Cli.Result ls = cli.run(args(f, "ls", "a/"));
        assertThat(ls.out().lines()).containsExactly("a/1\tone", "a/2\t\\x00\\xff\\x0a\\x07");
        assertThat(cli.run(args(f, "ls", "--keys-only")).out().lines()).containsExactly("a/1", "a/2");

        Cli.Result missing = cli.run(args(f, "get", "a/3"));
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("key not found");
        assertThat(cli.run(args(f, "rm", "a/1")).status()).isEqualTo(0);
        assertThat(cli.run(args(f, "rm", "a/1")).status()).isEqualTo(1);
        assertThat(cli.run(args(f, "rm", "--prefix", "a/")).status()).isEqualTo(2);
        assertThat(cli.run(args(f, "rm", "--prefix", "a/", "--yes")).status()).isEqualTo(0);
        assertThat(cli.run(args(f, "ls")).stdout()).isEmpty();

        Cli.Result health = cli.run(args(f, "health"));
        assertThat(health.status()).isEqualTo(0);
        assertThat(health.out()).startsWith("alive: " + store.type());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName("put --if-absent exits 0, then 5 writing nothing; --if-version likewise where the store keeps "
            + "versions, a usage error (2) on Redis")
    void conditionalPut(Store store) {
        String[] f = store.flags(namespace());
        assertThat(cli.run(args(f, "put", "c", "one", "--if-absent")).status()).isEqualTo(0);
        Cli.Result again = cli.run(args(f, "put", "c", "two", "--if-absent"));
        assertThat(again.status()).as(again.toString()).isEqualTo(5);
        assertThat(again.err()).contains("exists; nothing written");
        assertThat(cli.run(args(f, "get", "c")).out()).isEqualTo("one");
        if (store.type().equals("redis")) {
            Cli.Result r = cli.run(args(f, "put", "c", "two", "--if-version", "1"));
            assertThat(r.status()).as(r.toString()).isEqualTo(2);
            assertThat(r.err())
                    .contains("--if-version is not supported by redis")
                    .contains("no per-key versions");
        } else {
            assertThat(cli.run(args(f, "put", "c", "two", "--if-version", "1")).status())
                    .isEqualTo(0);
            Cli.Result stale = cli.run(args(f, "put", "c", "three", "--if-version", "1"));
            assertThat(stale.status()).as(stale.toString()).isEqualTo(5);
        }
        assertThat(cli.run(args(f, "get", "c")).out()).isEqualTo(store.type().equals("redis") ? "one" : "two");
        assertThat(cli.run(args(f, "rm", "--prefix", "", "--yes")).status()).isEqualTo(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName("txn applies puts (binary, nested keys) and a delete when absent/present/value conditions hold "
            + "(exit 0), then writes nothing (exit 5); version conditions where the store keeps versions")
    void txn(Store store) {
        String[] f = store.flags(namespace());
        assertThat(cli.run(args(f, "put", "from", "x")).status()).isEqualTo(0);
        String claim = """
                {"if":   [{"absent":"claimed"}, {"present":"from"}, {"value":{"key":"from","is":"x"}}],
                 "then": [{"put":{"key":"claimed","value":{"base64":"AP8K"}}},
                          {"put":{"key":"nested/deep/key","value":"v1"}},
                          {"delete":"from"}]}
                """;
        Cli.Result applied = cli.runWithInput(claim, args(f, "txn", "-"));
        assertThat(applied.status()).as(applied.toString()).isEqualTo(0);
        assertThat(cli.run(args(f, "get", "claimed")).stdout()).isEqualTo(new byte[] {0, (byte) 0xff, '\n'});
        assertThat(cli.run(args(f, "ls", "--keys-only")).out().lines()).containsExactly("claimed", "nested/deep/key");

        Cli.Result failed = cli.runWithInput(claim, args(f, "txn", "-"));
        assertThat(failed.status()).as(failed.toString()).isEqualTo(5);
        assertThat(failed.err()).contains("a condition did not hold; nothing written");
        assertThat(cli.run(args(f, "ls", "--keys-only")).out().lines()).containsExactly("claimed", "nested/deep/key");

        String bump = "{\"if\":[{\"version\":{\"key\":\"nested/deep/key\",\"is\":1}}],"
                + "\"then\":[{\"put\":{\"key\":\"nested/deep/key\",\"value\":\"v2\"}}]}";
        if (store.type().equals("redis")) {
            Cli.Result r = cli.runWithInput(bump, args(f, "txn", "-"));
            assertThat(r.status()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("version conditions are not supported by redis");
        } else {
            assertThat(cli.runWithInput(bump, args(f, "txn", "-")).status()).isEqualTo(0);
            assertThat(cli.runWithInput(bump, args(f, "txn", "-")).status()).isEqualTo(5);
            assertThat(cli.run(args(f, "get", "nested/deep/key")).out()).isEqualTo("v2");
        }
        assertThat(cli.run(args(f, "rm", "--prefix", "", "--yes")).status()).isEqualTo(0);
    }

    static Stream<Store> storesWithSmallLimits() {
        return Stream.of(etcd(), zookeeper());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storesWithSmallLimits")
    @DisplayName("put from an endless stdin: refused at the store's limit (exit 4), nothing written")
    void stdinOverLimit(Store store) {
        String[] f = store.flags(namespace());
        java.io.InputStream endless = new java.io.InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
        Cli.Result r = cli.run(endless, args(f, "put", "big"));
        assertThat(r.status()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).contains("over the store's limit of").contains("nothing was written");
        assertThat(cli.run(args(f, "get", "big")).status()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName("an unreachable store: get and put exit 3, health exits 3, one line on stderr, within the timeout")
    void unavailable(Store live) {
        Store down = new Store(live.type(), "127.0.0.1:" + FreePorts.closedPort());
        String[] f = args(down.flags("x"), "--timeout", "1s");
        long start = System.nanoTime();
        Cli.Result get = cli.run(args(f, "get", "k"));
        assertThat(get.status()).as(get.toString()).isEqualTo(3);
        assertThat(get.err().lines()).hasSize(1);
        assertThat(get.err()).contains("store unavailable (" + live.type() + " at 127.0.0.1:");
        assertThat(cli.run(args(f, "put", "k", "v")).status()).isEqualTo(3);
        Cli.Result health = cli.run(args(f, "health"));
        assertThat(health.status()).isEqualTo(3);
        assertThat(health.out()).startsWith("not alive");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName("watch --prefix --json: every line parses back to the change made")
    void watchJson(Store store) throws Exception {
        String ns = namespace();
        try (Backend writer = store.backend(ns)) {
            WatchCommandTest.Background watch = new WatchCommandTest.Background(
                            BackendFactory.DEFAULT,
                            args(store.flags(ns), "watch", "w/", "--prefix", "--json", "--count", "3"))
                    .awaitActive();
            writer.put("w/a", new byte[] {1, 2, 3});
            writer.put("w/b", "bee");
            writer.put("elsewhere", "ignored");
            writer.delete("w/a");
            assertThat(watch.status).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(0);
            List<Map<String, String>> events = BasicCommandsTest.jsonLines(watch.out.toByteArray());
            assertThat(events)
                    .extracting(e -> e.get("type") + " " + e.get("key") + " " + e.get("value"))
                    .containsExactlyInAnyOrder("PUT w/a AQID", "PUT w/b YmVl", "DELETE w/a ");
            // per key, in commit order
            assertThat(events)
                    .filteredOn(e -> e.get("key").equals("w/a"))
                    .extracting(e -> e.get("type"))
                    .containsExactly("PUT", "DELETE");
            writer.deleteWithPrefix("");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName("watch --initial --json: a PUT per existing key, SYNCED, then the changes")
    void watchInitial(Store store) throws Exception {
        String ns = namespace();
        try (Backend writer = store.backend(ns)) {
            writer.put("w/a", "a");
            writer.put("w/b", new byte[] {0, (byte) 0xff});
            writer.put("elsewhere", "ignored");
            WatchCommandTest.Background watch = new WatchCommandTest.Background(
                            BackendFactory.DEFAULT,
                            args(store.flags(ns), "watch", "w/", "--prefix", "--initial", "--json", "--count", "4"))
                    .awaitActive();
            writer.put("w/c", "c");
            assertThat(watch.status).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(0);
            List<String> events = BasicCommandsTest.jsonLines(watch.out.toByteArray()).stream()
                    .map(e -> e.get("type") + " " + e.get("key") + " " + e.get("value"))
                    .toList();
            assertThat(events.subList(0, 2)).containsExactlyInAnyOrder("PUT w/a YQ==", "PUT w/b AP8=");
            assertThat(events.subList(2, 4)).containsExactly("SYNCED w/ ", "PUT w/c Yw==");
            writer.deleteWithPrefix("");
        }
    }

    @Test
    @DisplayName("watch prints CONNECTION_DOWN when the store goes away")
    void watchConnectionDown() {
        String ns = namespace();
        WatchCommandTest.Background watch = new WatchCommandTest.Background(
                        BackendFactory.DEFAULT, args(redis().flags(ns), "watch", "k", "--count", "1"))
                .awaitActive();
        redis.stop();
        try {
            assertThat(watch.status).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(0);
            assertThat(watch.out()).isEqualTo("CONNECTION_DOWN k" + System.lineSeparator());
        } finally {
            redis.restart();
        }
    }

    /** Binary and awkward data: every byte value, empty, 200 KiB, hostile keys, 500 small keys. */
    static void fill(Backend b) {
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        puts.add(b.putAsync("d/all-bytes", all));
        puts.add(b.putAsync("d/empty", new byte[0]));
        byte[] big = new byte[200 * 1024];
        new java.util.Random(7).nextBytes(big);
        puts.add(b.putAsync("d/big", big));
        puts.add(b.putAsync("d/ünï cödé", "välue".getBytes(StandardCharsets.UTF_8)));
        puts.add(b.putAsync("d/glob*?[x]\\:%", "g"));
        puts.add(b.putAsync("d/dots/../.", "dots"));
        puts.add(b.putAsync("d/trailing/", "t"));
        puts.add(b.putAsync("d//double", "dd"));
        for (int i = 0; i < 500; i++) {
            puts.add(b.putAsync("d/n/" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
    }

    static Map<String, String> contents(Backend b, String prefix) {
        Map<String, String> m = new TreeMap<>();
        for (KvPair p : b.list(prefix).values()) {
            m.put(Display.relativeKey(b, p.key()), Base64.getEncoder().encodeToString(p.value()));
        }
        return m;
    }

    @Test
    @DisplayName("dump etcd -> load into Redis and ZooKeeper (other path prefixes): every key and value, byte for byte")
    void dumpAndLoadAcrossStores() {
        String ns = namespace();
        try (Backend source = etcd().backend(ns)) {
            fill(source);
            Cli.Result dump = cli.run(args(etcd().flags(ns), "dump", "d/"));
            assertThat(dump.status()).as(dump.err()).isEqualTo(0);
            assertThat(dump.out().lines()).hasSize(508);
            Map<String, String> expected = contents(source, "d/");
            assertThat(expected).hasSize(508);
            assertThat(cli.run(args(etcd().flags(ns), "dump", "d/", "--per-key"))
                            .out())
                    .isEqualTo(dump.out());

            for (Store target : List.of(redis(), zookeeper())) {
                String there = namespace() + "/restored";
                Cli.Result load = cli.run(dump.stdout(), args(target.flags(there), "load"));
                assertThat(load.status()).as(target + ": " + load).isEqualTo(0);
                assertThat(load.out()).startsWith("loaded 508 key(s)");
                try (Backend restored = target.backend(there)) {
                    assertThat(contents(restored, "")).as(target.type()).isEqualTo(expected);
                    Cli.Result again = cli.run(args(target.flags(there), "dump"));
                    assertThat(again.out()).as(target.type()).isEqualTo(dump.out());
                    restored.deleteWithPrefix("");
                }
            }
            source.deleteWithPrefix("");
        }
    }

    @Test
    @DisplayName("copy of 10,000 keys from etcd to Redis and to ZooKeeper")
    void copyTenThousand() throws Exception {
        String ns = namespace();
        try (Backend source = etcd().backend(ns)) {
            long t0 = System.nanoTime();
            PipelinedWriter w = new PipelinedWriter(source, 256);
            for (int i = 0; i < 10_000; i++) {
                w.put("c/" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8));
            }
            w.finish();
            System.out.println("seeded etcd with 10000 keys in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            Map<String, String> expected = contents(source, "c/");
            assertThat(expected).hasSize(10_000);

            for (Store target : List.of(redis(), zookeeper())) {
                String there = namespace();
                Cli.Result copy = cli.run(args(
                        etcd().flags(ns),
                        "copy",
                        "c/",
                        "--to-store-type",
                        target.type(),
                        "--to-address",
                        target.address(),
                        "--to-path-prefix",
                        there,
                        "--in-flight",
                        "256"));
                assertThat(copy.status()).as(copy.toString()).isEqualTo(0);
                assertThat(copy.out()).startsWith("copied 10000 key(s)");
                System.out.print(copy.out());
                try (Backend copied = target.backend(there)) {
                    assertThat(contents(copied, "")).as(target.type()).isEqualTo(expected);
                    copied.deleteWithPrefix("");
                }
            }
            source.deleteWithPrefix("");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName("demo runs on the store: the watch fires for every write and the liveness channel turns alive")
    void demo(Store store) {
        Cli.Result r = cli.run(args(store.flags(namespace()), "demo"));
        assertThat(r.status()).as(r.toString()).isEqualTo(0);
        assertThat(r.out())
                .contains("liveness channel: alive")
                .contains("watch fired: DELETE")
                .doesNotContain("no event within");
        assertThat(r.out().lines().filter(l -> l.contains("watch fired: PUT"))).hasSize(4);
    }

    @Test
    @DisplayName("copy into an unreachable store exits 3 and names the target")
    void copyToUnreachable() {
        String ns = namespace();
        try (Backend source = etcd().backend(ns)) {
            source.put("k", "v");
            String closed = "127.0.0.1:" + FreePorts.closedPort();
            Cli.Result r = cli.run(args(
                    etcd().flags(ns),
                    "copy",
                    "--to-store-type",
                    "redis",
                    "--to-address",
                    closed,
                    "--to-timeout",
                    "1s"));
            assertThat(r.status()).as(r.toString()).isEqualTo(3);
            assertThat(r.err()).contains("store unavailable (redis at " + closed);
            source.deleteWithPrefix("");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName(
            "reindex refuses with status 2 on a store without a key index (etcd, ZooKeeper, redis without key-index)")
    void reindexWithoutIndex(Store store) {
        Cli.Result r = cli.run(args(store.flags(namespace()), "reindex"));
        assertThat(r.status()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("no key index");
        if (store.type().equals("redis")) {
            assertThat(r.err()).contains("key-index=true");
        }
    }

    @Test
    @DisplayName("reindex on redis with key-index: keys set by redis-cli appear in ls only after it; stale members go")
    void reindexRedis() {
        String ns = namespace();
        String[] f = Stream.concat(Stream.of(redis().flags(ns)), Stream.of("--option", "key-index=true"))
                .toArray(String[]::new);
        assertThat(cli.run(args(f, "put", "svc/indexed", "1")).status()).isZero();
        redis.redisCli("SET", ns + "/svc/cli1", "2");
        redis.redisCli("SET", ns + "/svc/cli2", "3");
        redis.redisCli("SET", ns + "/other", "4");
        assertThat(cli.run(args(f, "ls", "--keys-only", "svc/")).out().lines()).containsExactly("svc/indexed");
        assertThat(cli.run(args(f, "get", "svc/cli1")).out()).isEqualTo("2");

        Cli.Result r = cli.run(args(f, "reindex", "svc/"));
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("reindexed prefix \"" + ns + "/svc/\": added 2, removed 0, kept 1\n");
        assertThat(cli.run(args(f, "ls", "--keys-only")).out().lines())
                .containsExactly("svc/cli1", "svc/cli2", "svc/indexed");

        // A key deleted around the index (redis-cli) leaves a stale member that reindex removes.
        redis.redisCli("DEL", ns + "/svc/cli1");
        Cli.Result again = cli.run(args(f, "reindex"));
        assertThat(again.status()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo("reindexed prefix \"" + ns + "/\": added 1, removed 1, kept 2\n");
        assertThat(cli.run(args(f, "ls", "--keys-only")).out().lines())
                .containsExactly("other", "svc/cli2", "svc/indexed");
    }

    @Test
    @DisplayName("every store is on kvctl's class path, in one JVM")
    void everyStore() {
        assertThat(Backend.availableStoreTypes()).contains("memory", "etcd", "redis", "redis-sentinel", "zookeeper");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName("bench --json runs put and watch against the store and deletes its keys")
    void bench(Store store) throws Exception {
        String ns = namespace();
        Cli.Result r = cli.run(args(
                store.flags(ns),
                "bench",
                "put",
                "watch",
                "--json",
                "--duration",
                "300ms",
                "--warmup",
                "0",
                "--in-flight",
                "4",
                "--keys",
                "10"));
        assertThat(r.status()).as(r.toString()).isEqualTo(0);
        List<Map<String, String>> rows = BasicCommandsTest.jsonLines(r.stdout());
        assertThat(rows).extracting(m -> m.get("workload")).containsExactly("put", "watch");
        assertThat(rows)
                .allSatisfy(row -> assertThat(Long.parseLong(row.get("ops"))).isPositive());
        try (Backend b = store.backend(ns)) {
            assertThat(b.listKeys("")).isEmpty();
        }
    }
}

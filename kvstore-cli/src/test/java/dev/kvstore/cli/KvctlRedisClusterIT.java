package dev.kvstore.cli;

import static dev.kvstore.cli.KvctlStoresIT.args;
import static dev.kvstore.cli.KvctlStoresIT.contents;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.RedisClusterServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * kvctl against a real Redis Cluster (3 masters, 3 replicas on loopback ports), as from a shell:
 * a new connection per command, under a path prefix of each test's own.
 */
class KvctlRedisClusterIT {

    static EtcdServer etcd;
    static RedisClusterServer cluster;

    final Cli cli = new Cli(BackendFactory.DEFAULT);

    @BeforeAll
    static void start() {
        etcd = EtcdServer.start();
        cluster = RedisClusterServer.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    static String namespace() {
        return "kvctl-cluster/" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String[] flags(String pathPrefix) {
        return new String[] {
            "--store-type", "redis-cluster", "--address", cluster.address(), "--path-prefix", pathPrefix
        };
    }

    static Backend backend(String pathPrefix) {
        return Backend.builder()
                .storeType("redis-cluster")
                .address(cluster.address())
                .pathPrefix(pathPrefix)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    @Test
    @DisplayName("put, get, ls (keys on every master), rm, rm --prefix and health against redis-cluster")
    void commands() {
        String[] f = flags(namespace());
        for (int i = 0; i < 30; i++) {
            assertThat(cli.run(args(f, "put", "a/" + i, "v" + i)).status()).isZero();
        }
        byte[] binary = {0, (byte) 0xff, '\n', 7};
        assertThat(cli.run(binary, args(f, "put", "b")).status()).isZero();
        assertThat(cli.run(args(f, "get", "b")).stdout()).isEqualTo(binary);
        assertThat(cli.run(args(f, "ls", "--keys-only", "a/")).out().lines()).hasSize(30);
        assertThat(cli.run(args(f, "ls", "a/1")).out().lines())
                .containsExactly(
                        "a/1\tv1",
                        "a/10\tv10",
                        "a/11\tv11",
                        "a/12\tv12",
                        "a/13\tv13",
                        "a/14\tv14",
                        "a/15\tv15",
                        "a/16\tv16",
                        "a/17\tv17",
                        "a/18\tv18",
                        "a/19\tv19");
        assertThat(cli.run(args(f, "get", "a/99")).status()).isEqualTo(1);
        assertThat(cli.run(args(f, "rm", "b")).status()).isZero();
        assertThat(cli.run(args(f, "rm", "--prefix", "a/", "--yes")).status()).isZero();
        assertThat(cli.run(args(f, "ls")).stdout()).isEmpty();
        Cli.Result health = cli.run(args(f, "health"));
        assertThat(health.status()).as(health.toString()).isZero();
        assertThat(health.out()).startsWith("alive: redis-cluster");
    }

    @Test
    @DisplayName(
            "copy of 10,000 keys (and binary, empty, 200 KiB and odd keys) from etcd to redis-cluster, byte for byte")
    void copyFromEtcd() {
        String ns = namespace();
        String there = namespace();
        try (Backend source = Backend.builder()
                        .storeType("etcd")
                        .address(etcd.address())
                        .pathPrefix(ns)
                        .timeout(Duration.ofSeconds(10))
                        .build();
                Backend copied = backend(there)) {
            KvctlStoresIT.fill(source);
            Map<String, byte[]> many = new HashMap<>();
            for (int i = 0; i < 10_000; i++) {
                many.put("c/" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8));
            }
            source.putAll(many);
            Map<String, String> expected = contents(source, "");
            assertThat(expected).hasSize(10_000 + 508);

            Cli.Result copy = cli.run(args(
                    new String[] {"--store-type", "etcd", "--address", etcd.address(), "--path-prefix", ns},
                    "copy",
                    "",
                    "--to-store-type",
                    "redis-cluster",
                    "--to-address",
                    cluster.address(),
                    "--to-path-prefix",
                    there));
            assertThat(copy.status()).as(copy.toString()).isZero();
            assertThat(copy.out()).startsWith("copied " + expected.size() + " key(s)");
            System.out.print(copy.out());
            assertThat(contents(copied, "")).isEqualTo(expected);
            copied.deleteWithPrefix("");
            source.deleteWithPrefix("");
        }
    }
}

package dev.kvstore.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvLease;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.Txn;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.TestServerExtension;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transactions on a real etcd, where the conformance kit cannot look: etcd's {@code --max-txn-ops}
 * rule, the request size limit, one revision per transaction, leased puts inside a transaction.
 */
class EtcdTxnIT {

    private static final byte[] V = "v".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final TestServerExtension<EtcdServer> ETCD = TestServerExtension.of(EtcdServer::start);

    private static Client jetcd;
    private KvStoreClient client;
    private String ns;

    @BeforeAll
    static void connectJetcd() {
        jetcd = Client.builder().endpoints("http://" + ETCD.address()).build();
    }

    @AfterAll
    static void closeJetcd() {
        jetcd.close();
    }

    @BeforeEach
    void connect() {
        client = create(config());
        ns = "txn-it/" + UUID.randomUUID() + "/";
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private static KvStoreConfig.Builder config() {
        return KvStoreConfig.builder().storeType("etcd").address(ETCD.address()).timeout(Duration.ofSeconds(5));
    }

    private static KvStoreClient create(KvStoreConfig.Builder config) {
        return new EtcdKvStoreProvider().create(config.build());
    }

    private static <T> T join(CompletableFuture<T> f) {
        return f.orTimeout(10, TimeUnit.SECONDS).join();
    }

    private Txn puts(int n) {
        Txn.Builder b = Txn.builder();
        IntStream.range(0, n).forEach(i -> b.put(ns + "k" + i, V));
        return b.build();
    }

    private List<String> stored() {
        return join(client.listKeys(ns));
    }

    @Test
    @DisplayName("maxTxnSize is etcd's default --max-txn-ops: 128 operations commit, 129 fail before sending")
    void defaultLimit() {
        assertThat(client.maxTxnSize()).isEqualTo(128);
        assertThat(join(client.commit(puts(128))).succeeded()).isTrue();
        assertThat(stored()).hasSize(128);

        join(client.deleteWithPrefix(ns));
        assertThatThrownBy(() -> client.commit(puts(129)))
                .isInstanceOf(KvStoreException.class)
                .hasMessageContaining("128");
        assertThat(stored()).isEmpty();
    }

    @Test
    @DisplayName("etcd's own rule counts compares and requests each on its own; a client told a higher "
            + "max-txn-ops than the server's gets etcd's refusal, not an unavailable store, and nothing is written")
    void serverRule() {
        try (KvStoreClient lax = create(config().option(EtcdOptions.MAX_TXN_OPS, "256"))) {
            // 100 conditions + 100 puts: 200 > 128 by kvstore's count, but each list is within etcd's
            Txn.Builder b = Txn.builder();
            IntStream.range(0, 100).forEach(i -> b.ifAbsent(ns + "c" + i).put(ns + "k" + i, V));
            assertThat(join(lax.commit(b.build())).succeeded()).isTrue();
            assertThat(stored()).hasSize(100);

            join(client.deleteWithPrefix(ns));
            assertThatThrownBy(() -> join(lax.commit(puts(129))))
                    .hasCauseInstanceOf(KvStoreException.class)
                    .satisfies(e -> assertThat(e.getCause())
                            .isNotInstanceOf(KvStoreUnavailableException.class)
                            .hasMessageContaining("too many operations"));
            assertThat(stored()).isEmpty();
        }
    }

    @Test
    @DisplayName("a transaction larger than max-request-bytes fails before sending, naming the limit")
    void requestBytes() {
        byte[] big = new byte[(int) client.maxValueSize()];
        Txn txn = Txn.builder().put(ns + "a", big).put(ns + "b", big).build();
        assertThatThrownBy(() -> client.commit(txn))
                .isInstanceOf(KvStoreException.class)
                .hasMessageContaining(EtcdOptions.MAX_REQUEST_BYTES)
                .hasMessageContaining(String.valueOf(EtcdOptions.DEFAULT_MAX_REQUEST_BYTES));
        assertThat(stored()).isEmpty();
    }

    @Test
    @DisplayName("every key of a transaction is written at one etcd revision")
    void oneRevision() throws Exception {
        join(client.put(ns + "d", V));
        Txn txn = Txn.builder()
                .ifAbsent(ns + "a")
                .put(ns + "a", V)
                .put(ns + "b", V)
                .put(ns + "c", V)
                .delete(ns + "d")
                .build();
        assertThat(join(client.commit(txn)).succeeded()).isTrue();
        ByteSequence prefix = ByteSequence.from(ns, StandardCharsets.UTF_8);
        List<KeyValue> kvs = jetcd.getKVClient()
                .get(
                        prefix,
                        io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build())
                .get(10, TimeUnit.SECONDS)
                .getKvs();
        assertThat(kvs).hasSize(3);
        assertThat(kvs.stream().map(KeyValue::getModRevision).collect(Collectors.toSet()))
                .hasSize(1);
    }

    @Test
    @DisplayName("value and presence compares: an empty expected value does not match an absent key")
    void compares() {
        assertThat(join(client.commit(Txn.builder()
                                .ifValue(ns + "x", new byte[0])
                                .put(ns + "y", V)
                                .build()))
                        .succeeded())
                .isFalse();
        join(client.put(ns + "x", new byte[0]));
        assertThat(join(client.commit(Txn.builder()
                                .ifValue(ns + "x", new byte[0])
                                .ifPresent(ns + "x")
                                .ifVersion(ns + "x", 1)
                                .put(ns + "y", V)
                                .build()))
                        .succeeded())
                .isTrue();
        assertThat(join(client.get(ns + "y")).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    @DisplayName("a leased put inside a transaction carries the lease; revoking it deletes the key")
    void leasedPutInTxn() {
        KvLease lease = join(client.grantLease(Duration.ofSeconds(10)));
        assertThat(join(client.commit(Txn.builder()
                                .ifAbsent(ns + "l")
                                .put(ns + "l", V, lease)
                                .put(ns + "plain", V)
                                .build()))
                        .succeeded())
                .isTrue();
        assertThat(join(client.get(ns + "l")).orElseThrow().lease()).isEqualTo(lease.id());
        assertThat(join(client.get(ns + "plain")).orElseThrow().lease()).isZero();
        lease.revoke();
        assertThat(stored()).containsExactly(ns + "plain");
        assertThatThrownBy(() ->
                        client.commit(Txn.builder().put(ns + "l", V, lease).build()))
                .isInstanceOf(KvStoreException.class)
                .hasMessageContaining("no longer active");
    }

    @Test
    @DisplayName("a lease of another client is refused before sending")
    void foreignLease() {
        try (KvStoreClient other = create(config())) {
            KvLease lease = join(other.grantLease(Duration.ofSeconds(10)));
            assertThatThrownBy(() ->
                            client.commit(Txn.builder().put(ns + "l", V, lease).build()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(stored()).isEmpty();
    }
}

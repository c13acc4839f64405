package dev.kvstore.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.testing.EtcdServer;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The username and password options against an etcd with authentication on. */
class EtcdAuthIT {

    @Test
    @DisplayName(
            "with credentials operations work; without, they fail as refused (not unavailable) and the store still counts as up")
    void usernameAndPassword() {
        try (EtcdServer etcd = EtcdServer.start()) {
            etcd.etcdctl("user", "add", "root", "--new-user-password=s3cret");
            etcd.etcdctl("auth", "enable");
            KvStoreConfig.Builder config = KvStoreConfig.builder()
                    .storeType("etcd")
                    .address(etcd.address())
                    .timeout(Duration.ofSeconds(5));
            try (KvStoreClient authed = new EtcdKvStoreProvider()
                    .create(config.option("username", "root")
                            .option("password", "s3cret")
                            .build())) {
                authed.put("auth/k", "v".getBytes(UTF_8))
                        .orTimeout(10, TimeUnit.SECONDS)
                        .join();
                assertThat(authed.get("auth/k")
                                .orTimeout(10, TimeUnit.SECONDS)
                                .join()
                                .orElseThrow()
                                .valueAsString())
                        .isEqualTo("v");
            }
            assertThat(new String(etcd.etcdctl("--user=root:s3cret", "get", "auth/k", "--print-value-only"), UTF_8))
                    .isEqualTo("v\n");
            try (KvStoreClient anonymous = new EtcdKvStoreProvider()
                    .create(KvStoreConfig.builder()
                            .storeType("etcd")
                            .address(etcd.address())
                            .build())) {
                assertThatThrownBy(() -> anonymous
                                .get("auth/k")
                                .orTimeout(10, TimeUnit.SECONDS)
                                .join())
                        .isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(KvStoreException.class)
                        .cause()
                        .isNotInstanceOf(KvStoreUnavailableException.class);
                assertThat(anonymous
                                .isConnectionUp()
                                .orTimeout(10, TimeUnit.SECONDS)
                                .join())
                        .isTrue();
            }
        }
    }
}

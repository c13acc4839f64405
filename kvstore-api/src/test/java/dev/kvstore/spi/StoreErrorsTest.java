package dev.kvstore.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class StoreErrorsTest {

    @Test
    void oneMessageShape() {
        assertThat(StoreErrors.message("etcd", "put", "a/b", "no leader"))
                .isEqualTo("etcd put \"a/b\" failed: no leader");
        assertThat(StoreErrors.message("redis", "ping", null, "refused")).isEqualTo("redis ping failed: refused");
    }

    @Test
    void translateKeepsTheCauseAndSortsOutages() {
        IOException io = new IOException("connection reset");
        KvStoreException down =
                StoreErrors.translate("etcd", "get", "k", new CompletionException(io), t -> t instanceof IOException);
        assertThat(down).isInstanceOf(KvStoreUnavailableException.class).hasCause(io);
        assertThat(down.getMessage()).startsWith("etcd get \"k\" failed: etcd is unreachable (connection reset)");

        IllegalStateException refused = new IllegalStateException("permission denied");
        KvStoreException error = StoreErrors.translate("etcd", "get", "k", refused, t -> false);
        assertThat(error)
                .isNotInstanceOf(KvStoreUnavailableException.class)
                .hasCause(refused)
                .hasMessage("etcd get \"k\" failed: permission denied");

        KvStoreException mine = new KvStoreException("already translated");
        assertThat(StoreErrors.translate("etcd", "get", "k", new CompletionException(mine), t -> true))
                .isSameAs(mine);

        assertThat(StoreErrors.translate("etcd", "get", "k", new TimeoutException(), t -> false))
                .isInstanceOf(KvStoreUnavailableException.class);
        assertThat(StoreErrors.timedOut("zookeeper", "delete", "k", Duration.ofSeconds(2))
                        .getMessage())
                .startsWith("zookeeper delete \"k\" failed: no answer within the timeout of PT2S");
    }

    @Test
    void describeAddsTheRootCause() {
        Exception e = new RuntimeException("outer", new IOException("inner"));
        assertThat(StoreErrors.describe(e)).isEqualTo("outer: inner");
        assertThat(StoreErrors.describe(new IOException())).isEqualTo("IOException");
    }
}

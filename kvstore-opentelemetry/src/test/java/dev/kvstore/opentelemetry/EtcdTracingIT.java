package dev.kvstore.opentelemetry;

import static dev.kvstore.opentelemetry.KvStoreTracing.DB_NAMESPACE;
import static dev.kvstore.opentelemetry.KvStoreTracing.DB_OPERATION_NAME;
import static dev.kvstore.opentelemetry.KvStoreTracing.DB_SYSTEM_NAME;
import static dev.kvstore.opentelemetry.KvStoreTracing.ERROR_TYPE;
import static dev.kvstore.opentelemetry.KvStoreTracing.SERVER_ADDRESS;
import static dev.kvstore.opentelemetry.KvStoreTracing.SERVER_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.TestServerExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Spans of a Backend on a real etcd, and on an etcd address nothing listens on. */
class EtcdTracingIT {

    @RegisterExtension
    static final TestServerExtension<EtcdServer> ETCD = TestServerExtension.of(EtcdServer::start);

    private final TracingFixture otel = new TracingFixture();
    private final String prefix = "tracing-it/" + UUID.randomUUID();

    @AfterEach
    void close() {
        otel.close();
    }

    private Backend backend(String address, Duration timeout) {
        return Backend.builder()
                .storeType("etcd")
                .address(address)
                .timeout(timeout)
                .pathPrefix(prefix)
                .observer(otel.tracing)
                .build();
    }

    @Test
    @DisplayName("spans carry etcd's system name, the operation, the namespace and the server")
    void attributes() {
        try (Backend b = backend(ETCD.address(), Duration.ofSeconds(5))) {
            b.put("a", "1");
            assertThat(b.get("missing")).isEmpty();
        }
        HostPort server = hostPort(ETCD.address());
        SpanData put = otel.only("put " + prefix);
        assertThat(put.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(put.getAttributes().get(DB_SYSTEM_NAME)).isEqualTo("etcd");
        assertThat(put.getAttributes().get(DB_OPERATION_NAME)).isEqualTo("put");
        assertThat(put.getAttributes().get(DB_NAMESPACE)).isEqualTo(prefix);
        assertThat(put.getAttributes().get(SERVER_ADDRESS)).isEqualTo(server.host());
        assertThat(put.getAttributes().get(SERVER_PORT)).isEqualTo(server.port());
        SpanData get = otel.only("get " + prefix);
        assertThat(get.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    @DisplayName("async forms: the caller's span is the parent across putAsync(..).thenCompose(..)")
    void asyncParentage() {
        Span parent = otel.parent("request");
        Optional<?> got;
        try (Backend b = backend(ETCD.address(), Duration.ofSeconds(5))) {
            CompletableFuture<? extends Optional<?>> f;
            try (Scope ignored = parent.makeCurrent()) {
                f = b.putAsync("k", "v").thenCompose(v -> b.getAsync("k"));
            }
            got = f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            parent.end();
        }
        assertThat(got).isPresent();
        String id = parent.getSpanContext().getSpanId();
        SpanData put = otel.only("put " + prefix);
        SpanData get = otel.only("get " + prefix);
        assertThat(put.getParentSpanId()).isEqualTo(id);
        assertThat(get.getParentSpanId()).isEqualTo(id);
        assertThat(get.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
        // The get started after the put's span had ended: the span ends with the future.
        assertThat(get.getStartEpochNanos()).isGreaterThanOrEqualTo(put.getEndEpochNanos());
    }

    @Test
    @DisplayName("an unreachable store: the span ends when the future fails, with status ERROR and the exception")
    void unreachable() {
        try (Backend b = backend(ETCD.unreachableAddress(), Duration.ofSeconds(1))) {
            CompletableFuture<?> f = b.getAsync("k");
            if (!f.isDone()) {
                assertThat(otel.spansNamed("get " + prefix)).isEmpty();
            }
            await().atMost(Duration.ofSeconds(10)).until(f::isDone);
            assertThatThrownBy(f::join)
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(KvStoreUnavailableException.class);
            assertThatThrownBy(() -> b.put("k", "v")).isInstanceOf(KvStoreUnavailableException.class);
        }
        assertThat(otel.spans())
                .filteredOn(s -> s.getName().startsWith("get ") || s.getName().startsWith("put "))
                .hasSize(2)
                .allSatisfy(s -> {
                    assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
                    assertThat(s.getEvents())
                            .anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
                    assertThat(s.getAttributes().get(ERROR_TYPE))
                            .isEqualTo(KvStoreUnavailableException.class.getName());
                });
    }

    private static HostPort hostPort(String address) {
        KvStoreTracing.HostPort hp = KvStoreTracing.HostPort.first(address);
        return new HostPort(hp.host(), (long) hp.port());
    }

    private record HostPort(String host, Long port) {}
}

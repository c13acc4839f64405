package dev.kvstore.opentelemetry;

import static dev.kvstore.opentelemetry.KvStoreTracing.DB_NAMESPACE;
import static dev.kvstore.opentelemetry.KvStoreTracing.DB_OPERATION_NAME;
import static dev.kvstore.opentelemetry.KvStoreTracing.DB_SYSTEM_NAME;
import static dev.kvstore.opentelemetry.KvStoreTracing.SERVER_ADDRESS;
import static dev.kvstore.opentelemetry.KvStoreTracing.SERVER_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Spans of a Backend on the in-process memory store. */
class KvStoreTracingTest {

    private final TracingFixture otel = new TracingFixture();
    private final String name = "tracing-" + UUID.randomUUID();
    private final Backend backend = Backend.builder()
            .storeType("memory")
            .address(name)
            .timeout(Duration.ofSeconds(5))
            .pathPrefix("service/voltha")
            .observer(otel.tracing)
            .build();

    @AfterEach
    void close() {
        backend.close();
        otel.close();
    }

    @Test
    @DisplayName("every operation has a CLIENT span named after its operation and namespace, with the db attributes")
    void namesAndAttributes() {
        backend.put("a", "1");
        backend.get("a");
        backend.list("");
        backend.exists("a");
        backend.delete("a");
        backend.deleteWithPrefix("");
        KvWatch w = backend.createWatch("a", false, e -> {});
        backend.deleteWatch(w);
        backend.performLivenessCheck();
        assertThat(otel.spans())
                .extracting(SpanData::getName)
                .containsExactly(
                        "put service/voltha",
                        "get service/voltha",
                        "list service/voltha",
                        "exists service/voltha",
                        "delete service/voltha",
                        "deleteWithPrefix service/voltha",
                        "createWatch service/voltha",
                        "deleteWatch service/voltha",
                        "livenessCheck service/voltha");
        SpanData get = otel.only("get service/voltha");
        assertThat(get.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(get.getAttributes().get(DB_SYSTEM_NAME)).isEqualTo("memory");
        assertThat(get.getAttributes().get(DB_OPERATION_NAME)).isEqualTo("get");
        assertThat(get.getAttributes().get(DB_NAMESPACE)).isEqualTo("service/voltha");
        // A memory store's address is a name, not host:port.
        assertThat(get.getAttributes().get(SERVER_ADDRESS)).isNull();
        assertThat(get.getAttributes().get(SERVER_PORT)).isNull();
        assertThat(otel.spans())
                .allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET));
    }

    @Test
    @DisplayName("a get of a missing key is not an error")
    void notFoundIsNoError() {
        assertThat(backend.get("missing")).isEmpty();
        SpanData get = otel.only("get service/voltha");
        assertThat(get.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(get.getEvents()).isEmpty();
    }

    @Test
    @DisplayName("a failed operation's span has status ERROR, the exception and error.type")
    void errorRecorded() {
        Backend closed = Backend.builder()
                .storeType("memory")
                .address(name)
                .observer(otel.tracing)
                .build();
        closed.close();
        try {
            closed.get("a");
        } catch (RuntimeException expected) {
            // a closed client refuses the call: the span records it
        }
        SpanData get = otel.only("get");
        assertThat(get.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(get.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
        assertThat(get.getAttributes().get(KvStoreTracing.ERROR_TYPE)).isNotBlank();
    }

    @Test
    @DisplayName("the caller's context is the parent, also in putAsync(..).thenCompose(..)")
    void parentage() {
        Span parent = otel.parent("request");
        try (Scope ignored = parent.makeCurrent()) {
            backend.putAsync("k", "v").thenCompose(v -> backend.getAsync("k")).join();
            backend.get("k");
        } finally {
            parent.end();
        }
        String trace = parent.getSpanContext().getTraceId();
        String id = parent.getSpanContext().getSpanId();
        assertThat(otel.spansNamed("put service/voltha")).singleElement().satisfies(s -> {
            assertThat(s.getTraceId()).isEqualTo(trace);
            assertThat(s.getParentSpanId()).isEqualTo(id);
        });
        assertThat(otel.spansNamed("get service/voltha")).hasSize(2).allSatisfy(s -> {
            assertThat(s.getTraceId()).isEqualTo(trace);
            assertThat(s.getParentSpanId()).isEqualTo(id);
        });
    }

    @Test
    @DisplayName("host:port addresses give server.address and server.port")
    void hostPort() {
        assertThat(KvStoreTracing.HostPort.first("127.0.0.1:2379,127.0.0.1:2380"))
                .isEqualTo(new KvStoreTracing.HostPort("127.0.0.1", 2379));
        assertThat(KvStoreTracing.HostPort.first("http://[::1]:6379"))
                .isEqualTo(new KvStoreTracing.HostPort("::1", 6379));
        assertThat(KvStoreTracing.HostPort.first("shared-name")).isNull();
        assertThat(KvStoreTracing.HostPort.first("")).isNull();
    }
}

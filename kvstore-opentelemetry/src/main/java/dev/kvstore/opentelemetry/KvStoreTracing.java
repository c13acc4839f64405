package dev.kvstore.opentelemetry;

import dev.kvstore.backend.Backend;
import dev.kvstore.backend.observe.BackendInstrumentation;
import dev.kvstore.backend.observe.BackendObserver;
import dev.kvstore.backend.observe.OperationObservation;
import dev.kvstore.backend.observe.OperationObservation.Outcome;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Objects;

/**
 * OpenTelemetry tracing of Backends, as a {@link BackendObserver}: one {@link SpanKind#CLIENT}
 * span per operation, blocking or asynchronous, named and attributed after OpenTelemetry's
 * database semantic conventions.
 *
 * <ul>
 *   <li>Name: {@code "{db.operation.name} {db.namespace}"}, such as {@code "get service/voltha"};
 *       {@code "{db.operation.name} {server.address}:{server.port}"} when the path prefix is empty;
 *       the operation alone when neither is known.
 *   <li>Attributes: {@code db.system.name} (the storeType: {@code etcd}, {@code redis},
 *       {@code zookeeper}, {@code memory}), {@code db.operation.name} (the Backend method without
 *       {@code Async}: {@code get}, {@code put}, {@code createWatch}, {@code deleteWatch},
 *       {@code livenessCheck}, ...), {@code db.namespace} (the path prefix, when not empty),
 *       {@code server.address} and {@code server.port} (the first {@code host:port} of the
 *       address, when it is one). Keys are not recorded.
 *   <li>Parent: the context current on the thread that calls the Backend method, also for the
 *       asynchronous forms; their callbacks run with that context current again, so a call made in
 *       {@code putAsync(..).thenCompose(..)} is a sibling of the put's span, not an orphan.
 *   <li>End: when a blocking form returns or throws; when an asynchronous form's future
 *       completes.
 *   <li>Errors: status {@link StatusCode#ERROR}, the exception recorded as an event, and
 *       {@code error.type} (the exception's class name, or {@code unavailable} for a liveness
 *       check that got no answer). A {@code get} of a missing key is not an error.
 * </ul>
 *
 * <p>Thread-safe: spans are OpenTelemetry's; one instance may serve many Backends.
 */
public final class KvStoreTracing implements BackendObserver {

    /** The instrumentation scope name spans are created under. */
    public static final String INSTRUMENTATION_NAME = "dev.kvstore";

    static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
    static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
    static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;

    /**
     * Tracing with a tracer of an {@link OpenTelemetry} instance.
     *
     * @param openTelemetry the instance, such as the SDK the application configured
     * @throws NullPointerException if {@code openTelemetry} is null
     */
    public KvStoreTracing(OpenTelemetry openTelemetry) {
        this(Objects.requireNonNull(openTelemetry, "openTelemetry").getTracer(INSTRUMENTATION_NAME));
    }

    /**
     * Tracing with a given tracer.
     *
     * @param tracer the tracer
     * @throws NullPointerException if {@code tracer} is null
     */
    public KvStoreTracing(Tracer tracer) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
    }

    @Override
    public BackendInstrumentation attach(Backend backend) {
        AttributesBuilder a = Attributes.builder().put(DB_SYSTEM_NAME, backend.storeType());
        String target = null;
        if (!backend.pathPrefix().isEmpty()) {
            a.put(DB_NAMESPACE, backend.pathPrefix());
            target = backend.pathPrefix();
        }
        HostPort server = HostPort.first(backend.address());
        if (server != null) {
            a.put(SERVER_ADDRESS, server.host()).put(SERVER_PORT, (long) server.port());
            target = target != null ? target : server.host() + ":" + server.port();
        }
        Attributes attributes = a.build();
        String suffix = target == null ? "" : " " + target;
        return operation -> start(operation, operation + suffix, attributes);
    }

    private OperationObservation start(String operation, String spanName, Attributes attributes) {
        Context parent = Context.current();
        Span span = tracer.spanBuilder(spanName)
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAllAttributes(attributes)
                .setAttribute(DB_OPERATION_NAME, operation)
                .startSpan();
        return new OperationObservation() {
            @Override
            public void end(Outcome outcome, Throwable error) {
                if (outcome == Outcome.ERROR || outcome == Outcome.UNAVAILABLE) {
                    span.setStatus(StatusCode.ERROR);
                    if (error != null) {
                        span.recordException(error);
                        span.setAttribute(ERROR_TYPE, error.getClass().getName());
                    } else {
                        span.setAttribute(ERROR_TYPE, outcome.tagValue());
                    }
                }
                span.end();
            }

            @Override
            @SuppressWarnings("try") // the scope is only made current around the completion
            public void complete(Runnable completion) {
                try (Scope ignored = parent.makeCurrent()) {
                    completion.run();
                }
            }
        };
    }

    /** The host and port of an address's first entry, if it has the form {@code [scheme://]host:port}. */
    record HostPort(String host, int port) {
        static HostPort first(String address) {
            String first = address.split(",", -1)[0].trim();
            int scheme = first.indexOf("://");
            if (scheme >= 0) {
                first = first.substring(scheme + 3);
            }
            int colon = first.lastIndexOf(':');
            if (colon <= 0 || colon == first.length() - 1) {
                return null;
            }
            String host = first.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(first.substring(colon + 1));
                return port > 0 && port < 65536 ? new HostPort(host, port) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}

package dev.kvstore.opentelemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;

/** An OpenTelemetry SDK that keeps finished spans in memory. Threads: any (the SDK is thread-safe). */
final class TracingFixture implements AutoCloseable {

    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    final KvStoreTracing tracing = new KvStoreTracing(sdk);

    Span parent(String name) {
        return sdk.getTracer("test").spanBuilder(name).startSpan();
    }

    List<SpanData> spans() {
        return exporter.getFinishedSpanItems();
    }

    List<SpanData> spansNamed(String name) {
        return spans().stream().filter(s -> s.getName().equals(name)).toList();
    }

    SpanData only(String name) {
        List<SpanData> s = spansNamed(name);
        if (s.size() != 1) {
            throw new AssertionError("one span named " + name + " expected, got " + spans());
        }
        return s.get(0);
    }

    @Override
    public void close() {
        sdk.close();
    }
}

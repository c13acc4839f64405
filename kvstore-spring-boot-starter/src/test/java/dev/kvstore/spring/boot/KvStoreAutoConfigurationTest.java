package dev.kvstore.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvstore.backend.Backend;
import dev.kvstore.micrometer.KvStoreMetrics;
import dev.kvstore.opentelemetry.KvStoreTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

/** The auto-configuration, with ApplicationContextRunner, on the memory store. */
class KvStoreAutoConfigurationTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(KvStoreAutoConfiguration.class));

    private final String name = "boot-" + UUID.randomUUID();

    @Test
    @DisplayName("a Backend bean from kvstore.* properties, closed with the context")
    void backend() {
        Backend[] seen = new Backend[1];
        runner.withPropertyValues(
                        "kvstore.store-type=memory",
                        "kvstore.address=" + name,
                        "kvstore.timeout=2s",
                        "kvstore.path-prefix=svc",
                        "kvstore.liveness-interval=10s",
                        "kvstore.options.max-value-bytes=100")
                .run(context -> {
                    Backend b = context.getBean(Backend.class);
                    seen[0] = b;
                    assertThat(b.storeType()).isEqualTo("memory");
                    assertThat(b.address()).isEqualTo(name);
                    assertThat(b.pathPrefix()).isEqualTo("svc");
                    assertThat(b.timeout()).hasSeconds(2);
                    assertThat(b.livenessChannelInterval()).hasSeconds(10);
                    b.put("k", "v");
                    assertThat(b.get("k")).isPresent();
                    assertThatThrownBy(() -> b.put("big", new byte[101])).hasMessageContaining("100");
                    HealthIndicator health = context.getBean("kvstoreHealthIndicator", HealthIndicator.class);
                    var h = health.health();
                    assertThat(h.getStatus()).isEqualTo(Status.UP);
                    assertThat(h.getDetails())
                            .containsEntry("storeType", "memory")
                            .containsEntry("address", name)
                            .containsKey("lastCheck");
                });
        assertThatThrownBy(() -> seen[0].get("k")).isInstanceOf(RuntimeException.class);
    }

    @Test
    @DisplayName("a store whose jar is missing: the failure analysis names the artifact")
    void missingStoreJar() {
        runner.withPropertyValues("kvstore.store-type=redis", "kvstore.address=127.0.0.1:6379")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis a = new KvStoreFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(a).isNotNull();
                    assertThat(a.getDescription()).contains("kvstore.store-type");
                    assertThat(a.getAction()).contains("dev.kvstore:kvstore-redis");
                });
    }

    @Test
    @DisplayName("a bad option: the failure analysis names the option's property")
    void badOption() {
        runner.withPropertyValues("kvstore.store-type=memory", "kvstore.options.bogus=1")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis a = new KvStoreFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(a.getDescription()).contains("kvstore.options.bogus");
                    assertThat(a.getAction()).contains("kvstore.options.bogus");
                });
    }

    @Test
    @DisplayName("no store-type: the failure analysis names kvstore.store-type")
    void noStoreType() {
        runner.run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis a = new KvStoreFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(a.getDescription()).contains("kvstore.store-type");
        });
    }

    @Test
    @DisplayName("the failure analyzer is registered in spring.factories")
    void analyzerRegistered() throws IOException {
        List<String> analyzers = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
            String names = PropertiesLoaderUtils.loadProperties(new UrlResource(url))
                    .getProperty(FailureAnalyzer.class.getName());
            if (names != null) {
                analyzers.addAll(List.of(names.split("\\s*,\\s*")));
            }
        }
        assertThat(analyzers).contains(KvStoreFailureAnalyzer.class.getName());
    }

    @Test
    @DisplayName("with a MeterRegistry and an OpenTelemetry bean, operations are timed and traced")
    void metricsAndTracing() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .build();
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(OpenTelemetry.class, () -> sdk)
                .withPropertyValues("kvstore.store-type=memory", "kvstore.address=" + name)
                .run(context -> {
                    assertThat(context).hasSingleBean(KvStoreMetrics.class).hasSingleBean(KvStoreTracing.class);
                    context.getBean(Backend.class).put("k", "v");
                    assertThat(context.getBean(MeterRegistry.class)
                                    .get(KvStoreMetrics.OPERATIONS)
                                    .tags("store", "memory", "operation", "put", "outcome", "success")
                                    .timer()
                                    .count())
                            .isEqualTo(1);
                    assertThat(spans.getFinishedSpanItems())
                            .anySatisfy(s -> assertThat(s.getName()).isEqualTo("put"));
                });
        sdk.close();
    }

    @Test
    @DisplayName("without them, no observer beans")
    void noObservers() {
        runner.withPropertyValues("kvstore.store-type=memory").run(context -> {
            assertThat(context)
                    .hasSingleBean(Backend.class)
                    .doesNotHaveBean(KvStoreMetrics.class)
                    .doesNotHaveBean(KvStoreTracing.class);
        });
    }

    @Test
    @DisplayName("configuration metadata is generated for every kvstore.* property")
    void metadata() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json)
                    .contains(
                            "\"kvstore.store-type\"",
                            "\"kvstore.address\"",
                            "\"kvstore.timeout\"",
                            "\"kvstore.path-prefix\"",
                            "\"kvstore.liveness-interval\"",
                            "\"kvstore.options\"");
        }
    }
}

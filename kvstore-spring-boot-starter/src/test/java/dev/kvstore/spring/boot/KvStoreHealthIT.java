package dev.kvstore.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.backend.Backend;
import dev.kvstore.testing.EtcdServer;
import dev.kvstore.testing.TestServerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A real web application on a free port with the starter and Actuator, against a real etcd: the
 * health endpoint follows etcd going down and up, and the operation timer is on the metrics endpoint.
 */
class KvStoreHealthIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration INTERVAL = Duration.ofSeconds(2);

    @RegisterExtension
    static final TestServerExtension<EtcdServer> ETCD = TestServerExtension.of(EtcdServer::start);

    /** The application: nothing but auto-configuration. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {}

    private final HttpClient http = HttpClient.newHttpClient();
    private ConfigurableApplicationContext app;
    private String base;

    @BeforeEach
    void boot() {
        app = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.SERVLET)
                .properties(
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "management.endpoints.web.exposure.include=health,metrics",
                        "management.endpoint.health.show-details=always",
                        "kvstore.store-type=etcd",
                        "kvstore.address=" + ETCD.address(),
                        "kvstore.timeout=" + TIMEOUT.toMillis() + "ms",
                        "kvstore.liveness-interval=" + INTERVAL.toMillis() + "ms",
                        "kvstore.path-prefix=boot-it")
                .run();
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    @AfterEach
    void shutdown() {
        app.close();
        if (!ETCD.server().isRunning()) {
            ETCD.server().restart();
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("/actuator/health is UP, DOWN within timeout + interval of etcd stopping, UP again after it starts")
    void healthFollowsEtcd() throws Exception {
        HttpResponse<String> up = get("/actuator/health");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).contains("\"kvstore\":{\"status\":\"UP\"").contains("\"storeType\":\"etcd\"");

        ETCD.server().stop();
        await().atMost(TIMEOUT.plus(INTERVAL))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    HttpResponse<String> down = get("/actuator/health");
                    assertThat(down.statusCode()).isEqualTo(503);
                    assertThat(down.body()).contains("\"kvstore\":{\"status\":\"DOWN\"");
                });

        ETCD.server().restart();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    HttpResponse<String> again = get("/actuator/health");
                    assertThat(again.statusCode()).isEqualTo(200);
                    assertThat(again.body()).contains("\"kvstore\":{\"status\":\"UP\"");
                });
    }

    @Test
    @DisplayName("the kvstore.operations timer is on /actuator/metrics")
    void operationsTimer() throws Exception {
        Backend b = app.getBean(Backend.class);
        b.put("k", "v");
        b.get("k");
        HttpResponse<String> timer = get("/actuator/metrics/kvstore.operations?tag=operation:put&tag=outcome:success");
        assertThat(timer.statusCode()).isEqualTo(200);
        assertThat(timer.body())
                .contains("\"name\":\"kvstore.operations\"")
                .contains("{\"statistic\":\"COUNT\",\"value\":1.0}")
                .contains("\"tag\":\"store\"", "\"etcd\"");
    }
}

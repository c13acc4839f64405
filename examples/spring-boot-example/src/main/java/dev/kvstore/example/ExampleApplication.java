package dev.kvstore.example;

import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * An example application: {@code PUT /keys/{key}} stores the body, {@code GET /keys/{key}} reads it,
 * through the {@link Backend} bean the starter builds from {@code application.properties}.
 * {@code /actuator/health} shows the {@code kvstore} health, {@code /actuator/metrics/kvstore.operations}
 * the operation timer.
 *
 * <p>Threads: the web server's request threads call the controller.
 */
@SpringBootApplication
public class ExampleApplication {

    /** Created by Spring. */
    public ExampleApplication() {}

    /**
     * Starts the application.
     *
     * @param args Spring Boot's arguments, such as {@code --server.port=8081}
     */
    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }

    /** The key-value endpoints. */
    @RestController
    static class Keys {
        private final Backend backend;

        Keys(Backend backend) {
            this.backend = backend;
        }

        @PutMapping("/keys/{key}")
        void put(@PathVariable("key") String key, @RequestBody String value) {
            backend.put(key, value);
        }

        @GetMapping("/keys/{key}")
        ResponseEntity<String> get(@PathVariable("key") String key) {
            return ResponseEntity.of(backend.get(key).map(KvPair::valueAsString));
        }
    }
}

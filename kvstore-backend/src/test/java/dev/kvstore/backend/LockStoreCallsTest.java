package dev.kvstore.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.KvLockHandle;
import dev.kvstore.backend.observe.BackendObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The store calls a lock makes, as the Backend's instrumentation sees them (memory store). */
class LockStoreCallsTest {

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final BackendObserver recorder = backend -> operation -> {
        calls.add(operation);
        return (outcome, error) -> {};
    };

    @Test
    @DisplayName(
            "a lock read its queue once: then each uncontended acquire + release is one commit and one delete, even with lock(name) asked for anew")
    void uncontendedLockReadsNothing() {
        try (Backend b =
                Backend.builder().storeType("memory").observer(recorder).build()) {
            try (KvLockHandle h = b.lock("job").tryAcquire(Duration.ZERO).orElseThrow()) {
                assertThat(h.isHeld()).isTrue();
            }
            assertThat(calls).containsExactly("grantLease", "get", "commit", "listKeys", "delete");
            calls.clear();
            for (int i = 0; i < 3; i++) {
                try (KvLockHandle h = b.lock("job").tryAcquire(Duration.ZERO).orElseThrow()) {
                    assertThat(h.isHeld()).isTrue();
                }
            }
            assertThat(calls).containsExactly("commit", "delete", "commit", "delete", "commit", "delete");
        }
    }

    @Test
    @DisplayName("a lock another Backend joined meanwhile reads the keys from its floor (getAll), not the queue")
    void contendedLockReadsFromTheFloor() {
        String store = "lock-calls-" + System.nanoTime(); // a named memory store both Backends share
        try (Backend a = Backend.builder()
                .storeType("memory")
                .address(store)
                .observer(recorder)
                .build()) {
            a.lock("job").tryAcquire(Duration.ZERO).orElseThrow().release();
            try (Backend other =
                    Backend.builder().storeType("memory").address(store).build()) {
                other.lock("job").tryAcquire(Duration.ZERO).orElseThrow().release();
                calls.clear();
                a.lock("job").tryAcquire(Duration.ZERO).orElseThrow().release();
            }
            assertThat(calls).containsExactly("commit", "get", "commit", "getAll", "delete");
        }
    }
}

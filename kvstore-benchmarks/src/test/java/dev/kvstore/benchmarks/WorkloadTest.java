package dev.kvstore.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every workload does what it says on the in-process memory store, on both sides (no timing asserted). */
class WorkloadTest {

    private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(20);

    @ParameterizedTest
    @EnumSource(Workload.class)
    @DisplayName("runs through the Backend, counting operations and CPU time")
    void throughTheBackend(Workload workload) throws Exception {
        try (Side side = new BackendSide("memory", "", "bench/b")) {
            Workload.seed(side);
            Workload.Sample sample = workload.run(side, SHORT);
            assertThat(sample.ops()).isPositive();
            assertThat(sample.nanos()).isPositive();
            assertThat(sample.cpuNanos()).isNotNegative();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Workload.class, names = "LOCK", mode = EnumSource.Mode.EXCLUDE)
    @DisplayName("runs through a store's own client")
    void throughTheClient(Workload workload) throws Exception {
        try (Side side = new ClientSide("memory", "", "bench/d")) {
            Workload.seed(side);
            assertThat(workload.run(side, SHORT).ops()).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(Workload.class)
    @DisplayName("is found by its id")
    void byId(Workload workload) {
        assertThat(Workload.byId(workload.id())).isSameAs(workload);
    }
}

package dev.kvstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OrderedDeliveryTest {

    @Test
    void itemsAreDeliveredInSubmissionOrderWhateverOrderTheyResolveIn() {
        List<String> seen = new CopyOnWriteArrayList<>();
        OrderedDelivery<String> line =
                new OrderedDelivery<>("test", seen::add, e -> seen.add("failed:" + e.getMessage()));
        List<CompletableFuture<String>> reads = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            CompletableFuture<String> read = new CompletableFuture<>();
            reads.add(read);
            line.submit(read);
            if (i == 50) {
                line.run(() -> seen.add("signal"));
            }
        }
        for (int i = 99; i >= 0; i--) { // resolve backwards: nothing may be delivered before item 0
            if (i == 10) {
                reads.get(i).completeExceptionally(new IllegalStateException("boom"));
            } else if (i == 20) {
                reads.get(i).complete(null);
            } else {
                reads.get(i).complete("v" + i);
            }
            if (i > 0) {
                assertThat(seen).isEmpty();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(line::isIdle);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i == 10) {
                expected.add("failed:boom");
            } else if (i != 20) {
                expected.add("v" + i);
            }
            if (i == 50) {
                expected.add("signal");
            }
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void aThrowingSinkDoesNotStopTheLine() {
        List<String> seen = new CopyOnWriteArrayList<>();
        OrderedDelivery<String> line = new OrderedDelivery<>(
                "test",
                s -> {
                    if (s.equals("bad")) {
                        throw new IllegalStateException("listener bug");
                    }
                    seen.add(s);
                },
                e -> {});
        line.submitResolved("a");
        line.submitResolved("bad");
        line.submit(CompletableFuture.completedFuture("b"));
        assertThat(seen).containsExactly("a", "b");
        assertThat(line.isIdle()).isTrue();
    }
}

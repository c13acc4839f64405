package dev.kvstore.tck;

import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A watch listener that records every event it receives, for tests to wait on and inspect. */
public final class EventRecorder implements Consumer<KvEvent> {

    private final List<KvEvent> events = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Duration timeout;

    /**
     * Creates a recorder.
     *
     * @param timeout how long {@link #awaitEvent} waits
     */
    public EventRecorder(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void accept(KvEvent event) {
        threads.add(Thread.currentThread());
        events.add(event);
    }

    /**
     * Every event received so far, in order.
     *
     * @return a snapshot
     */
    public List<KvEvent> events() {
        return List.copyOf(events);
    }

    /**
     * The events of one type received so far, in order.
     *
     * @param type the type
     * @return a snapshot
     */
    public List<KvEvent> events(EventType type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    /**
     * The threads the listener ran on.
     *
     * @return a snapshot, one entry per event
     */
    public List<Thread> threads() {
        return List.copyOf(threads);
    }

    /**
     * Waits until an event matching {@code condition} has arrived.
     *
     * @param what describes the awaited event, for the failure message
     * @param condition the event to wait for
     * @return the first matching event
     */
    public KvEvent awaitEvent(String what, Predicate<KvEvent> condition) {
        await(what)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> events.stream().anyMatch(condition));
        return events.stream().filter(condition).findFirst().orElseThrow();
    }

    /**
     * Waits until a {@code PUT} of {@code key} with {@code value} (UTF-8) has arrived.
     *
     * @param key the full key
     * @param value the value as text
     * @return the event
     */
    public KvEvent awaitPut(String key, String value) {
        return awaitEvent(
                "PUT " + key + "=" + value + " (got " + events + ")",
                e -> e.type() == EventType.PUT
                        && e.key().equals(key)
                        && e.valueAsString().equals(value));
    }

    /**
     * Waits until a {@code DELETE} of {@code key} has arrived.
     *
     * @param key the full key
     * @return the event
     */
    public KvEvent awaitDelete(String key) {
        return awaitEvent(
                "DELETE " + key + " (got " + events + ")",
                e -> e.type() == EventType.DELETE && e.key().equals(key));
    }

    /**
     * Waits until at least {@code n} events have arrived.
     *
     * @param n the count
     */
    public void awaitCount(int n) {
        await(n + " events").atMost(timeout).pollInterval(Duration.ofMillis(5)).until(() -> events.size() >= n);
    }

    @Override
    public String toString() {
        return "EventRecorder" + events;
    }
}

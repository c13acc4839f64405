package dev.kvstore.micrometer;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.Backend;
import dev.kvstore.backend.observe.BackendInstrumentation;
import dev.kvstore.backend.observe.BackendObserver;
import dev.kvstore.backend.observe.OperationObservation;
import dev.kvstore.backend.observe.OperationObservation.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer metrics of Backends, as a {@link BackendObserver}:
 *
 * <ul>
 *   <li>{@value #OPERATIONS} (timer; tags {@code store}, {@code operation}, {@code outcome} =
 *       {@code success}, {@code not_found}, {@code unavailable} or {@code error}): every operation,
 *       blocking or asynchronous, timed until the caller gets its result; no percentile histogram
 *       unless a {@code MeterFilter} turns one on;
 *   <li>{@value #WATCH_EVENTS} (counter; tags {@code store}, {@code type}): events delivered to
 *       watch listeners;
 *   <li>{@value #WATCHES_ACTIVE} (gauge; tags {@code store}, {@code address}, {@code namespace}):
 *       watches opened through the Backend that are still open;
 *   <li>{@value #WATCH_QUEUE_SIZE} (gauge; same tags): events those watches have received and not
 *       yet handed to their listeners ({@link KvWatch#queuedEvents()}), summed: what slow
 *       listeners let pile up;
 *   <li>{@value #ALIVE} (gauge, 1 or 0; same tags): {@link Backend#isAlive()}.
 * </ul>
 *
 * <p>The gauges are removed when the Backend is closed.
 *
 * <pre>{@code
 * Backend b = Backend.builder().storeType("etcd").address("127.0.0.1:2379")
 *         .observer(new KvStoreMetrics(registry)).build();
 * }</pre>
 *
 * <p>Thread-safe: the meters are Micrometer's; each Backend's cache of them is a concurrent map.
 */
public final class KvStoreMetrics implements BackendObserver {

    /** The operation timer's name. */
    public static final String OPERATIONS = "kvstore.operations";
    /** The watch event counter's name. */
    public static final String WATCH_EVENTS = "kvstore.watch.events";
    /** The active watch gauge's name. */
    public static final String WATCHES_ACTIVE = "kvstore.watches.active";
    /** The watch queue gauge's name. */
    public static final String WATCH_QUEUE_SIZE = "kvstore.watch.queue.size";
    /** The liveness gauge's name. */
    public static final String ALIVE = "kvstore.alive";

    private final MeterRegistry registry;

    /**
     * Metrics registered in a registry.
     *
     * @param registry where to register the meters
     * @throws NullPointerException if {@code registry} is null
     */
    public KvStoreMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public BackendInstrumentation attach(Backend backend) {
        return new Instrumentation(registry, backend);
    }

    /** One Backend's meters. Threads: any; see {@link BackendInstrumentation}. */
    private static final class Instrumentation implements BackendInstrumentation {
        private final MeterRegistry registry;
        private final String store;
        private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();
        private final Map<EventType, Counter> events = new EnumMap<>(EventType.class);
        private final Set<KvWatch> watches = ConcurrentHashMap.newKeySet();
        private final List<Meter> gauges;

        Instrumentation(MeterRegistry registry, Backend backend) {
            this.registry = registry;
            this.store = backend.storeType();
            for (EventType t : EventType.values()) {
                events.put(
                        t,
                        Counter.builder(WATCH_EVENTS)
                                .description("Events delivered to kvstore watch listeners")
                                .tags("store", store, "type", t.name().toLowerCase(Locale.ROOT))
                                .register(registry));
            }
            Tags tags = Tags.of("store", store, "address", backend.address(), "namespace", backend.pathPrefix());
            gauges = List.of(
                    Gauge.builder(WATCHES_ACTIVE, this, Instrumentation::activeWatches)
                            .description("Open kvstore watches")
                            .tags(tags)
                            .strongReference(true)
                            .register(registry),
                    Gauge.builder(WATCH_QUEUE_SIZE, this, Instrumentation::queuedEvents)
                            .description("Events kvstore watches received and have not yet handed to their listeners")
                            .tags(tags)
                            .strongReference(true)
                            .register(registry),
                    Gauge.builder(ALIVE, backend, b -> b.isAlive() ? 1 : 0)
                            .description("1 if the store answered the last kvstore operation or check, else 0")
                            .tags(tags)
                            .strongReference(true)
                            .register(registry));
        }

        @Override
        public OperationObservation start(String operation) {
            Timer[] byOutcome = timers.computeIfAbsent(operation, op -> new Timer[Outcome.values().length]);
            long start = System.nanoTime();
            return (outcome, error) ->
                    timer(byOutcome, operation, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }

        /**
         * The timer of an operation and outcome, registered on first use (so that outcomes never
         * seen show no meter). Two threads may both register it: the registry returns the same one.
         */
        private Timer timer(Timer[] byOutcome, String operation, Outcome outcome) {
            Timer t = byOutcome[outcome.ordinal()];
            if (t == null) {
                t = Timer.builder(OPERATIONS)
                        .description("kvstore Backend operations, until the caller gets the result")
                        .tags("store", store, "operation", operation, "outcome", outcome.tagValue())
                        .publishPercentileHistogram(false)
                        .register(registry);
                byOutcome[outcome.ordinal()] = t;
            }
            return t;
        }

        @Override
        public void watchOpened(KvWatch watch) {
            watches.removeIf(w -> !w.isOpen());
            watches.add(watch);
        }

        @Override
        public void watchEvent(KvEvent event) {
            events.get(event.type()).increment();
        }

        private double activeWatches() {
            watches.removeIf(w -> !w.isOpen());
            return watches.size();
        }

        private double queuedEvents() {
            watches.removeIf(w -> !w.isOpen());
            long sum = 0;
            for (KvWatch w : watches) {
                sum += w.queuedEvents();
            }
            return sum;
        }

        @Override
        public void close() {
            gauges.forEach(registry::remove);
        }
    }
}

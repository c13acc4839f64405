package dev.kvstore.backend;

import dev.kvstore.KvEvent;
import dev.kvstore.KvWatch;
import dev.kvstore.backend.observe.BackendInstrumentation;
import dev.kvstore.backend.observe.OperationObservation;
import java.util.List;

/**
 * Several instrumentations of one Backend as one (a Backend built with more than one observer).
 * Threads: as {@link BackendInstrumentation}; holds no state of its own.
 */
final class CompositeInstrumentation implements BackendInstrumentation {

    private final List<BackendInstrumentation> parts;

    CompositeInstrumentation(List<BackendInstrumentation> parts) {
        this.parts = List.copyOf(parts);
    }

    @Override
    public OperationObservation start(String operation) {
        OperationObservation[] started = new OperationObservation[parts.size()];
        for (int i = 0; i < started.length; i++) {
            started[i] = parts.get(i).start(operation);
        }
        return new OperationObservation() {
            @Override
            public void end(Outcome outcome, Throwable error) {
                for (OperationObservation o : started) {
                    o.end(outcome, error);
                }
            }

            @Override
            public void complete(Runnable completion) {
                nest(0, completion);
            }

            private void nest(int i, Runnable completion) {
                if (i == started.length) {
                    completion.run();
                } else {
                    started[i].complete(() -> nest(i + 1, completion));
                }
            }
        };
    }

    @Override
    public void watchOpened(KvWatch watch) {
        parts.forEach(p -> p.watchOpened(watch));
    }

    @Override
    public void watchEvent(KvEvent event) {
        parts.forEach(p -> p.watchEvent(event));
    }

    @Override
    public void close() {
        parts.forEach(BackendInstrumentation::close);
    }
}

package dev.kvstore.etcd;

import dev.kvstore.KvEvent;
import dev.kvstore.KvStoreException;
import dev.kvstore.spi.AbstractKvWatch;
import dev.kvstore.spi.Futures;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch on etcd, kept alive across lost connections by revision.
 *
 * <p>It starts from the revision of a read made first (plus one), so every write after
 * {@link #start()} is seen, and counts as active when etcd confirms the watch's creation. Each
 * event's revision is remembered; when the stream fails the watch reports one
 * {@code CONNECTION_DOWN} (per loss, not per retry) and opens a new stream from the last revision
 * delivered plus one, so nothing written meanwhile is lost. If that revision was compacted away,
 * it reports {@code UNKNOWN} and goes on from the current revision. A stream that etcd cancels for
 * any other reason is opened again: the watch never goes silently dead.
 *
 * <p>jetcd's own resumption is not used: each stream ({@link Attempt}) is closed at its first
 * error and replaced, so that what is delivered and what is resumed stay under this class's lock.
 *
 * <p>Threads: jetcd calls back on its event loop; there this class only hands events to the SPI's
 * delivery line (which runs no user code). Reads of the current revision complete on the client's
 * callback threads, re-opening after a back-off runs on the SPI's timer workers. Everything that
 * delivers or changes the revision does so under {@code lock}; jetcd is never called under it.
 * The connection bookkeeping (one {@code CONNECTION_DOWN} per loss) is {@link AbstractKvWatch}'s.
 */
final class EtcdWatch extends AbstractKvWatch {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdWatch.class);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final EtcdKvStoreClient client;
    private final ByteSequence start;
    private final ByteSequence end;
    private final CompletableFuture<Void> active = new CompletableFuture<>();
    private final Object lock = new Object();

    // guarded by lock
    private Attempt current;
    private long lastRevision;
    private boolean stopped;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;

    EtcdWatch(EtcdKvStoreClient client, String key, boolean withPrefix, Consumer<KvEvent> listener,
            ByteSequence start, ByteSequence end) {
        super(EtcdKvStoreProvider.STORE_TYPE, key, withPrefix, listener);
        this.client = client;
        this.start = start;
        this.end = end;
    }

    /**
     * Reads the current revision and opens the stream after it.
     *
     * @return completes (on a jetcd thread) when etcd has created the watch
     */
    CompletableFuture<Void> start() {
        client.currentRevision(key()).whenComplete((revision, failure) -> {
            if (failure != null) {
                active.completeExceptionally(failure);
                return;
            }
            startAt(revision + 1);
        });
        return active;
    }

    /**
     * Opens the stream at a revision: every change from it on is delivered. If etcd has compacted
     * it away, the watch fails to start.
     *
     * @param revision the first revision to deliver, at least 1
     * @return completes (on a jetcd thread) when etcd has created the watch
     */
    CompletableFuture<Void> startAt(long revision) {
        synchronized (lock) {
            lastRevision = revision - 1;
        }
        open();
        return active;
    }

    @Override
    protected void onClose() {
        Attempt attempt;
        synchronized (lock) {
            stopped = true;
            attempt = current;
            current = null;
        }
        if (attempt != null) {
            attempt.cancel();
        }
        client.forget(this);
        active.completeExceptionally(EtcdErrors.failed("watch", key(), "the watch was closed"));
    }

    /**
     * Opens a stream from {@code lastRevision + 1}, unless one is open or the watch is closed.
     * Must not hold the lock: jetcd calls back into this class holding its own lock, so jetcd is
     * only ever called without this class's lock.
     */
    private void open() {
        Attempt attempt;
        WatchOption.Builder option = WatchOption.builder().withCreateNotify(true).withRequireLeader(true);
        synchronized (lock) {
            if (stopped || current != null) {
                return;
            }
            attempt = new Attempt();
            current = attempt;
            option.withRevision(lastRevision + 1);
        }
        if (end != null) {
            option.withRange(end);
        }
        Watch.Watcher watcher;
        try {
            watcher = client.watchClient().watch(start, option.build(), attempt);
        } catch (RuntimeException e) {
            attempt.onError(e);
            return;
        }
        boolean stale;
        synchronized (lock) {
            attempt.watcher = watcher;
            stale = current != attempt;
        }
        if (stale) {
            attempt.cancel(); // it failed, or the watch was closed, while being opened
        }
    }

    /**
     * Handles the end of the current stream (already no longer current): reports and schedules
     * what comes next, calling no jetcd watch method. Holds the lock.
     */
    private void failed(Throwable failure) {
        if (!active.isDone()) {
            active.completeExceptionally(failure);
            return;
        }
        if (hasCause(failure, CompactedException.class)) {
            LOG.info("etcd watch on \"{}\": revision {} was compacted; reporting UNKNOWN and going on from the "
                    + "current revision", key(), lastRevision + 1);
            resync();
        } else if (EtcdErrors.isUnavailable(failure)) {
            markDown(failure);
            reopenLater();
        } else {
            LOG.warn("etcd watch on \"{}\" was ended by etcd; opening it again from revision {}", key(),
                    lastRevision + 1, failure);
            reopenLater();
        }
    }

    private void markDown(Throwable failure) {
        if (connectionLost()) {
            LOG.info("etcd watch on \"{}\" lost its connection ({}); resuming from revision {} when etcd is back",
                    key(), failure.getMessage(), lastRevision + 1);
        }
    }

    private void reopenLater() {
        long delay = backoffMillis;
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        Futures.schedule(this::open, Duration.ofMillis(delay));
    }

    /**
     * After a compaction: read the current revision, report the gap ({@link #onGap()}: by default
     * {@code UNKNOWN}), watch from there.
     */
    private void resync() {
        client.currentRevision(key()).whenComplete((revision, failure) -> {
            synchronized (lock) {
                if (stopped || current != null) {
                    return;
                }
                if (failure != null) {
                    markDown(failure);
                    long delay = backoffMillis;
                    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
                    Futures.schedule(this::resync, Duration.ofMillis(delay));
                    return;
                }
                lastRevision = Math.max(lastRevision, revision);
                onGap();
            }
            open();
        });
    }

    /**
     * An event that needs no read. It goes through the same line as {@code CONNECTION_DOWN} and
     * gaps ({@link #deliverInOrder}), so their order holds and a later gap is reported again.
     */
    private static CompletableFuture<KvEvent> resolved(KvEvent event) {
        return CompletableFuture.completedFuture(event);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** One jetcd stream; its callbacks are ignored once it is no longer the current one. */
    private final class Attempt implements Watch.Listener {
        private volatile Watch.Watcher watcher;

        void cancel() {
            Watch.Watcher w = watcher;
            if (w != null) {
                try {
                    w.close();
                } catch (RuntimeException e) {
                    LOG.debug("closing a jetcd watcher failed", e);
                }
            }
        }

        @Override
        public void onNext(WatchResponse response) {
            synchronized (lock) {
                if (current != this || stopped) {
                    return;
                }
                if (response.isCreatedNotify()) {
                    if (connectionRestored(false)) { // resumed exactly after the last revision delivered
                        LOG.info("etcd watch on \"{}\" resumed from revision {}", key(), lastRevision + 1);
                    }
                    backoffMillis = FIRST_BACKOFF_MILLIS;
                    active.complete(null);
                    return;
                }
                for (WatchEvent event : response.getEvents()) {
                    KeyValue kv = event.getKeyValue();
                    lastRevision = Math.max(lastRevision, kv.getModRevision());
                    String key = kv.getKey().toString(StandardCharsets.UTF_8);
                    if (!covers(key)) {
                        continue;
                    }
                    switch (event.getEventType()) {
                        case PUT -> deliverInOrder(resolved(KvEvent.put(key, kv.getValue().getBytes(), kv.getVersion())));
                        case DELETE -> deliverInOrder(resolved(KvEvent.delete(key)));
                        default -> LOG.debug("etcd watch on \"{}\": ignoring event of type {}", key(), event.getEventType());
                    }
                }
            }
        }

        @Override
        public void onError(Throwable failure) {
            end(failure);
        }

        @Override
        public void onCompleted() {
            end(new KvStoreException("etcd ended the watch stream"));
        }

        private void end(Throwable failure) {
            synchronized (lock) {
                if (current != this || stopped) {
                    return;
                }
                current = null;
                failed(failure);
            }
            cancel(); // stops jetcd from resuming this stream itself
        }
    }
}

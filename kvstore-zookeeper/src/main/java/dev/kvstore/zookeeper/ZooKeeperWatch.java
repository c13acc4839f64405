package dev.kvstore.zookeeper;

import dev.kvstore.KvEvent;
import dev.kvstore.spi.AbstractKvWatch;
import dev.kvstore.spi.Futures;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: a persistent ZooKeeper watch (recursive for a prefix, on the znode under which every
 * matching key lives; plain for one key). ZooKeeper's events carry no data, so each created or
 * changed znode is read, asynchronously, and the events are delivered in the order ZooKeeper sent
 * them, each once its read is back. Rapid writes to one key may be seen as fewer events, the last
 * carrying the final state.
 *
 * <p>Threads: {@link #process} runs on Curator's event thread and never blocks; reads complete on
 * it too, and the SPI's ordered delivery keeps ZooKeeper's order; connection changes come from
 * Curator's state thread; re-adding after a failure runs on the SPI's timer workers; the listener
 * runs on the SPI's dispatcher.
 */
final class ZooKeeperWatch extends AbstractKvWatch implements Watcher {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperWatch.class);
    private static final Duration RETRY = Duration.ofMillis(500);

    private final ZooKeeperKvStoreClient client;
    private final String watchPath;
    private final AddWatchMode mode;

    ZooKeeperWatch(
            ZooKeeperKvStoreClient client,
            String key,
            boolean withPrefix,
            Consumer<KvEvent> listener,
            String watchPath,
            AddWatchMode mode) {
        super(ZooKeeperKvStoreProvider.STORE_TYPE, key, withPrefix, listener);
        this.client = client;
        this.watchPath = watchPath;
        this.mode = mode;
    }

    String watchPath() {
        return watchPath;
    }

    AddWatchMode mode() {
        return mode;
    }

    /** Runs on Curator's event thread: never blocks. */
    @Override
    public void process(WatchedEvent event) {
        if (!isOpen() || event.getType() == Event.EventType.None || event.getPath() == null) {
            return;
        }
        Optional<String> key = client.paths().key(event.getPath());
        if (key.isEmpty() || !covers(key.get())) {
            return;
        }
        switch (event.getType()) {
            case NodeDeleted:
                deliverInOrder(CompletableFuture.completedFuture(KvEvent.delete(key.get())));
                break;
            case NodeCreated:
            case NodeDataChanged:
                // A failed read is a gap: the SPI delivers UNKNOWN for it, in line.
                deliverInOrder(client.reader()
                        .readForEvent(event.getPath(), key.get(), event.getType() == Event.EventType.NodeDataChanged)
                        .thenApply(e -> e.orElse(null)));
                break;
            default:
                break;
        }
    }

    /** The connection is suspended or the session lost: one {@code CONNECTION_DOWN} per loss. */
    void connectionDown() {
        connectionLost();
    }

    /**
     * Connected again: adds the watch again (a new session has none; in the same session it is a
     * no-op), then reports the gap ({@code UNKNOWN}), since changes made meanwhile were not seen. A
     * key watch then also re-reads its key and sends its current state ({@code PUT} or
     * {@code DELETE}).
     */
    void reconnected() {
        if (!isOpen() || !isConnectionDown()) {
            return;
        }
        client.addWatch(this).whenComplete((x, t) -> {
            if (t == null) {
                if (connectionRestored(true) && !withPrefix()) {
                    deliverInOrder(
                            client.reader().currentState(watchPath, key()).thenApply(e -> e.orElse(null)));
                }
            } else if (isOpen() && !client.isClosed()) {
                LOG.debug("adding the watch on {} again failed; retrying", watchPath, t);
                Futures.schedule(this::reconnected, RETRY);
            }
        });
    }

    @Override
    protected void onClose() {
        client.removeWatch(this);
    }
}

package dev.kvstore.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Curator 5.9 used directly, as a careful user would: one znode per key under the namespace; a list
 * is {@code getChildren} then read-only {@code multi}s of 32 {@code getData} (ZooKeeper 3.6+), all
 * sent at once; a watch is a persistent recursive watch plus a {@code getData} per event; a
 * compare-and-set is {@code setData} with the version read; a lock is Curator's {@code
 * InterProcessMutex}. Every callback and watch event runs on ZooKeeper's one event thread, and
 * none of them blocks.
 */
final class ZooKeeperDriver implements Side {

    private static final int MULTI_READS = 32;

    private final CuratorFramework curator;
    private final AsyncCuratorFramework async;
    private final String namespace;
    private final InterProcessMutex lock;

    ZooKeeperDriver(String address, String namespace) throws InterruptedException {
        this.curator = CuratorFrameworkFactory.builder()
                .connectString(address)
                .retryPolicy(new RetryUntilElapsed(5000, 50))
                .build();
        curator.start();
        curator.blockUntilConnected();
        this.async = AsyncCuratorFramework.wrap(curator);
        this.namespace = "/" + namespace + "/";
        this.lock = new InterProcessMutex(curator, this.namespace + "lock");
    }

    private String path(String key) {
        return namespace + key;
    }

    @Override
    public void seed(String key, byte[] value) throws Exception {
        curator.create().orSetData().creatingParentsIfNeeded().forPath(path(key), value);
    }

    @Override
    public void put(String key, byte[] value) throws Exception {
        curator.setData().forPath(path(key), value);
    }

    @Override
    public byte[] get(String key) throws Exception {
        return curator.getData().forPath(path(key));
    }

    @Override
    public CompletionStage<?> putAsync(String key, byte[] value) {
        return async.setData().forPath(path(key), value);
    }

    @Override
    public CompletionStage<?> getAsync(String key) {
        return async.getData().forPath(path(key));
    }

    @Override
    public int list(String prefix) throws Exception {
        String parent = path(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
        List<String> children = zk.getChildren(parent, false);
        List<CompletableFuture<List<OpResult>>> batches = new ArrayList<>();
        for (int from = 0; from < children.size(); from += MULTI_READS) {
            List<org.apache.zookeeper.Op> ops = new ArrayList<>();
            for (String child : children.subList(from, Math.min(children.size(), from + MULTI_READS))) {
                ops.add(org.apache.zookeeper.Op.getData(parent + "/" + child));
            }
            CompletableFuture<List<OpResult>> batch = new CompletableFuture<>();
            zk.multi(
                    ops,
                    (rc, p, ctx, results) -> {
                        if (rc == KeeperException.Code.OK.intValue()) {
                            batch.complete(results);
                        } else {
                            batch.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc)));
                        }
                    },
                    null);
            batches.add(batch);
        }
        // what a user does with a listing, as on the other drivers: keys as strings, values as bytes
        Map<String, byte[]> result = new TreeMap<>();
        int next = 0;
        for (CompletableFuture<List<OpResult>> batch : batches) {
            for (OpResult r : batch.get()) {
                String child = children.get(next++);
                if (r instanceof OpResult.GetDataResult data && data.getData() != null) {
                    result.put(prefix + child, data.getData());
                }
            }
        }
        return result.size();
    }

    @Override
    public AutoCloseable watch(String prefix, Consumer<byte[]> onPut) throws Exception {
        Watcher watcher = (WatchedEvent e) -> {
            if (e.getType() == Watcher.Event.EventType.NodeDataChanged
                    || e.getType() == Watcher.Event.EventType.NodeCreated) {
                async.getData().forPath(e.getPath()).thenAccept(onPut);
            }
        };
        String root = path(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        async.addWatch()
                .withMode(AddWatchMode.PERSISTENT_RECURSIVE)
                .usingWatcher(watcher)
                .forPath(root)
                .toCompletableFuture()
                .get();
        return () -> curator.watchers().remove(watcher).forPath(root);
    }

    @Override
    public int watchFromCurrentState(String prefix) throws Exception {
        // the driver's way: watch, then read what is there (changes during the read arrive as events)
        AutoCloseable watch = watch(prefix, value -> {});
        try {
            return list(prefix);
        } finally {
            watch.close();
        }
    }

    @Override
    public boolean casIncrement(String key) throws Exception {
        Stat stat = new Stat();
        byte[] old = curator.getData().storingStatIn(stat).forPath(path(key));
        try {
            curator.setData().withVersion(stat.getVersion()).forPath(path(key), Side.next(old));
            return true;
        } catch (KeeperException.BadVersionException e) {
            return false;
        }
    }

    @Override
    public void lockCycle() throws Exception {
        if (!lock.acquire(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("lock not acquired");
        }
        lock.release();
    }

    @Override
    public void close() {
        curator.close();
    }
}

package dev.kvstore.zookeeper;

import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.KvWatch;
import dev.kvstore.spi.Keys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.curator.x.async.api.RemoveWatcherOption;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code zookeeper} store on Curator's asynchronous API.
 *
 * <p><b>Layout.</b> Keys map onto znodes as {@link KeyPaths} says. A znode is a key when its data
 * is not {@code null} (an empty value is an empty array); znodes created only to hold children
 * ("containers") have {@code null} data, and an ACL without {@code WRITE}, so that a plain
 * {@code setData} from {@link #put} cannot turn one into a key unnoticed: it fails with
 * {@code NoAuth}, and the slower conversion path runs. Deleting a key that has children keeps the
 * znode as a container. Empty containers are left in place (they are never reported as keys).
 *
 * <p><b>Versions.</b> From the znode's {@link Stat}: a znode created as a key ({@code aversion} 0)
 * has version {@code dataVersion + 1}. A container that becomes a key gets its ACL changed (so
 * {@code aversion > 0}); the {@code dataVersion} it had before is its version base, kept in the
 * hidden child {@value #BASE_NODE} when it is not 0; the version is then
 * {@code dataVersion - base}. Reading such a key costs one more read.
 *
 * <p><b>Threads.</b> Curator runs every callback and watch event on its one event thread; this
 * class never blocks it. Returned futures may complete on that thread.
 */
final class ZooKeeperKvStoreClient implements KvStoreClient {

    /** Versions, and every operation bounded by the deadline queue. */
    private static final Set<KvCapability> CAPABILITIES =
            java.util.Collections.unmodifiableSet(EnumSet.of(KvCapability.VERSIONS, KvCapability.BOUNDED_BY_TIMEOUT));


    static final String STORE_TYPE = "zookeeper";

    /** Hidden child holding a re-converted key's version base; never a canonical encoded name. */
    static final String BASE_NODE = "%%kvstore-version-base";

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperKvStoreClient.class);
    private static final int MAX_ATTEMPTS = 64;
    private static final long REPLY_LIMIT = 32L * 1024 * 1024;
    private static final int MAX_BATCH = 256;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final java.util.concurrent.ScheduledExecutorService SWEEPER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kvstore-zookeeper-timeouts");
                t.setDaemon(true);
                return t;
            });

    private final Settings settings;
    private final KeyPaths paths;
    private final CuratorFramework curator;
    private final AsyncCuratorFramework async;
    private final List<ACL> keyAcl;
    private final List<ACL> containerAcl;
    private final long timeoutMillis;
    private final long timeoutNanos;
    private final int batch;
    private final java.util.Queue<Deadline> deadlines = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.ScheduledFuture<?> sweeper;
    private final Set<ZooKeeperWatch> watches = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    ZooKeeperKvStoreClient(Settings settings) {
        this.settings = settings;
        this.paths = settings.paths();
        this.timeoutMillis = settings.timeout().toMillis();
        this.timeoutNanos = settings.timeout().toNanos();
        boolean digest = settings.username().isPresent();
        this.keyAcl = digest ? ZooDefs.Ids.CREATOR_ALL_ACL : ZooDefs.Ids.OPEN_ACL_UNSAFE;
        this.containerAcl = List.of(new ACL(ZooDefs.Perms.ALL & ~ZooDefs.Perms.WRITE,
                digest ? ZooDefs.Ids.AUTH_IDS : ZooDefs.Ids.ANYONE_ID_UNSAFE));

        ZKClientConfig zk = new ZKClientConfig();
        zk.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        // The client's packet limit bounds replies only: raised so that a read-only multi of `batch`
        // values of the largest size fits. The server's own limit still bounds every request.
        long replyLimit = Math.max(REPLY_LIMIT, settings.maxValueSize() + 65536);
        zk.setProperty("jute.maxbuffer", String.valueOf(replyLimit));
        this.batch = (int) Math.max(1, Math.min(MAX_BATCH, (replyLimit - 65536) / (settings.maxValueSize() + 1024)));
        if (settings.tls()) {
            ClientX509Util x509 = new ClientX509Util();
            zk.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
            zk.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
            settings.trustStore().ifPresent(v -> zk.setProperty(x509.getSslTruststoreLocationProperty(), v));
            settings.trustStorePassword().ifPresent(v -> zk.setProperty(x509.getSslTruststorePasswdProperty(), v));
            settings.keyStore().ifPresent(v -> zk.setProperty(x509.getSslKeystoreLocationProperty(), v));
            settings.keyStorePassword().ifPresent(v -> zk.setProperty(x509.getSslKeystorePasswdProperty(), v));
        }
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(settings.connectString())
                .sessionTimeoutMs((int) settings.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) timeoutMillis)
                .retryPolicy(new RetryUntilElapsed((int) timeoutMillis, 50))
                .zkClientConfig(zk);
        if (digest) {
            builder.authorization("digest", (settings.username().get() + ":" + settings.password().orElseThrow())
                    .getBytes(StandardCharsets.UTF_8));
        }
        this.curator = builder.build();
        curator.getConnectionStateListenable().addListener(this::stateChanged);
        curator.start(); // connects in the background: never blocks, never fails when ZooKeeper is down
        this.async = AsyncCuratorFramework.wrap(curator);
        this.sweeper = SWEEPER.scheduleWithFixedDelay(this::sweep, 10, 10, TimeUnit.MILLISECONDS);
    }

    KeyPaths paths() {
        return paths;
    }

    /** The Curator client, for tests that expire the session. */
    CuratorFramework curator() {
        return curator;
    }

    // ---- reads ---------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Optional<KvPair>> get(String key) {
        Keys.checkKey(key);
        String path = paths.path(key);
        return bounded("get", key, () -> read(path).thenCompose(node -> {
            if (node == null || node.data == null) {
                return CompletableFuture.completedFuture(Optional.<KvPair>empty());
            }
            if (node.stat.getAversion() == 0) { // the common case: no extra read for the version
                return CompletableFuture.completedFuture(Optional.of(new KvPair(key, node.data, node.stat.getVersion() + 1L)));
            }
            return version(path, node.stat).thenApply(v -> Optional.of(new KvPair(key, node.data, v)));
        }));
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        Keys.checkKey(key);
        String path = paths.path(key);
        return bounded("exists", key, () -> read(path).thenApply(node -> node != null && node.data != null));
    }

    @Override
    public CompletableFuture<Map<String, KvPair>> list(String prefix) {
        Keys.checkPrefix(prefix);
        return bounded("list", prefix, () -> scan(prefix).thenApply(Collections::unmodifiableMap));
    }

    @Override
    public CompletableFuture<List<String>> listKeys(String prefix) {
        Keys.checkPrefix(prefix);
        return bounded("listKeys", prefix, () -> scan(prefix).thenApply(m -> List.copyOf(m.keySet())));
    }

    /**
     * Every key starting with {@code prefix}: the matching children of one znode and their subtrees,
     * read level by level, each level with read-only {@code multi} requests of {@link #batch}
     * reads each, all sent at once.
     */
    private CompletableFuture<TreeMap<String, KvPair>> scan(String prefix) {
        KeyPaths.Scan scan = paths.scan(prefix);
        Map<String, KvPair> found = new ConcurrentHashMap<>();
        return children(scan.parentPath()).thenCompose(names -> {
            List<String> levelPaths = new ArrayList<>();
            List<String> levelKeys = new ArrayList<>();
            for (String name : names) {
                paths.segment(name, scan.top()).filter(segment -> segment.startsWith(scan.partial())).ifPresent(segment -> {
                    levelPaths.add(KeyPaths.child(scan.parentPath(), name));
                    levelKeys.add(scan.keyPrefix() + segment);
                });
            }
            return walk(levelPaths, levelKeys, found, 0);
        }).thenApply(x -> new TreeMap<>(found));
    }

    private CompletableFuture<Void> walk(List<String> levelPaths, List<String> levelKeys, Map<String, KvPair> found,
            int depth) {
        if (levelPaths.isEmpty() || depth > KvStoreClient.MAX_KEY_BYTES + 1) {
            return DONE;
        }
        return readMany(levelPaths).thenCompose(nodes -> {
            List<CompletableFuture<?>> pending = new ArrayList<>();
            List<String> parentPaths = new ArrayList<>();
            List<String> parentKeys = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                Node node = nodes.get(i);
                if (node == null) {
                    continue;
                }
                String path = levelPaths.get(i);
                String key = levelKeys.get(i);
                if (node.data != null) {
                    if (node.stat.getAversion() == 0) {
                        found.put(key, new KvPair(key, node.data, node.stat.getVersion() + 1L));
                    } else {
                        pending.add(version(path, node.stat).thenAccept(v -> found.put(key, new KvPair(key, node.data, v))));
                    }
                }
                if (node.stat.getNumChildren() > 0) {
                    parentPaths.add(path);
                    parentKeys.add(key);
                }
            }
            if (!parentPaths.isEmpty()) {
                pending.add(childrenMany(parentPaths).thenCompose(lists -> {
                    List<String> nextPaths = new ArrayList<>();
                    List<String> nextKeys = new ArrayList<>();
                    for (int i = 0; i < lists.size(); i++) {
                        String parentPath = parentPaths.get(i);
                        String parentKey = parentKeys.get(i);
                        for (String name : lists.get(i)) {
                            paths.segment(name, false).ifPresent(segment -> {
                                nextPaths.add(KeyPaths.child(parentPath, name));
                                nextKeys.add(parentKey + "/" + segment);
                            });
                        }
                    }
                    return walk(nextPaths, nextKeys, found, depth + 1);
                }));
            }
            return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
        });
    }

    /**
     * Reads many znodes with read-only multis (one by one if a multi fails); null for a znode that
     * is missing or that this client may not read (another client's, under a creator-only ACL):
     * a listing shows what the client can see.
     */
    private CompletableFuture<List<Node>> readMany(List<String> nodePaths) {
        return many(nodePaths, Op::getData, result -> result instanceof OpResult.GetDataResult r
                ? new Node(r.getData(), r.getStat()) : null, p -> visible(read(p), null));
    }

    /** Lists the children of many znodes (empty for a missing or unreadable one), as {@link #readMany}. */
    private CompletableFuture<List<List<String>>> childrenMany(List<String> nodePaths) {
        return many(nodePaths, Op::getChildren, result -> result instanceof OpResult.GetChildrenResult r
                ? r.getChildren() : List.<String>of(), p -> visible(children(p), List.of()));
    }

    /** {@code otherwise} instead of a {@code NoAuth} failure. */
    private static <T> CompletableFuture<T> visible(CompletableFuture<T> read, T otherwise) {
        return recover(read, (value, code) -> code == null ? CompletableFuture.completedFuture(value)
                : code == KeeperException.Code.NOAUTH ? CompletableFuture.completedFuture(otherwise) : null);
    }

    private <T> CompletableFuture<List<T>> many(List<String> nodePaths, Function<String, Op> op,
            Function<OpResult, T> decode, Function<String, CompletableFuture<T>> single) {
        List<CompletableFuture<List<T>>> batches = new ArrayList<>();
        for (int from = 0; from < nodePaths.size(); from += batch) {
            List<String> slice = nodePaths.subList(from, Math.min(nodePaths.size(), from + batch));
            List<Op> ops = new ArrayList<>(slice.size());
            for (String p : slice) {
                ops.add(op.apply(p));
            }
            batches.add(readOnlyMulti(ops).handle((results, error) -> {
                if (error == null && results.size() == slice.size()) {
                    List<T> decoded = new ArrayList<>(results.size());
                    boolean failed = false;
                    for (OpResult r : results) {
                        if (r instanceof OpResult.ErrorResult e && e.getErr() != KeeperException.Code.NONODE.intValue()
                                && e.getErr() != KeeperException.Code.NOAUTH.intValue()) {
                            failed = true;
                        }
                        decoded.add(decode.apply(r));
                    }
                    if (!failed) {
                        return CompletableFuture.completedFuture(decoded);
                    }
                }
                // Connection loss, or an error in one read: read them one by one, with Curator's retries.
                List<CompletableFuture<T>> each = new ArrayList<>(slice.size());
                for (String p : slice) {
                    each.add(single.apply(p));
                }
                return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                        .thenApply(x -> each.stream().map(CompletableFuture::join).toList());
            }).thenCompose(Function.identity()));
        }
        return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new)).thenApply(x -> {
            List<T> all = new ArrayList<>(nodePaths.size());
            for (CompletableFuture<List<T>> b : batches) {
                all.addAll(b.join());
            }
            return all;
        });
    }

    /** A read-only multi on the current ZooKeeper handle (Curator's transactions hold only writes). */
    private CompletableFuture<List<OpResult>> readOnlyMulti(List<Op> ops) {
        CompletableFuture<List<OpResult>> f = new CompletableFuture<>();
        try {
            curator.getZookeeperClient().getZooKeeper().multi(ops, (rc, path, ctx, results) -> {
                if (results != null) {
                    f.complete(results);
                } else {
                    f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc)));
                }
            }, null);
        } catch (Exception e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    // ---- writes --------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Void> put(String key, byte[] value) {
        Keys.checkKey(key);
        byte[] copy = Keys.checkValue(key, value, settings.maxValueSize()).clone();
        String path = paths.path(key);
        return bounded("put", key, () -> put(path, copy, 0));
    }

    private CompletableFuture<Void> put(String path, byte[] value, int attempt) {
        if (attempt > MAX_ATTEMPTS) {
            return giveUp(path);
        }
        ZooKeeper zk = attempt == 0 ? connectedHandle() : null;
        if (zk != null) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            zk.setData(path, value, -1, (rc, p, ctx, stat) -> {
                if (rc == KeeperException.Code.OK.intValue()) {
                    f.complete(null);
                } else if (rc == KeeperException.Code.NONODE.intValue()) {
                    create(path, value, attempt).whenComplete((v, t) -> complete(f, v, t));
                } else if (rc == KeeperException.Code.NOAUTH.intValue()) {
                    convert(path, value, attempt).whenComplete((v, t) -> complete(f, v, t));
                } else if (isConnectionProblem(rc)) {
                    put(path, value, attempt + 1).whenComplete((v, t) -> complete(f, v, t));
                } else {
                    f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
                }
            }, null);
            return f;
        }
        return recover(async.setData().forPath(path, value), (stat, code) -> {
            if (code == null) {
                return DONE;
            }
            switch (code) {
                case NONODE:
                    return create(path, value, attempt);
                case NOAUTH: // a container (no WRITE in its ACL) or not ours
                    return convert(path, value, attempt);
                default:
                    return null;
            }
        });
    }

    private CompletableFuture<Void> create(String path, byte[] value, int attempt) {
        return recover(async.create().withOptions(Set.of(), CreateMode.PERSISTENT, keyAcl).forPath(path, value),
                (created, code) -> {
                    if (code == null) {
                        return DONE;
                    }
                    switch (code) {
                        case NODEEXISTS:
                            return put(path, value, attempt + 1);
                        case NONODE:
                            return ensureContainer(parent(path), 0)
                                    .thenCompose(x -> put(path, value, attempt + 1));
                        default:
                            return null;
                    }
                });
    }

    /** Creates a container znode and its missing parents; an existing znode is fine. */
    private CompletableFuture<Void> ensureContainer(String path, int depth) {
        if (path.equals("/") || depth > 4096) {
            return DONE;
        }
        return recover(async.create().withOptions(Set.of(), CreateMode.PERSISTENT, containerAcl).forPath(path, null),
                (created, code) -> {
                    if (code == null || code == KeeperException.Code.NODEEXISTS) {
                        return DONE;
                    }
                    if (code == KeeperException.Code.NONODE) {
                        return ensureContainer(parent(path), depth + 1).thenCompose(x -> ensureContainer(path, depth + 1));
                    }
                    return null;
                });
    }

    /** Turns a container into a key holding {@code value}, with its version starting again at 1. */
    private CompletableFuture<Void> convert(String path, byte[] value, int attempt) {
        return read(path).thenCompose(node -> {
            if (node == null) {
                return put(path, value, attempt + 1);
            }
            int aversion = node.stat.getAversion();
            CompletableFuture<Stat> aclSet = async.setACL().withACL(keyAcl, aversion).forPath(path).toCompletableFuture();
            if (node.data != null) {
                // A key left with a container's ACL by an interrupted delete: give it its key ACL back.
                return retryOn(aclSet, true, path, value, attempt);
            }
            int base = node.stat.getVersion();
            CompletableFuture<Void> converted = aclSet.thenCompose(x -> {
                if (base == 0) {
                    return async.setData().withVersion(0).forPath(path, value).toCompletableFuture().thenApply(s -> null);
                }
                byte[] baseBytes = Integer.toString(base).getBytes(StandardCharsets.US_ASCII);
                String baseNode = KeyPaths.child(path, BASE_NODE);
                CuratorOp setValue = async.transactionOp().setData().withVersion(base).forPath(path, value);
                CuratorOp createBase = async.transactionOp().create()
                        .withOptions(CreateMode.PERSISTENT, keyAcl, false).forPath(baseNode, baseBytes);
                return recover(async.transaction().forOperations(List.of(setValue, createBase)), (r, code) -> {
                    if (code == null) {
                        return DONE;
                    }
                    if (code != KeeperException.Code.NODEEXISTS) {
                        return null;
                    }
                    CuratorOp setBase = async.transactionOp().setData().forPath(baseNode, baseBytes);
                    CuratorOp setValueAgain = async.transactionOp().setData().withVersion(base).forPath(path, value);
                    return async.transaction().forOperations(List.of(setValueAgain, setBase))
                            .toCompletableFuture().thenApply(rr -> null);
                });
            });
            return retryOn(converted, false, path, value, attempt);
        });
    }

    /** After a step of the conversion: put again when a concurrent change got in the way. */
    private CompletableFuture<Void> retryOn(CompletableFuture<?> step, boolean putAfter, String path, byte[] value,
            int attempt) {
        return recover(step, (x, code) -> {
            if (code == null) {
                return putAfter ? put(path, value, attempt + 1) : DONE;
            }
            return code == KeeperException.Code.BADVERSION || code == KeeperException.Code.NONODE
                    ? put(path, value, attempt + 1) : null;
        });
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        Keys.checkKey(key);
        String path = paths.path(key);
        return bounded("delete", key, () -> delete(path, 0));
    }

    private CompletableFuture<Void> delete(String path, int attempt) {
        if (attempt > MAX_ATTEMPTS) {
            return giveUp(path);
        }
        return recover(async.delete().forPath(path), (x, code) -> {
            if (code == null || code == KeeperException.Code.NONODE) {
                return DONE;
            }
            if (code != KeeperException.Code.NOTEMPTY) {
                return null;
            }
            // The key has children: keep the znode, as a container.
            return read(path).thenCompose(node -> {
                if (node == null || node.data == null) {
                    return DONE;
                }
                return recover(async.setData().withVersion(node.stat.getVersion()).forPath(path, null), (s, c) -> {
                    if (c == KeeperException.Code.BADVERSION) {
                        return delete(path, attempt + 1);
                    }
                    if (c != null) {
                        return c == KeeperException.Code.NONODE ? DONE : null;
                    }
                    return recover(async.setACL().withACL(containerAcl, s.getAversion()).forPath(path),
                            (a, c2) -> c2 == null || c2 == KeeperException.Code.BADVERSION
                                    || c2 == KeeperException.Code.NONODE ? DONE : null);
                });
            });
        });
    }

    @Override
    public CompletableFuture<Void> deleteWithPrefix(String prefix) {
        Keys.checkPrefix(prefix);
        return bounded("deleteWithPrefix", prefix, () -> scan(prefix).thenCompose(found -> {
            // Deepest keys first, so that a parent is usually childless when its turn comes.
            TreeMap<Integer, List<String>> byDepth = new TreeMap<>(Collections.reverseOrder());
            for (String key : found.keySet()) {
                int depth = (int) key.chars().filter(c -> c == '/').count();
                byDepth.computeIfAbsent(depth, d -> new ArrayList<>()).add(paths.path(key));
            }
            CompletableFuture<Void> chain = DONE;
            for (List<String> level : byDepth.values()) {
                chain = chain.thenCompose(x -> CompletableFuture.allOf(
                        level.stream().map(p -> delete(p, 0)).toArray(CompletableFuture[]::new)));
            }
            return chain;
        }));
    }

    // ---- watches -------------------------------------------------------------------------------

    @Override
    public CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        String watchPath;
        AddWatchMode mode;
        if (withPrefix) {
            Keys.checkPrefix(key);
            watchPath = paths.scan(key).parentPath();
            mode = AddWatchMode.PERSISTENT_RECURSIVE;
        } else {
            Keys.checkKey(key);
            watchPath = paths.path(key);
            mode = AddWatchMode.PERSISTENT;
        }
        ZooKeeperWatch watch = new ZooKeeperWatch(this, key, withPrefix, listener, watchPath, mode);
        return bounded("watch", key, () -> addWatch(watch).thenApply(x -> {
            watches.add(watch);
            return (KvWatch) watch;
        })).whenComplete((w, t) -> {
            if (t != null) {
                watch.close();
            }
        });
    }

    CompletableFuture<Void> addWatch(ZooKeeperWatch watch) {
        return async.addWatch().withMode(watch.mode()).usingWatcher(watch).forPath(watch.watchPath())
                .toCompletableFuture();
    }

    void removeWatch(ZooKeeperWatch watch) {
        watches.remove(watch);
        if (closed.get()) {
            return;
        }
        try {
            async.removeWatches()
                    .removing(watch, Watcher.WatcherType.Any,
                            EnumSet.of(RemoveWatcherOption.local, RemoveWatcherOption.quietly))
                    .forPath(watch.watchPath())
                    .exceptionally(t -> {
                        LOG.debug("removing the watch on {} failed", watch.watchPath(), t);
                        return null;
                    });
        } catch (RuntimeException e) {
            LOG.debug("removing the watch on {} failed", watch.watchPath(), e);
        }
    }

    /** Reads a changed znode for a watch event; empty when there is nothing to report. */
    CompletableFuture<Optional<KvEvent>> readForEvent(String path, String key, boolean dataChanged) {
        return read(path).thenCompose(node -> {
            if (node == null) {
                return CompletableFuture.completedFuture(Optional.<KvEvent>empty()); // a NodeDeleted event follows
            }
            if (node.data == null) {
                // A key turned into a container is a delete; a new container is nothing.
                return CompletableFuture.completedFuture(dataChanged ? Optional.of(KvEvent.delete(key)) : Optional.empty());
            }
            return version(path, node.stat).thenApply(v -> Optional.of(KvEvent.put(key, node.data, v)));
        });
    }

    /** A key's current state as an event: {@code PUT} with its value, or {@code DELETE}. */
    CompletableFuture<Optional<KvEvent>> currentState(String path, String key) {
        return read(path).thenCompose(node -> node == null || node.data == null
                ? CompletableFuture.completedFuture(Optional.of(KvEvent.delete(key)))
                : version(path, node.stat).thenApply(v -> Optional.of(KvEvent.put(key, node.data, v))));
    }

    private void stateChanged(CuratorFramework client, ConnectionState state) {
        switch (state) {
            case SUSPENDED:
            case LOST:
                watches.forEach(ZooKeeperWatch::connectionDown);
                break;
            case RECONNECTED:
                watches.forEach(ZooKeeperWatch::reconnected);
                break;
            default:
                break;
        }
    }

    // ---- liveness, limits, close ---------------------------------------------------------------

    @Override
    public CompletableFuture<Boolean> isConnectionUp() {
        if (closed.get()) {
            return CompletableFuture.completedFuture(false);
        }
        return async.checkExists().forPath(paths.root()).toCompletableFuture()
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .handle((stat, t) -> t == null);
    }

    @Override
    public long maxValueSize() {
        return settings.maxValueSize();
    }

    @Override
    public Set<KvCapability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (ZooKeeperWatch w : List.copyOf(watches)) {
                w.close();
            }
            curator.close();
            sweeper.cancel(false);
            Deadline d;
            while ((d = deadlines.poll()) != null) {
                d.result.completeExceptionally(new KvStoreException(describe(d.op, d.subject)
                        + ": the zookeeper client is closed"));
            }
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "ZooKeeperKvStoreClient[" + settings + "]";
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A znode's data and stat; {@code data} is null for a container. */
    record Node(byte[] data, Stat stat) {
    }

    /** Reads a znode; completes with null when it does not exist. */
    private CompletableFuture<Node> read(String path) {
        ZooKeeper zk = connectedHandle();
        if (zk != null) {
            CompletableFuture<Node> f = new CompletableFuture<>();
            zk.getData(path, false, (rc, p, ctx, data, stat) -> {
                if (rc == KeeperException.Code.OK.intValue()) {
                    f.complete(new Node(data, stat));
                } else if (rc == KeeperException.Code.NONODE.intValue()) {
                    f.complete(null);
                } else if (isConnectionProblem(rc)) {
                    curatorRead(path).whenComplete((n, t) -> complete(f, n, t));
                } else {
                    f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
                }
            }, null);
            return f;
        }
        return curatorRead(path);
    }

    /**
     * The ZooKeeper handle when connected, for the hot paths: a plain asynchronous call on it skips
     * Curator's per-operation bookkeeping. On a connection problem those paths go on through
     * Curator, which waits for the connection and retries within the timeout.
     */
    private ZooKeeper connectedHandle() {
        if (!curator.getZookeeperClient().isConnected()) {
            return null;
        }
        try {
            return curator.getZookeeperClient().getZooKeeper();
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean isConnectionProblem(int rc) {
        return rc == KeeperException.Code.CONNECTIONLOSS.intValue()
                || rc == KeeperException.Code.SESSIONEXPIRED.intValue()
                || rc == KeeperException.Code.SESSIONMOVED.intValue()
                || rc == KeeperException.Code.OPERATIONTIMEOUT.intValue();
    }

    private static <T> void complete(CompletableFuture<T> f, T value, Throwable error) {
        if (error == null) {
            f.complete(value);
        } else {
            f.completeExceptionally(error);
        }
    }

    private CompletableFuture<Node> curatorRead(String path) {
        Stat stat = new Stat();
        return recover(async.getData().storingStatIn(stat).forPath(path), (data, code) -> {
            if (code == null) {
                return CompletableFuture.completedFuture(new Node(data, stat));
            }
            return code == KeeperException.Code.NONODE ? CompletableFuture.completedFuture(null) : null;
        });
    }

    private CompletableFuture<List<String>> children(String path) {
        return recover(async.getChildren().forPath(path), (names, code) -> {
            if (code == null) {
                return CompletableFuture.completedFuture(names);
            }
            return code == KeeperException.Code.NONODE ? CompletableFuture.completedFuture(List.of()) : null;
        });
    }

    /** The contract's version of a key znode (see the class comment). */
    private CompletableFuture<Long> version(String path, Stat stat) {
        if (stat.getAversion() == 0) {
            return CompletableFuture.completedFuture(stat.getVersion() + 1L);
        }
        if (stat.getNumChildren() == 0) {
            return CompletableFuture.completedFuture(Math.max(1L, stat.getVersion()));
        }
        return read(KeyPaths.child(path, BASE_NODE)).thenApply(base -> {
            long b = 0;
            if (base != null && base.data != null) {
                try {
                    b = Long.parseLong(new String(base.data, StandardCharsets.US_ASCII).trim());
                } catch (NumberFormatException e) {
                    b = 0;
                }
            }
            return Math.max(1L, stat.getVersion() - b);
        });
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /**
     * Continues a Curator stage: {@code next} gets the result and null, or null and the failure's
     * ZooKeeper code (null for a failure that is not a {@link KeeperException}... which then fails);
     * returning null from {@code next} fails with the original error.
     */
    private static <T, R> CompletableFuture<R> recover(java.util.concurrent.CompletionStage<T> stage,
            java.util.function.BiFunction<T, KeeperException.Code, CompletableFuture<R>> next) {
        CompletableFuture<R> out = new CompletableFuture<>();
        stage.whenComplete((value, error) -> {
            CompletableFuture<R> r;
            try {
                if (error == null) {
                    r = next.apply(value, null);
                } else {
                    KeeperException ke = keeperException(error);
                    r = ke == null ? null : next.apply(null, ke.code());
                }
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
                return;
            }
            if (r == null) {
                if (error == null) {
                    out.complete(null);
                } else {
                    out.completeExceptionally(error);
                }
                return;
            }
            r.whenComplete((v, t) -> {
                if (t == null) {
                    out.complete(v);
                } else {
                    out.completeExceptionally(t);
                }
            });
        });
        return out;
    }

    static KeeperException keeperException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof KeeperException ke) {
                return ke;
            }
        }
        return null;
    }

    private <T> CompletableFuture<T> giveUp(String path) {
        return CompletableFuture.failedFuture(new KvStoreException("gave up on " + path + " after "
                + MAX_ATTEMPTS + " attempts: the znode kept changing under concurrent writers"));
    }

    /**
     * Runs an operation bounded by the timeout, with failures turned into kvstore exceptions. The
     * timeout is a FIFO of deadlines swept every few milliseconds (the timeout is the same for every
     * operation, so deadlines come in order): cheaper than a timer per operation.
     */
    private <T> CompletableFuture<T> bounded(String op, String subject, java.util.function.Supplier<CompletableFuture<T>> run) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed.get()) {
            result.completeExceptionally(new KvStoreException(describe(op, subject) + ": the zookeeper client is closed"));
            return result;
        }
        CompletableFuture<T> running;
        try {
            running = run.get();
        } catch (RuntimeException e) {
            running = CompletableFuture.failedFuture(e);
        }
        if (!running.isDone()) {
            deadlines.add(new Deadline(System.nanoTime() + timeoutNanos, result, op, subject));
        }
        running.whenComplete((v, t) -> {
            if (t == null) {
                result.complete(v);
            } else {
                result.completeExceptionally(translate(describe(op, subject), t));
            }
        });
        return result;
    }

    private static String describe(String op, String subject) {
        return op + " \"" + subject + "\"";
    }

    /** An operation's deadline. */
    private record Deadline(long nanos, CompletableFuture<?> result, String op, String subject) {
    }

    private void sweep() {
        long now = System.nanoTime();
        Deadline d;
        while ((d = deadlines.peek()) != null && (d.result.isDone() || now - d.nanos >= 0)) {
            deadlines.poll();
            if (!d.result.isDone()) {
                d.result.completeExceptionally(new KvStoreUnavailableException(describe(d.op, d.subject)
                        + ": ZooKeeper at " + settings.connectString() + " did not answer within " + settings.timeout(),
                        new TimeoutException()));
            }
        }
    }

    private KvStoreException translate(String what, Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof KvStoreException e) {
            return e;
        }
        if (t instanceof TimeoutException) {
            return new KvStoreUnavailableException(what + ": ZooKeeper at " + settings.connectString()
                    + " did not answer within " + settings.timeout(), t);
        }
        KeeperException ke = keeperException(t);
        if (ke != null) {
            switch (ke.code()) {
                case CONNECTIONLOSS:
                case SESSIONEXPIRED:
                case OPERATIONTIMEOUT:
                case SESSIONMOVED:
                case REQUESTTIMEOUT:
                case NOTREADONLY:
                case THROTTLEDOP:
                    return new KvStoreUnavailableException(what + ": ZooKeeper at " + settings.connectString()
                            + " is unavailable (" + ke.code() + ")", t);
                case NOAUTH:
                case AUTHFAILED:
                    return new KvStoreException(what + ": not authorized by ZooKeeper (" + ke.code()
                            + "); check the username and password options", t);
                default:
                    return new KvStoreException(what + " failed: " + ke.getMessage(), t);
            }
        }
        if (closed.get()) {
            return new KvStoreException(what + ": the zookeeper client is closed", t);
        }
        return new KvStoreException(what + " failed: " + t, t);
    }
}

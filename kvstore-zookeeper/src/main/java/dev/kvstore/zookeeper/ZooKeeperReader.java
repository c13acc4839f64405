package dev.kvstore.zookeeper;

import static dev.kvstore.zookeeper.ZooKeeperErrors.complete;
import static dev.kvstore.zookeeper.ZooKeeperErrors.isConnectionProblem;
import static dev.kvstore.zookeeper.ZooKeeperErrors.recover;

import dev.kvstore.KvEvent;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Reads: one znode, a key's version, and the tree scan behind {@code list}: the matching children
 * of one znode and their subtrees, read level by level with read-only {@code multi} requests of
 * {@link ZooKeeperConnection#batch()} reads each, all sent at once.
 *
 * <p><b>Versions.</b> From the znode's {@link Stat}: a znode created as a key ({@code aversion} 0)
 * has version {@code dataVersion + 1}. A container that becomes a key gets its ACL changed (so
 * {@code aversion > 0}); the {@code dataVersion} it had before is its version base, kept in the
 * hidden child {@value #BASE_NODE} when it is not 0; the version is then
 * {@code dataVersion - base}. Reading such a key costs one more read.
 *
 * <p>Threads: stateless; called from any thread. Its requests on the ZooKeeper handle go through
 * {@link ZooKeeperRequests} (but for the batches of a read of several, sent together
 * asynchronously): their replies continue on ZooKeeper's event thread, never blocking it,
 * or, inside a blocking call, on the calling thread (synchronous requests); Curator's replies
 * always continue on the event thread.
 */
final class ZooKeeperReader {

    /** Hidden child holding a re-converted key's version base; never a canonical encoded name. */
    static final String BASE_NODE = "%%kvstore-version-base";

    static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** A znode's data and stat; {@code data} is null for a container. */
    record Znode(byte[] data, Stat stat) {
        boolean isKey() {
            return data != null;
        }
    }

    private final ZooKeeperConnection connection;
    private final KeyPaths paths;
    private final ZooKeeperLeases leases;

    ZooKeeperReader(ZooKeeperConnection connection, KeyPaths paths, ZooKeeperLeases leases) {
        this.connection = connection;
        this.paths = paths;
        this.leases = leases;
    }

    /** A key as a pair, or empty for a missing key or a container. */
    CompletableFuture<Optional<KvPair>> get(String key, String path) {
        return read(path).thenCompose(node -> {
            if (node == null || node.data == null) {
                return CompletableFuture.completedFuture(Optional.<KvPair>empty());
            }
            return version(path, node.stat).thenApply(v -> Optional.of(pair(key, path, node, v)));
        });
    }

    /** A key znode as a pair, with its version (one more read for a converted key). */
    CompletableFuture<KvPair> pair(String key, String path, Znode node) {
        if (node.stat.getAversion() == 0) {
            return CompletableFuture.completedFuture(pair(key, path, node, node.stat.getVersion() + 1L));
        }
        return version(path, node.stat).thenApply(v -> pair(key, path, node, v));
    }

    /** The pair of a key znode, with its lease (see {@link ZooKeeperLeases#leaseOf}). */
    private KvPair pair(String key, String path, Znode node, long version) {
        long owner = node.stat.getEphemeralOwner();
        return new KvPair(key, node.data, version, owner == 0 ? 0 : leases.leaseOf(path, owner));
    }

    /** Reads a znode; completes with null when it does not exist. */
    CompletableFuture<Znode> read(String path) {
        ZooKeeper zk = connection.connectedHandle();
        if (zk != null) {
            CompletableFuture<Znode> f = new CompletableFuture<>();
            ZooKeeperRequests.getData(zk, path, (rc, p, ctx, data, stat) -> {
                if (rc == KeeperException.Code.OK.intValue()) {
                    f.complete(new Znode(data, stat));
                } else if (rc == KeeperException.Code.NONODE.intValue()) {
                    f.complete(null);
                } else if (isConnectionProblem(rc)) {
                    curatorRead(path).whenComplete((n, t) -> complete(f, n, t));
                } else {
                    f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
                }
            });
            return f;
        }
        return curatorRead(path);
    }

    private CompletableFuture<Znode> curatorRead(String path) {
        Stat stat = new Stat();
        return recover(connection.async().getData().storingStatIn(stat).forPath(path), (data, code) -> {
            if (code == null) {
                return CompletableFuture.completedFuture(new Znode(data, stat));
            }
            return code == KeeperException.Code.NONODE ? CompletableFuture.completedFuture(null) : null;
        });
    }

    /** The children of a znode; empty when it does not exist. */
    CompletableFuture<List<String>> children(String path) {
        return recover(connection.async().getChildren().forPath(path), (names, code) -> {
            if (code == null) {
                return CompletableFuture.completedFuture(names);
            }
            return code == KeeperException.Code.NONODE ? CompletableFuture.completedFuture(List.of()) : null;
        });
    }

    /** The contract's version of a key znode (see the class comment). */
    CompletableFuture<Long> version(String path, Stat stat) {
        if (stat.getAversion() == 0) {
            return CompletableFuture.completedFuture(stat.getVersion() + 1L);
        }
        if (stat.getNumChildren() == 0) {
            return CompletableFuture.completedFuture(Math.max(1L, stat.getVersion()));
        }
        return read(KeyPaths.child(path, BASE_NODE)).thenApply(base -> Math.max(1L, stat.getVersion() - base(base)));
    }

    /** The version base held by a {@link #BASE_NODE} znode (0 when missing or unreadable). */
    static long base(Znode baseNode) {
        if (baseNode == null || baseNode.data == null) {
            return 0;
        }
        try {
            return Long.parseLong(new String(baseNode.data, StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Every key starting with {@code prefix}, sorted. */
    CompletableFuture<TreeMap<String, KvPair>> scan(String prefix) {
        KeyPaths.Scan scan = paths.scan(prefix);
        Map<String, KvPair> found = new ConcurrentHashMap<>();
        return children(scan.parentPath())
                .thenCompose(names -> {
                    List<String> levelPaths = new ArrayList<>();
                    List<String> levelKeys = new ArrayList<>();
                    for (String name : names) {
                        paths.segment(name, scan.top())
                                .filter(segment -> segment.startsWith(scan.partial()))
                                .ifPresent(segment -> {
                                    levelPaths.add(KeyPaths.child(scan.parentPath(), name));
                                    levelKeys.add(scan.keyPrefix() + segment);
                                });
                    }
                    return walk(levelPaths, levelKeys, found, 0);
                })
                .thenApply(x -> new TreeMap<>(found));
    }

    private CompletableFuture<Void> walk(
            List<String> levelPaths, List<String> levelKeys, Map<String, KvPair> found, int depth) {
        if (levelPaths.isEmpty() || depth > KvStoreClient.MAX_KEY_BYTES + 1) {
            return DONE;
        }
        return readMany(levelPaths).thenCompose(nodes -> {
            List<CompletableFuture<?>> pending = new ArrayList<>();
            List<String> parentPaths = new ArrayList<>();
            List<String> parentKeys = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                Znode node = nodes.get(i);
                if (node == null) {
                    continue;
                }
                String path = levelPaths.get(i);
                String key = levelKeys.get(i);
                if (node.data != null) {
                    if (node.stat.getAversion() == 0) {
                        found.put(key, pair(key, path, node, node.stat.getVersion() + 1L));
                    } else {
                        pending.add(version(path, node.stat).thenAccept(v -> found.put(key, pair(key, path, node, v))));
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
    CompletableFuture<List<Znode>> readMany(List<String> nodePaths) {
        return many(
                nodePaths,
                Op::getData,
                result -> result instanceof OpResult.GetDataResult r ? new Znode(r.getData(), r.getStat()) : null,
                p -> visible(read(p), null));
    }

    /** Lists the children of many znodes (empty for a missing or unreadable one), as {@link #readMany}. */
    private CompletableFuture<List<List<String>>> childrenMany(List<String> nodePaths) {
        return many(
                nodePaths,
                Op::getChildren,
                result -> result instanceof OpResult.GetChildrenResult r ? r.getChildren() : List.<String>of(),
                p -> visible(children(p), List.of()));
    }

    /** {@code otherwise} instead of a {@code NoAuth} failure. */
    private static <T> CompletableFuture<T> visible(CompletableFuture<T> read, T otherwise) {
        return recover(
                read,
                (value, code) -> code == null
                        ? CompletableFuture.completedFuture(value)
                        : code == KeeperException.Code.NOAUTH ? CompletableFuture.completedFuture(otherwise) : null);
    }

    private <T> CompletableFuture<List<T>> many(
            List<String> nodePaths,
            Function<String, Op> op,
            Function<OpResult, T> decode,
            Function<String, CompletableFuture<T>> single) {
        int batch = connection.batch();
        List<CompletableFuture<List<T>>> batches = new ArrayList<>();
        for (int from = 0; from < nodePaths.size(); from += batch) {
            List<String> slice = nodePaths.subList(from, Math.min(nodePaths.size(), from + batch));
            List<Op> ops = new ArrayList<>(slice.size());
            for (String p : slice) {
                ops.add(op.apply(p));
            }
            batches.add(readOnlyMulti(ops, nodePaths.size() > batch)
                    .handle((results, error) -> {
                        if (error == null && results.size() == slice.size()) {
                            List<T> decoded = new ArrayList<>(results.size());
                            boolean failed = false;
                            for (OpResult r : results) {
                                if (r instanceof OpResult.ErrorResult e
                                        && e.getErr() != KeeperException.Code.NONODE.intValue()
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
                                .thenApply(x -> each.stream()
                                        .map(CompletableFuture::join)
                                        .toList());
                    })
                    .thenCompose(Function.identity()));
        }
        return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new))
                .thenApply(x -> {
                    List<T> all = new ArrayList<>(nodePaths.size());
                    for (CompletableFuture<List<T>> b : batches) {
                        all.addAll(b.join());
                    }
                    return all;
                });
    }

    /**
     * A read-only multi on the current ZooKeeper handle (Curator's transactions hold only writes).
     * One of several batches is always sent asynchronously, so that the batches are in flight
     * together; a single one goes through {@link ZooKeeperRequests}, synchronous on the calling
     * thread inside a blocking call.
     */
    private CompletableFuture<List<OpResult>> readOnlyMulti(List<Op> ops, boolean oneOfSeveral) {
        CompletableFuture<List<OpResult>> f = new CompletableFuture<>();
        AsyncCallback.MultiCallback callback = (rc, path, ctx, results) -> {
            if (results != null) {
                f.complete(results);
            } else {
                f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc)));
            }
        };
        try {
            ZooKeeper zk = connection.curator().getZookeeperClient().getZooKeeper();
            if (oneOfSeveral) {
                zk.multi(ops, callback, null);
            } else {
                ZooKeeperRequests.multi(zk, ops, callback);
            }
        } catch (ZooKeeperRequests.Stopped e) {
            throw e; // the blocking call's deadline stopped it: no reads one by one, the call reports it
        } catch (Exception e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Reads a changed znode for a watch event; empty when there is nothing to report. */
    CompletableFuture<Optional<KvEvent>> readForEvent(String path, String key, boolean dataChanged) {
        return read(path).thenCompose(node -> {
            if (node == null) {
                return CompletableFuture.completedFuture(Optional.<KvEvent>empty()); // a NodeDeleted event follows
            }
            if (node.data == null) {
                // A key turned into a container is a delete; a new container is nothing.
                return CompletableFuture.completedFuture(
                        dataChanged ? Optional.of(KvEvent.delete(key)) : Optional.empty());
            }
            return version(path, node.stat).thenApply(v -> Optional.of(KvEvent.put(key, node.data, v)));
        });
    }

    /** A key's current state as an event: {@code PUT} with its value, or {@code DELETE}. */
    CompletableFuture<Optional<KvEvent>> currentState(String path, String key) {
        return read(path)
                .thenCompose(node -> node == null || node.data == null
                        ? CompletableFuture.completedFuture(Optional.of(KvEvent.delete(key)))
                        : version(path, node.stat).thenApply(v -> Optional.of(KvEvent.put(key, node.data, v))));
    }
}

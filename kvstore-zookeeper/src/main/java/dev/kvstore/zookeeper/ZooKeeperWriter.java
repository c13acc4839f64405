package dev.kvstore.zookeeper;

import static dev.kvstore.zookeeper.ZooKeeperErrors.complete;
import static dev.kvstore.zookeeper.ZooKeeperErrors.isConnectionProblem;
import static dev.kvstore.zookeeper.ZooKeeperErrors.recover;
import static dev.kvstore.zookeeper.ZooKeeperReader.DONE;

import dev.kvstore.spi.Futures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.x.async.AsyncCuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Plain writes: put (set, or create with missing parents as containers, or convert a container
 * into a key; a leased key becomes a plain one), delete (a key with children stays as a container), delete by prefix.
 *
 * <p><b>Layout.</b> A znode is a key when its data is not {@code null}; znodes created only to hold
 * children ("containers") have {@code null} data and an ACL without {@code WRITE}, so that a plain
 * {@code setData} cannot turn one into a key unnoticed: it fails with {@code NoAuth}, and the
 * conversion path runs (see {@link ZooKeeperReader} for the versions this keeps).
 *
 * <p>Threads: stateless; called from any thread. Its requests on the ZooKeeper handle go through
 * {@link ZooKeeperRequests}: their replies continue on ZooKeeper's event thread, never blocking it,
 * or, inside a blocking call, on the calling thread (synchronous requests); Curator's replies
 * always continue on the event thread.
 */
final class ZooKeeperWriter {

    /** How often a write is tried again when concurrent writers keep changing its znode. */
    static final int MAX_ATTEMPTS = 64;

    /**
     * From this attempt on, a retry first pauses for a random time (full jitter) whose bound doubles
     * from {@link #FIRST_PAUSE_MICROS} up to {@link #MAX_PAUSE_MICROS}: writers that keep undoing
     * each other's steps spread out instead of spending their attempts in lockstep.
     */
    static final int PAUSE_FROM_ATTEMPT = 2;

    static final long FIRST_PAUSE_MICROS = 500;
    static final long MAX_PAUSE_MICROS = 50_000;

    private final ZooKeeperConnection connection;
    private final AsyncCuratorFramework async;
    private final ZooKeeperReader reader;
    private final KeyPaths paths;

    ZooKeeperWriter(ZooKeeperConnection connection, ZooKeeperReader reader, KeyPaths paths) {
        this.connection = connection;
        this.async = connection.async();
        this.reader = reader;
        this.paths = paths;
    }

    /** Writes {@code value} at {@code path}, creating the znode and its parents as needed. */
    CompletableFuture<Void> put(String path, byte[] value) {
        return put(path, value, 0);
    }

    private CompletableFuture<Void> put(String path, byte[] value, int attempt) {
        if (attempt > MAX_ATTEMPTS) {
            return giveUp("write", path);
        }
        if (attempt >= PAUSE_FROM_ATTEMPT) {
            return pause(attempt).thenCompose(x -> tryPut(path, value, attempt));
        }
        return tryPut(path, value, attempt);
    }

    private CompletableFuture<Void> tryPut(String path, byte[] value, int attempt) {
        ZooKeeper zk = attempt == 0 ? connection.connectedHandle() : null;
        if (zk != null) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            ZooKeeperRequests.setData(zk, path, value, -1, (rc, p, ctx, stat) -> {
                if (rc == KeeperException.Code.OK.intValue()) {
                    detach(path, value, stat).whenComplete((v, t) -> complete(f, v, t));
                } else if (rc == KeeperException.Code.NONODE.intValue()) {
                    create(path, value, attempt).whenComplete((v, t) -> complete(f, v, t));
                } else if (rc == KeeperException.Code.NOAUTH.intValue()) {
                    convert(path, value, attempt).whenComplete((v, t) -> complete(f, v, t));
                } else if (isConnectionProblem(rc)) {
                    put(path, value, attempt + 1).whenComplete((v, t) -> complete(f, v, t));
                } else {
                    f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
                }
            });
            return f;
        }
        return recover(async.setData().forPath(path, value), (stat, code) -> {
            if (code == null) {
                return detach(path, value, stat);
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

    /**
     * A plain put leaves no key under a lease, as on every store: when the znode just written is
     * ephemeral (a leased key), it is made persistent with its value in one {@code multi}
     * ({@code delete} at the version written + {@code create}; its version starts again at 1). If
     * another write came in between, that write decides, and nothing more is done.
     */
    private CompletableFuture<Void> detach(String path, byte[] value, Stat written) {
        if (written == null || written.getEphemeralOwner() == 0) {
            return DONE;
        }
        List<Op> ops = List.of(
                Op.delete(path, written.getVersion()),
                Op.create(path, value, connection.keyAcl(), CreateMode.PERSISTENT));
        return connection.whenConnected().thenCompose(zk -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            ZooKeeperRequests.multi(zk, ops, (rc, p, ctx, results) -> {
                KeeperException.Code code = rc == KeeperException.Code.OK.intValue()
                        ? KeeperException.Code.OK
                        : ZooKeeperTransactions.firstError(rc, results);
                if (code == KeeperException.Code.OK
                        || code == KeeperException.Code.BADVERSION
                        || code == KeeperException.Code.NONODE) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(KeeperException.create(code, path));
                }
            });
            return f;
        });
    }

    private CompletableFuture<Void> create(String path, byte[] value, int attempt) {
        return recover(
                async.create()
                        .withOptions(Set.of(), CreateMode.PERSISTENT, connection.keyAcl())
                        .forPath(path, value),
                (created, code) -> {
                    if (code == null) {
                        return DONE;
                    }
                    switch (code) {
                        case NODEEXISTS:
                            return put(path, value, attempt + 1);
                        case NONODE:
                            return ensureContainer(parent(path), 0).thenCompose(x -> put(path, value, attempt + 1));
                        default:
                            return null;
                    }
                });
    }

    /** Creates a container znode and its missing parents; an existing znode is fine. */
    CompletableFuture<Void> ensureContainer(String path, int depth) {
        if (path.equals("/") || depth > 4096) {
            return DONE;
        }
        return recover(
                async.create()
                        .withOptions(Set.of(), CreateMode.PERSISTENT, connection.containerAcl())
                        .forPath(path, null),
                (created, code) -> {
                    if (code == null || code == KeeperException.Code.NODEEXISTS) {
                        return DONE;
                    }
                    if (code == KeeperException.Code.NONODE) {
                        return ensureContainer(parent(path), depth + 1)
                                .thenCompose(x -> ensureContainer(path, depth + 1));
                    }
                    return null;
                });
    }

    /** Turns a container into a key holding {@code value}, with its version starting again at 1. */
    private CompletableFuture<Void> convert(String path, byte[] value, int attempt) {
        return reader.read(path).thenCompose(node -> {
            if (node == null) {
                return put(path, value, attempt + 1);
            }
            int aversion = node.stat().getAversion();
            CompletableFuture<?> aclSet = async.setACL()
                    .withACL(connection.keyAcl(), aversion)
                    .forPath(path)
                    .toCompletableFuture();
            if (node.data() != null) {
                // A key left with a container's ACL by an interrupted delete: give it its key ACL back.
                return retryOn(aclSet, true, path, value, attempt);
            }
            int base = node.stat().getVersion();
            CompletableFuture<Void> converted = aclSet.thenCompose(x -> {
                // The base is written even when 0: a key without the hidden child is one created as a
                // key, which the compare-and-set fast path relies on (ZooKeeperTransactions#compareAndSet).
                byte[] baseBytes = Integer.toString(base).getBytes(StandardCharsets.US_ASCII);
                String baseNode = KeyPaths.child(path, ZooKeeperReader.BASE_NODE);
                CuratorOp setValue =
                        async.transactionOp().setData().withVersion(base).forPath(path, value);
                CuratorOp createBase = async.transactionOp()
                        .create()
                        .withOptions(CreateMode.PERSISTENT, connection.keyAcl(), false)
                        .forPath(baseNode, baseBytes);
                return recover(async.transaction().forOperations(List.of(setValue, createBase)), (r, code) -> {
                    if (code == null) {
                        return DONE;
                    }
                    if (code != KeeperException.Code.NODEEXISTS) {
                        return null;
                    }
                    CuratorOp setBase = async.transactionOp().setData().forPath(baseNode, baseBytes);
                    CuratorOp setValueAgain =
                            async.transactionOp().setData().withVersion(base).forPath(path, value);
                    return async.transaction()
                            .forOperations(List.of(setValueAgain, setBase))
                            .toCompletableFuture()
                            .thenApply(rr -> null);
                });
            });
            return retryOn(converted, false, path, value, attempt);
        });
    }

    /** After a step of the conversion: put again when a concurrent change got in the way. */
    private CompletableFuture<Void> retryOn(
            CompletableFuture<?> step, boolean putAfter, String path, byte[] value, int attempt) {
        return recover(step, (x, code) -> {
            if (code == null) {
                return putAfter ? put(path, value, attempt + 1) : DONE;
            }
            return code == KeeperException.Code.BADVERSION || code == KeeperException.Code.NONODE
                    ? put(path, value, attempt + 1)
                    : null;
        });
    }

    /** Deletes the key at {@code path}; a key with children stays as a container. */
    CompletableFuture<Void> delete(String path) {
        return delete(path, 0);
    }

    private CompletableFuture<Void> delete(String path, int attempt) {
        if (attempt > MAX_ATTEMPTS) {
            return giveUp("write", path);
        }
        if (attempt >= PAUSE_FROM_ATTEMPT) {
            return pause(attempt).thenCompose(x -> tryDelete(path, attempt));
        }
        return tryDelete(path, attempt);
    }

    private CompletableFuture<Void> tryDelete(String path, int attempt) {
        ZooKeeper zk = attempt == 0 ? connection.connectedHandle() : null;
        if (zk != null) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            ZooKeeperRequests.delete(zk, path, -1, (rc, p, ctx) -> {
                CompletableFuture<Void> next;
                if (isConnectionProblem(rc)) {
                    next = delete(path, attempt + 1); // through Curator, which waits for the connection
                } else {
                    KeeperException.Code code =
                            rc == KeeperException.Code.OK.intValue() ? null : KeeperException.Code.get(rc);
                    next = deleted(path, code, attempt);
                    if (next == null) {
                        f.completeExceptionally(KeeperException.create(code, path));
                        return;
                    }
                }
                next.whenComplete((v, t) -> complete(f, v, t));
            });
            return f;
        }
        return recover(async.delete().forPath(path), (x, code) -> deleted(path, code, attempt));
    }

    /**
     * After the {@code delete} of a key's znode ({@code code} null: deleted): done, or, when the key
     * has children, keep the znode as a container; null for a failure that stays one.
     */
    private CompletableFuture<Void> deleted(String path, KeeperException.Code code, int attempt) {
        if (code == null || code == KeeperException.Code.NONODE) {
            return DONE;
        }
        if (code != KeeperException.Code.NOTEMPTY) {
            return null;
        }
        // The key has children: keep the znode, as a container.
        return reader.read(path).thenCompose(node -> {
            if (node == null || node.data() == null) {
                return DONE;
            }
            return recover(async.setData().withVersion(node.stat().getVersion()).forPath(path, null), (s, c) -> {
                // NOAUTH: a concurrent delete gave the znode its container ACL since it was read
                // (ZooKeeper checks the ACL before the version): as for another version, start again.
                if (c == KeeperException.Code.BADVERSION || c == KeeperException.Code.NOAUTH) {
                    return delete(path, attempt + 1);
                }
                if (c != null) {
                    return c == KeeperException.Code.NONODE ? DONE : null;
                }
                return recover(
                        async.setACL()
                                .withACL(connection.containerAcl(), s.getAversion())
                                .forPath(path),
                        (a, c2) ->
                                c2 == null || c2 == KeeperException.Code.BADVERSION || c2 == KeeperException.Code.NONODE
                                        ? DONE
                                        : null);
            });
        });
    }

    /** Deletes every key starting with {@code prefix}, deepest first. */
    CompletableFuture<Void> deleteWithPrefix(String prefix) {
        return reader.scan(prefix).thenCompose(found -> {
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
        });
    }

    /** The parent path of a znode path ({@code /} for a top-level znode). */
    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** Completes after the random pause before retry {@code attempt} (see {@link #PAUSE_FROM_ATTEMPT}). */
    static CompletableFuture<Void> pause(int attempt) {
        long bound = pauseBoundMicros(attempt);
        long micros = ThreadLocalRandom.current().nextLong(bound + 1);
        CompletableFuture<Void> paused = new CompletableFuture<>();
        Futures.schedule(() -> paused.complete(null), Duration.ofNanos(micros * 1_000));
        return paused;
    }

    /** The upper bound of the pause before retry {@code attempt}, in microseconds. */
    static long pauseBoundMicros(int attempt) {
        int doublings = Math.min(Math.max(attempt - PAUSE_FROM_ATTEMPT, 0), 20);
        return Math.min(MAX_PAUSE_MICROS, FIRST_PAUSE_MICROS << doublings);
    }

    static <T> CompletableFuture<T> giveUp(String op, String subject) {
        return CompletableFuture.failedFuture(ZooKeeperErrors.failure(
                op,
                subject,
                "gave up after " + MAX_ATTEMPTS + " attempts: the znode kept changing under concurrent writers"));
    }
}

package dev.kvstore.zookeeper;

import static dev.kvstore.zookeeper.ZooKeeperReader.DONE;
import static dev.kvstore.zookeeper.ZooKeeperWriter.parent;

import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.Txn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

/**
 * {@link Txn} as one ZooKeeper {@code multi}: read every named znode (with its parent, in the same
 * read), evaluate the conditions on what was read, then send one atomic {@code multi} whose version
 * checks fail if anything read has changed since; on such a conflict, read again and retry. So every condition, {@code ifValue}
 * included, holds at the moment the {@code multi} is applied, and nothing of a failed attempt is
 * written.
 *
 * <p>How each part becomes ZooKeeper operations ({@code dv} is the znode's data version as read):
 * <ul>
 *   <li>a condition on an existing znode (key or container): {@code check(path, dv)}, unless a
 *       versioned write of that znode guards it already;</li>
 *   <li>a condition that a missing key is absent, with no write of that key: {@code create} then
 *       {@code delete} of the znode inside the {@code multi} (fails if it was created meanwhile;
 *       a watch may see a {@code DELETE} of that absent key);</li>
 *   <li>put of a new key: {@code create}, after creating its missing parents as containers in the
 *       same {@code multi} (a concurrent create of a parent makes the {@code multi} fail, and the
 *       retry sees the parent);</li>
 *   <li>put of an existing key: {@code setData(path, value, dv)}; when the put changes whether the
 *       key is leased, {@code delete(path, dv)} and {@code create} (a znode cannot change mode, so
 *       its version starts again at 1);</li>
 *   <li>put onto a container: an empty one is deleted and created again as a key; one with children
 *       gets its key ACL first (ZooKeeper's {@code multi} cannot change ACLs; given back if the
 *       {@code multi} fails), then {@code setData(path, value, dv)} and its version base;</li>
 *   <li>delete of a key: {@code delete(path, dv)}, or {@code setData(path, null, dv)} when keys live
 *       below it (its container ACL is set after the {@code multi}); delete of an absent key writes
 *       nothing.</li>
 * </ul>
 * The {@code multi} is sent on the ZooKeeper handle itself, not through Curator, which would send it
 * again after a connection loss: a {@code multi} whose reply was lost fails with
 * {@link KvStoreUnavailableException} (it may have been applied).
 *
 * <p>Threads: stateless but for the lease registry; runs from any thread. Its {@code multi}s go
 * through {@link ZooKeeperRequests}: their replies continue on ZooKeeper's event thread, never
 * blocking it, or, inside a blocking call, on the calling thread; Curator's replies always continue
 * on the event thread.
 */
final class ZooKeeperTransactions {

    /** The most conditions plus operations in one transaction. */
    static final int MAX_TXN_SIZE = 128;

    /** Room for paths and framing in one request, beyond the values. */
    static final long REQUEST_OVERHEAD = 4096;

    private final ZooKeeperConnection connection;
    private final ZooKeeperReader reader;
    private final ZooKeeperLeases leases;
    private final KeyPaths paths;
    private final long maxRequestBytes;

    ZooKeeperTransactions(
            ZooKeeperConnection connection,
            ZooKeeperReader reader,
            ZooKeeperLeases leases,
            KeyPaths paths,
            long maxValueSize) {
        this.connection = connection;
        this.reader = reader;
        this.leases = leases;
        this.paths = paths;
        this.maxRequestBytes = maxValueSize + REQUEST_OVERHEAD;
    }

    /** Checks what can be checked before anything is read or sent. */
    void check(Txn txn) {
        long bytes = 0;
        for (Txn.Operation op : txn.operations()) {
            bytes += op.key().length() * 3L + 64;
            if (op instanceof Txn.Put put) {
                bytes += put.valueLength();
                put.lease().ifPresent(leases::own);
            }
        }
        for (Txn.Condition c : txn.conditions()) {
            bytes += c.key().length() * 3L + 64;
        }
        if (bytes > maxRequestBytes) {
            throw ZooKeeperErrors.failure(
                    "commit",
                    txn.keys().get(0),
                    "the"
                            + " transaction needs about " + bytes + " bytes, over the limit of " + maxRequestBytes
                            + " bytes of one ZooKeeper request (max-value-bytes + " + REQUEST_OVERHEAD + ")");
        }
    }

    /**
     * {@code compareAndSet} in one round trip when the key is what most keys are: created as a key
     * (no {@value ZooKeeperReader#BASE_NODE} child, so its version is {@code dataVersion + 1}) and
     * not leased. One {@code multi}: create and delete the hidden child (fails with
     * {@code NodeExists} for a converted key, {@code NoChildrenForEphemerals} for a leased one,
     * {@code NoNode} for a missing key), then {@code setData(path, value, version - 1)}
     * ({@code BadVersion}: another version; {@code NoAuth}: a container, so an absent key). The two
     * cases this cannot decide go through {@link #commit} with its read.
     */
    CompletableFuture<Boolean> compareAndSet(Txn txn, String key, long expectedVersion, byte[] value) {
        if (expectedVersion == 0 || expectedVersion - 1 > Integer.MAX_VALUE) {
            return commit(txn);
        }
        String path = paths.path(key);
        String probe = KeyPaths.child(path, ZooKeeperReader.BASE_NODE);
        List<Op> ops = List.of(
                Op.create(probe, null, connection.containerAcl(), CreateMode.PERSISTENT),
                Op.delete(probe, -1),
                Op.setData(path, value, (int) (expectedVersion - 1)));
        return fast(ops).thenCompose(code -> {
            if (code == null) {
                leases.written(Map.of(), Set.of(path));
                return CompletableFuture.completedFuture(true);
            }
            return switch (code) {
                case NONODE, BADVERSION, NOAUTH -> CompletableFuture.completedFuture(false);
                default -> commit(txn);
            };
        });
    }

    /**
     * {@code putIfAbsent} in one round trip when the parent exists and the key's znode does not:
     * one {@code create}. An existing znode (maybe a container, so an absent key) or a missing
     * parent goes through {@link #commit}.
     */
    CompletableFuture<Boolean> putIfAbsent(Txn txn, String key, byte[] value) {
        String path = paths.path(key);
        List<Op> ops = List.of(Op.create(path, value, connection.keyAcl(), CreateMode.PERSISTENT));
        return fast(ops).thenCompose(code -> code == null ? CompletableFuture.completedFuture(true) : commit(txn));
    }

    /** Sends a multi on the handle; null when applied, else the code of the first operation that failed. */
    private CompletableFuture<KeeperException.Code> fast(List<Op> ops) {
        return connection.whenConnected().thenCompose(zk -> {
            CompletableFuture<KeeperException.Code> f = new CompletableFuture<>();
            ZooKeeperRequests.multi(zk, ops, (rc, path, ctx, results) -> {
                if (rc == KeeperException.Code.OK.intValue()) {
                    f.complete(null);
                } else if (results == null || ZooKeeperErrors.isConnectionProblem(rc)) {
                    f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc)));
                } else {
                    f.complete(firstError(rc, results));
                }
            });
            return f;
        });
    }

    /** Applies a checked transaction; completes with whether its conditions held. */
    CompletableFuture<Boolean> commit(Txn txn) {
        return attempt(txn, 0);
    }

    private CompletableFuture<Boolean> attempt(Txn txn, int attempt) {
        if (attempt > ZooKeeperWriter.MAX_ATTEMPTS) {
            return ZooKeeperWriter.giveUp("commit", txn.keys().get(0));
        }
        if (attempt >= ZooKeeperWriter.PAUSE_FROM_ATTEMPT) {
            return ZooKeeperWriter.pause(attempt).thenCompose(x -> tryCommit(txn, attempt));
        }
        return tryCommit(txn, attempt);
    }

    private CompletableFuture<Boolean> tryCommit(Txn txn, int attempt) {
        List<String> keys = txn.keys();
        List<String> keyPaths = keys.stream().map(paths::path).toList();
        // the parents too, in the same read: a key created under a parent read apart cost one more round trip
        Set<String> named = new HashSet<>(keyPaths);
        List<String> parentPaths = keyPaths.stream()
                .map(ZooKeeperWriter::parent)
                .filter(p -> !p.equals("/") && !named.contains(p))
                .distinct()
                .toList();
        List<String> toRead = new ArrayList<>(keyPaths);
        toRead.addAll(parentPaths);
        Map<String, ZooKeeperReader.Znode> state = new HashMap<>();
        Map<String, ZooKeeperReader.Znode> parents = new HashMap<>(); // null: read and absent
        return reader.readMany(toRead)
                .thenCompose(nodes -> {
                    for (int i = 0; i < keyPaths.size(); i++) {
                        state.put(keyPaths.get(i), nodes.get(i));
                    }
                    for (int i = 0; i < parentPaths.size(); i++) {
                        parents.put(parentPaths.get(i), nodes.get(keyPaths.size() + i));
                    }
                    return versions(txn, state);
                })
                .thenCompose(versions -> {
                    for (Txn.Condition c : txn.conditions()) {
                        if (!holds(c, state.get(paths.path(c.key())), versions.get(paths.path(c.key())))) {
                            return CompletableFuture.completedFuture(false);
                        }
                    }
                    Plan plan = new Plan(txn, state, parents);
                    return plan.prepare().thenCompose(x -> plan.send()).thenCompose(code -> {
                        if (code == null) {
                            plan.applied();
                            return CompletableFuture.completedFuture(true);
                        }
                        return plan.undo().thenCompose(y -> attempt(txn, attempt + 1));
                    });
                });
    }

    /** The versions of the present keys named in version conditions. */
    private CompletableFuture<Map<String, Long>> versions(Txn txn, Map<String, ZooKeeperReader.Znode> state) {
        Map<String, Long> versions = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (Txn.Condition c : txn.conditions()) {
            String path = paths.path(c.key());
            ZooKeeperReader.Znode node = state.get(path);
            if (c instanceof Txn.VersionIs && node != null && node.isKey()) {
                pending.add(reader.version(path, node.stat()).thenAccept(v -> versions.put(path, v)));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .thenApply(x -> versions);
    }

    private static boolean holds(Txn.Condition c, ZooKeeperReader.Znode node, Long version) {
        boolean present = node != null && node.isKey();
        if (c instanceof Txn.Absent) {
            return !present;
        } else if (c instanceof Txn.Present) {
            return present;
        } else if (c instanceof Txn.VersionIs v) {
            return v.version() == 0 ? !present : present && version != null && version == v.version();
        } else {
            return present && Arrays.equals(node.data(), ((Txn.ValueIs) c).value());
        }
    }

    /** One attempt's ZooKeeper operations, built from what was read. */
    private final class Plan {

        private final Txn txn;
        private final Map<String, ZooKeeperReader.Znode> state;
        /** Parents of the named znodes read with them, by path; {@code null} for one that was absent. */
        private final Map<String, ZooKeeperReader.Znode> parents;
        /** Operations on znodes that exist: checks, versioned sets and deletes. */
        private final List<Op> existing = new ArrayList<>();
        /** Znodes to create: path to data (null for a container), mode; created parents first. */
        private final Map<String, Create> creates = new LinkedHashMap<>();
        /** Znodes created only to prove a key absent, deleted again in the same multi. */
        private final Set<String> guards = new HashSet<>();
        /** Containers with children that become keys: they need their key ACL before the multi. */
        private final Map<String, ZooKeeperReader.Znode> conversions = new LinkedHashMap<>();
        /** Keys with children that become containers: their container ACL is set after the multi. */
        private final List<String> emptied = new ArrayList<>();
        /** Leased puts by path (lease id), and plain writes (0), for the lease registry. */
        private final Map<String, ZooKeeperLease> leased = new HashMap<>();

        private final Set<String> unleased = new HashSet<>();
        private final Set<String> aclChanged = new HashSet<>();

        private record Create(byte[] data, boolean key, CreateMode mode) {}

        Plan(Txn txn, Map<String, ZooKeeperReader.Znode> state, Map<String, ZooKeeperReader.Znode> parents) {
            this.txn = txn;
            this.state = state;
            this.parents = parents;
        }

        /** Reads what the plan needs beyond the named znodes (missing parents, version bases), and sets ACLs. */
        CompletableFuture<Void> prepare() {
            Set<String> written = new HashSet<>();
            Set<String> createdKeys = new HashSet<>();
            for (Txn.Operation op : txn.operations()) {
                String path = paths.path(op.key());
                written.add(path);
                if (op instanceof Txn.Put put && state.get(path) == null) {
                    createdKeys.add(path);
                }
            }
            for (Txn.Operation op : txn.operations()) {
                String path = paths.path(op.key());
                ZooKeeperReader.Znode node = state.get(path);
                if (op instanceof Txn.Put put) {
                    planPut(path, put, node, hasCreatedBelow(path, createdKeys));
                } else {
                    planDelete(path, node, hasCreatedBelow(path, createdKeys));
                }
            }
            for (Txn.Condition c : txn.conditions()) {
                String path = paths.path(c.key());
                if (written.contains(path) && (createdKeys.contains(path) || state.get(path) != null)) {
                    continue; // the write's own create, versioned set or delete guards it
                }
                ZooKeeperReader.Znode node = state.get(path);
                if (node != null) {
                    existing.add(Op.check(path, node.stat().getVersion()));
                } else if (!hasCreatedBelow(path, createdKeys)) {
                    guards.add(path);
                }
            }
            Set<String> needParents = new HashSet<>(createdKeys);
            needParents.addAll(guards);
            return missingParents(needParents).thenCompose(missing -> {
                for (String p : missing) {
                    if (createdKeys.contains(p)) {
                        continue; // a key this transaction creates anyway
                    }
                    creates.putIfAbsent(p, new Create(null, false, CreateMode.PERSISTENT));
                    if (!isAncestorOfAny(p, createdKeys)) {
                        guards.add(p);
                    }
                }
                for (String g : guards) {
                    creates.putIfAbsent(g, new Create(null, false, CreateMode.PERSISTENT));
                }
                return convertContainers();
            });
        }

        private void planPut(String path, Txn.Put put, ZooKeeperReader.Znode node, boolean createdBelow) {
            ZooKeeperLease lease = put.lease().map(leases::own).orElse(null);
            if (lease != null) {
                leased.put(path, lease);
            } else {
                unleased.add(path);
            }
            CreateMode mode = lease == null ? CreateMode.PERSISTENT : CreateMode.EPHEMERAL;
            byte[] value = put.value();
            if (node == null) {
                creates.put(path, new Create(value, true, mode));
                return;
            }
            Stat stat = node.stat();
            boolean hasChildren = stat.getNumChildren() > 0 || createdBelow;
            if (lease != null && stat.getNumChildren() > 0) {
                throw ZooKeeperErrors.failure(
                        "commit",
                        put.key(),
                        "a leased key"
                                + " is an ephemeral znode, which cannot have keys below it, and keys exist below this one");
            }
            long owner = stat.getEphemeralOwner();
            boolean sameMode = lease == null ? owner == 0 : owner != 0 && owner == leases.sessionId();
            if (node.isKey() && sameMode) {
                existing.add(Op.setData(path, value, stat.getVersion()));
            } else if (!node.isKey() && hasChildren && lease == null) {
                conversions.put(path, node);
                existing.add(Op.setData(path, value, stat.getVersion()));
            } else {
                existing.add(Op.delete(path, stat.getVersion()));
                creates.put(path, new Create(value, true, mode));
            }
        }

        private void planDelete(String path, ZooKeeperReader.Znode node, boolean createdBelow) {
            unleased.add(path);
            if (node == null) {
                return; // absent: nothing to delete
            }
            Stat stat = node.stat();
            if (!node.isKey()) {
                existing.add(Op.check(path, stat.getVersion()));
            } else if (stat.getNumChildren() == 0 && !createdBelow) {
                existing.add(Op.delete(path, stat.getVersion()));
            } else {
                existing.add(Op.setData(path, null, stat.getVersion()));
                emptied.add(path);
            }
        }

        private boolean hasCreatedBelow(String path, Set<String> createdKeys) {
            return isAncestorOfAny(path, createdKeys);
        }

        private boolean isAncestorOfAny(String path, Set<String> descendants) {
            String prefix = path.equals("/") ? "/" : path + "/";
            for (String d : descendants) {
                if (d.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }

        /** The missing ancestors of {@code leaves}, read level by level up to the first that exists. */
        private CompletableFuture<Set<String>> missingParents(Set<String> leaves) {
            Set<String> missing = new HashSet<>();
            Set<String> frontier = new HashSet<>();
            for (String leaf : leaves) {
                String p = parent(leaf);
                if (p.equals("/") || state.get(p) != null) {
                    continue;
                }
                if (!parents.containsKey(p)) {
                    frontier.add(p);
                } else if (parents.get(p) == null) { // read with the named znodes: absent
                    missing.add(p);
                    String grandparent = parent(p);
                    if (!grandparent.equals("/")) {
                        frontier.add(grandparent);
                    }
                }
            }
            return climb(frontier, missing, 0).thenApply(x -> missing);
        }

        private CompletableFuture<Void> climb(Set<String> frontier, Set<String> missing, int depth) {
            frontier.removeAll(missing);
            if (frontier.isEmpty() || depth > 4096) {
                return DONE;
            }
            List<String> level = new ArrayList<>(frontier);
            return reader.readMany(level).thenCompose(nodes -> {
                Set<String> next = new HashSet<>();
                for (int i = 0; i < level.size(); i++) {
                    if (nodes.get(i) == null) {
                        missing.add(level.get(i));
                        String p = parent(level.get(i));
                        if (!p.equals("/")) {
                            next.add(p);
                        }
                    }
                }
                return climb(next, missing, depth + 1);
            });
        }

        /** Gives containers that become keys their key ACL, and plans their version base. */
        private CompletableFuture<Void> convertContainers() {
            CompletableFuture<Void> chain = DONE;
            for (Map.Entry<String, ZooKeeperReader.Znode> e : conversions.entrySet()) {
                String path = e.getKey();
                int dv = e.getValue().stat().getVersion();
                String baseNode = KeyPaths.child(path, ZooKeeperReader.BASE_NODE);
                byte[] base = Integer.toString(dv).getBytes(StandardCharsets.US_ASCII);
                chain = chain.thenCompose(x -> reader.read(baseNode)).thenCompose(b -> {
                    existing.add(
                            b == null
                                    ? Op.create(baseNode, base, connection.keyAcl(), CreateMode.PERSISTENT)
                                    : Op.setData(baseNode, base, -1));
                    return connection
                            .async()
                            .setACL()
                            .withACL(connection.keyAcl(), e.getValue().stat().getAversion())
                            .forPath(path)
                            .toCompletableFuture()
                            .handle((s, t) -> {
                                if (t == null) {
                                    aclChanged.add(path);
                                }
                                return null; // on a conflict the multi fails, and the next attempt reads again
                            });
                });
            }
            return chain;
        }

        /** Sends the multi; completes with null when applied, or the code of a conflict worth a retry. */
        CompletableFuture<KeeperException.Code> send() {
            List<Op> ops = new ArrayList<>(existing);
            TreeMap<Integer, List<String>> byDepth = new TreeMap<>();
            for (String p : creates.keySet()) {
                byDepth.computeIfAbsent(depth(p), d -> new ArrayList<>()).add(p);
            }
            for (List<String> level : byDepth.values()) {
                for (String p : level) {
                    Create c = creates.get(p);
                    ops.add(Op.create(p, c.data, c.key ? connection.keyAcl() : connection.containerAcl(), c.mode));
                }
            }
            guards.stream()
                    .sorted(Comparator.comparingInt(ZooKeeperTransactions::depth)
                            .reversed())
                    .forEach(g -> ops.add(Op.delete(g, -1)));
            for (ZooKeeperLease lease : leased.values()) {
                lease.checkUsable(txn);
            }
            return connection.whenConnected().thenCompose(zk -> {
                for (ZooKeeperLease lease : leased.values()) {
                    lease.checkSession(zk.getSessionId(), txn);
                }
                CompletableFuture<KeeperException.Code> f = new CompletableFuture<>();
                ZooKeeperRequests.multi(zk, ops, (rc, path, ctx, results) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        f.complete(null);
                        return;
                    }
                    KeeperException.Code code = firstError(rc, results);
                    switch (code) {
                        case BADVERSION, NODEEXISTS, NONODE, NOTEMPTY -> f.complete(code);
                        case NOAUTH -> {
                            if (conversions.isEmpty()) {
                                f.completeExceptionally(KeeperException.create(code));
                            } else {
                                f.complete(code); // a container whose ACL could not be changed: read again
                            }
                        }
                        case NOCHILDRENFOREPHEMERALS ->
                            f.completeExceptionally(ZooKeeperErrors.failure(
                                    "commit",
                                    txn.keys().get(0),
                                    "a key cannot be put below a leased key (an ephemeral znode has" + " no children)",
                                    KeeperException.create(code)));
                        default -> f.completeExceptionally(KeeperException.create(code));
                    }
                });
                return f;
            });
        }

        /** After the multi: container ACLs, the lease registry. */
        void applied() {
            for (String p : emptied) {
                connection
                        .async()
                        .setACL()
                        .withACL(connection.containerAcl())
                        .forPath(p)
                        .exceptionally(t -> null);
            }
            leases.written(leased, unleased);
        }

        /** After a failed multi: containers that got a key ACL get their container ACL back. */
        CompletableFuture<Void> undo() {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (String p : aclChanged) {
                all.add(connection
                        .async()
                        .setACL()
                        .withACL(connection.containerAcl())
                        .forPath(p)
                        .toCompletableFuture()
                        .handle((s, t) -> null));
            }
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        }
    }

    /** The code of the first operation of a failed multi that failed (its own code, not a rollback's). */
    static KeeperException.Code firstError(int rc, List<OpResult> results) {
        if (results != null) {
            for (OpResult r : results) {
                if (r instanceof OpResult.ErrorResult e
                        && e.getErr() != KeeperException.Code.OK.intValue()
                        && e.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                    return KeeperException.Code.get(e.getErr());
                }
            }
        }
        return KeeperException.Code.get(rc);
    }

    private static int depth(String path) {
        int n = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }
}

package dev.kvstore.zookeeper;

import dev.kvstore.KvCapability;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvLeaseInfo;
import dev.kvstore.KvPair;
import dev.kvstore.KvStoreClient;
import dev.kvstore.KvStoreConfig;
import dev.kvstore.KvWatch;
import dev.kvstore.Txn;
import dev.kvstore.TxnResult;
import dev.kvstore.spi.BoundedByTimeout;
import dev.kvstore.spi.WaitingCaller;
import dev.kvstore.tck.TransactionKit;
import dev.kvstore.testing.TestServer;
import dev.kvstore.testing.TestServerExtension;
import dev.kvstore.testing.ZooKeeperServer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance kit's data groups (§2–§8: operations, prefixes, versions, hostile keys, watches,
 * an unreachable or restarted store, conditional writes and transactions) against a real ZooKeeper
 * with every call made as the Backend's blocking forms make it (inside {@link WaitingCaller#call}),
 * so that the kit's checks of each operation's semantics run on the synchronous path of
 * {@link ZooKeeperRequests}. The later groups (leases, locks, elections, reservations, bulk) are
 * not repeated: they reach the store through the Backend, whose blocking calls take that path in
 * {@link ZooKeeperCompatibilityIT} already.
 */
class ZooKeeperBlockingCompatibilityIT extends TransactionKit {

    @RegisterExtension
    static final TestServerExtension<ZooKeeperServer> ZOOKEEPER = TestServerExtension.of(ZooKeeperServer::start);

    @Override
    protected KvStoreConfig config() {
        return ZooKeeperCompatibilityIT.config(ZOOKEEPER);
    }

    @Override
    protected Optional<KvStoreConfig> unreachableConfig() {
        return ZooKeeperCompatibilityIT.unreachableConfig(ZOOKEEPER);
    }

    @Override
    protected Optional<TestServer> server() {
        return Optional.of(ZOOKEEPER.server());
    }

    @Override
    protected Optional<KvStoreConfig> configVia(String proxyAddress) {
        return Optional.of(config().toBuilder().address(proxyAddress).build());
    }

    @BeforeEach
    void callAsAWaitingCaller() {
        client = new AsWaitingCaller(client);
    }

    /** Delegates every method, starting each operation inside {@link WaitingCaller#call}. */
    private static final class AsWaitingCaller implements KvStoreClient, BoundedByTimeout {
        private final KvStoreClient c;

        AsWaitingCaller(KvStoreClient c) {
            this.c = c;
        }

        @Override
        public CompletableFuture<Optional<KvPair>> get(String key) {
            return WaitingCaller.call(() -> c.get(key));
        }

        @Override
        public CompletableFuture<Map<String, KvPair>> list(String prefix) {
            return WaitingCaller.call(() -> c.list(prefix));
        }

        @Override
        public CompletableFuture<List<String>> listKeys(String prefix) {
            return WaitingCaller.call(() -> c.listKeys(prefix));
        }

        @Override
        public CompletableFuture<Boolean> exists(String key) {
            return WaitingCaller.call(() -> c.exists(key));
        }

        @Override
        public CompletableFuture<Void> put(String key, byte[] value) {
            return WaitingCaller.call(() -> c.put(key, value));
        }

        @Override
        public CompletableFuture<Void> delete(String key) {
            return WaitingCaller.call(() -> c.delete(key));
        }

        @Override
        public CompletableFuture<Void> deleteWithPrefix(String prefix) {
            return WaitingCaller.call(() -> c.deleteWithPrefix(prefix));
        }

        @Override
        public CompletableFuture<Map<String, KvPair>> getAllAsync(Collection<String> keys) {
            return WaitingCaller.call(() -> c.getAllAsync(keys));
        }

        @Override
        public CompletableFuture<Void> putAllAsync(Map<String, byte[]> entries) {
            return WaitingCaller.call(() -> c.putAllAsync(entries));
        }

        @Override
        public CompletableFuture<Void> deleteAllAsync(Collection<String> keys) {
            return WaitingCaller.call(() -> c.deleteAllAsync(keys));
        }

        @Override
        public CompletableFuture<KvWatch> watch(String key, boolean withPrefix, Consumer<KvEvent> listener) {
            return WaitingCaller.call(() -> c.watch(key, withPrefix, listener));
        }

        @Override
        public CompletableFuture<TxnResult> commit(Txn txn) {
            return WaitingCaller.call(() -> c.commit(txn));
        }

        @Override
        public String colocationTag(String group) {
            return c.colocationTag(group);
        }

        @Override
        public int maxTxnSize() {
            return c.maxTxnSize();
        }

        @Override
        public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value) {
            return WaitingCaller.call(() -> c.putIfAbsent(key, value));
        }

        @Override
        public CompletableFuture<Boolean> compareAndSet(String key, long expectedVersion, byte[] value) {
            return WaitingCaller.call(() -> c.compareAndSet(key, expectedVersion, value));
        }

        @Override
        public CompletableFuture<Boolean> compareAndDelete(String key, long expectedVersion) {
            return WaitingCaller.call(() -> c.compareAndDelete(key, expectedVersion));
        }

        @Override
        public CompletableFuture<KvLease> grantLease(Duration ttl) {
            return WaitingCaller.call(() -> c.grantLease(ttl));
        }

        @Override
        public CompletableFuture<Void> put(String key, byte[] value, KvLease lease) {
            return WaitingCaller.call(() -> c.put(key, value, lease));
        }

        @Override
        public CompletableFuture<List<KvLeaseInfo>> listLeases(String prefix) {
            return WaitingCaller.call(() -> c.listLeases(prefix));
        }

        @Override
        public CompletableFuture<Optional<KvLeaseInfo>> leaseInfo(long id) {
            return WaitingCaller.call(() -> c.leaseInfo(id));
        }

        @Override
        public CompletableFuture<Boolean> isConnectionUp() {
            return c.isConnectionUp();
        }

        @Override
        public long maxValueSize() {
            return c.maxValueSize();
        }

        @Override
        public Set<KvCapability> capabilities() {
            return c.capabilities();
        }

        @Override
        public void close() {
            c.close();
        }
    }
}

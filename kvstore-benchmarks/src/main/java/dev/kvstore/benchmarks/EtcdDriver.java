package dev.kvstore.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * jetcd 0.8 used directly, with its defaults, as a user would: keys as UTF-8 strings under the
 * namespace, values read out as byte arrays. Its callbacks run on jetcd's executor; this class
 * holds no state of its own beyond the client and the lock's lease (kept alive by jetcd).
 */
final class EtcdDriver implements Side {

    private final Client client;
    private final KV kv;
    private final String namespace;
    private final long lease;
    private final io.etcd.jetcd.support.CloseableClient keepAlive;

    EtcdDriver(String address, String namespace) throws Exception {
        this.client = Client.builder().endpoints("http://" + address).build();
        this.kv = client.getKVClient();
        this.namespace = namespace + "/";
        this.lease = client.getLeaseClient().grant(10).get().getID();
        this.keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<LeaseKeepAliveResponse>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        });
    }

    private ByteSequence key(String key) {
        return ByteSequence.from(namespace + key, StandardCharsets.UTF_8);
    }

    private static byte[] valueOf(GetResponse response) {
        return response.getKvs().isEmpty()
                ? null
                : response.getKvs().get(0).getValue().getBytes();
    }

    @Override
    public void seed(String key, byte[] value) throws Exception {
        put(key, value);
    }

    @Override
    public void put(String key, byte[] value) throws Exception {
        kv.put(key(key), ByteSequence.from(value)).get();
    }

    @Override
    public byte[] get(String key) throws Exception {
        return valueOf(kv.get(key(key)).get());
    }

    @Override
    public CompletionStage<?> putAsync(String key, byte[] value) {
        return kv.put(key(key), ByteSequence.from(value));
    }

    @Override
    public CompletionStage<?> getAsync(String key) {
        return kv.get(key(key)).thenApply(EtcdDriver::valueOf);
    }

    @Override
    public int list(String prefix) throws Exception {
        Map<String, byte[]> result = new LinkedHashMap<>();
        GetOption prefixed = GetOption.builder().isPrefix(true).build();
        for (KeyValue pair : kv.get(key(prefix), prefixed).get().getKvs()) {
            result.put(
                    pair.getKey().toString(StandardCharsets.UTF_8),
                    pair.getValue().getBytes());
        }
        return result.size();
    }

    @Override
    public AutoCloseable watch(String prefix, Consumer<byte[]> onPut) {
        Watch.Watcher watcher = client.getWatchClient()
                .watch(key(prefix), WatchOption.builder().isPrefix(true).build(), response -> {
                    for (WatchEvent e : response.getEvents()) {
                        if (e.getEventType() == WatchEvent.EventType.PUT) {
                            onPut.accept(e.getKeyValue().getValue().getBytes());
                        }
                    }
                });
        return watcher::close;
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
        ByteSequence k = key(key);
        KeyValue old = kv.get(k).get().getKvs().get(0);
        return kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(old.getVersion())))
                .Then(Op.put(k, ByteSequence.from(Side.next(old.getValue().getBytes())), PutOption.DEFAULT))
                .commit()
                .get()
                .isSucceeded();
    }

    @Override
    public void lockCycle() throws Exception {
        Lock locks = client.getLockClient();
        LockResponse held = locks.lock(key("lock"), lease).get();
        locks.unlock(held.getKey()).get();
    }

    @Override
    public void close() {
        keepAlive.close();
        client.close();
    }
}

package dev.kvstore.redis;

import dev.kvstore.KvLeaseInfo;
import io.lettuce.core.KeyValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Describes any client's lease from what Redis holds (see {@link ReservedKeys}): the lease's hash
 * gives the granted TTL and the keys once put under it, its {@code PTTL} the remaining time, and
 * each key's {@code \0kv:key-lease:<key>} whether the key is still under this lease (a key put
 * again without it, or deleted, leaves its field behind until the next keep-alive removes it).
 * Three pipelined reads, not one atomic step: a key that changes meanwhile may be reported either
 * way, which is what an operator's view can live with.
 *
 * <p>Stateless; called from any thread, completes on lettuce's threads.
 */
final class RedisLeaseInfo {

    private static final String TTL_FIELD = "\u0000ttl";

    private RedisLeaseInfo() {}

    static CompletableFuture<Optional<KvLeaseInfo>> read(RedisClusterAsyncCommands<String, byte[]> c, long id) {
        String hash = ReservedKeys.lease(id);
        CompletableFuture<Map<String, byte[]>> fields = c.hgetall(hash).toCompletableFuture();
        CompletableFuture<Long> pttl = c.pttl(hash).toCompletableFuture();
        return fields.thenCombine(pttl, Lease::new).thenCompose(lease -> {
            if (lease.remainingMillis() < 0 || !lease.fields().containsKey(TTL_FIELD)) {
                return CompletableFuture.completedFuture(Optional.empty()); // -2: no such hash
            }
            List<String> keys = lease.fields().keySet().stream()
                    .filter(k -> !ReservedKeys.isReserved(k))
                    .sorted()
                    .toList();
            if (keys.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.of(lease.info(id, List.of())));
            }
            String[] sides = keys.stream().map(ReservedKeys::leaseOf).toArray(String[]::new);
            byte[] ours = Long.toString(id).getBytes(StandardCharsets.UTF_8);
            return c.mget(sides).toCompletableFuture().thenApply(values -> {
                List<String> held = values.stream()
                        .filter(kv -> kv.hasValue() && Arrays.equals(kv.getValue(), ours))
                        .map(KeyValue::getKey)
                        .map(side -> side.substring(ReservedKeys.leaseOf("").length()))
                        .sorted()
                        .toList();
                return Optional.of(lease.info(id, held));
            });
        });
    }

    /**
     * On a cluster ({@link ReservedKeys.Layout#CLUSTER}): the root hash gives the TTLs and, in its
     * {@code \0shard:<slot>} fields, the slots where the lease has shards; each shard's fields the
     * keys once put there, each key's lease-id key whether it is still the lease's. One
     * {@code HKEYS} per shard and one {@code GET} per key (single-key commands, which a reshard never
     * refuses), all pipelined; not one atomic step, as above.
     */
    static CompletableFuture<Optional<KvLeaseInfo>> readSharded(RedisClusterAsyncCommands<String, byte[]> c, long id) {
        ReservedKeys.Layout layout = ReservedKeys.Layout.CLUSTER;
        String root = layout.lease(id);
        CompletableFuture<Map<String, byte[]>> fields = c.hgetall(root).toCompletableFuture();
        CompletableFuture<Long> pttl = c.pttl(root).toCompletableFuture();
        return fields.thenCombine(pttl, Lease::new).thenCompose(lease -> {
            if (lease.remainingMillis() < 0 || !lease.fields().containsKey(TTL_FIELD)) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            byte[] ours = Long.toString(id).getBytes(StandardCharsets.UTF_8);
            List<CompletableFuture<List<String>>> perShard = new ArrayList<>();
            for (String field : lease.fields().keySet()) {
                if (!field.startsWith(ReservedKeys.SHARD_FIELD)) {
                    continue;
                }
                int slot = Integer.parseInt(field.substring(ReservedKeys.SHARD_FIELD.length()));
                perShard.add(c.hkeys(ReservedKeys.Layout.shard(id, slot))
                        .toCompletableFuture()
                        .thenCompose(keys -> {
                            List<String> candidates = keys.stream()
                                    .filter(k -> !ReservedKeys.isReserved(k))
                                    .toList();
                            List<CompletableFuture<byte[]>> sides = new ArrayList<>(candidates.size());
                            for (String k : candidates) {
                                sides.add(c.get(layout.leaseOfPrefix(slot) + k).toCompletableFuture());
                            }
                            return CompletableFuture.allOf(sides.toArray(CompletableFuture[]::new))
                                    .thenApply(v -> {
                                        List<String> held = new ArrayList<>();
                                        for (int i = 0; i < candidates.size(); i++) {
                                            if (Arrays.equals(sides.get(i).join(), ours)) {
                                                held.add(candidates.get(i));
                                            }
                                        }
                                        return held;
                                    });
                        }));
            }
            return CompletableFuture.allOf(perShard.toArray(CompletableFuture[]::new))
                    .thenApply(v -> Optional.of(lease.info(
                            id,
                            perShard.stream()
                                    .flatMap(f -> f.join().stream())
                                    .sorted()
                                    .toList())));
        });
    }

    private record Lease(Map<String, byte[]> fields, long remainingMillis) {

        KvLeaseInfo info(long id, List<String> keys) {
            long granted = Long.parseLong(new String(fields.get(TTL_FIELD), StandardCharsets.UTF_8));
            return new KvLeaseInfo(id, Duration.ofMillis(granted), Duration.ofMillis(remainingMillis), keys);
        }
    }
}

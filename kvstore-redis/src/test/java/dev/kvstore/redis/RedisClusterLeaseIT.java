package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.EventType;
import dev.kvstore.KvEvent;
import dev.kvstore.KvLease;
import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.ChildJvm;
import dev.kvstore.testing.RedisClusterServer;
import dev.kvstore.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Leases on Redis Cluster as the kit cannot see them: one lease whose keys sit in several slots on
 * every master, its holder killed with SIGKILL, and a reshard of one of those slots while the lease
 * is kept alive.
 */
class RedisClusterLeaseIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TTL = Duration.ofSeconds(2);
    private static RedisClusterServer cluster;

    private String ns;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterServer.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void namespace() {
        ns = "cluster-lease-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Backend backend() {
        return Backend.create("redis-cluster", cluster.address(), TIMEOUT, ns);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A key (relative to the namespace) that lands in {@code slot}, through a hash tag. */
    private static String inSlot(int slot, String name) {
        return "{" + SlotTags.of(slot) + "}" + name;
    }

    private int slotOf(String relativeKey) {
        return SlotTags.slot(ns + "/" + relativeKey);
    }

    /** The lowest slot a master serves: the first one {@code redis-cli --cluster reshard} moves away from it. */
    private static int firstSlot(RedisServer master) {
        for (String line : master.redisCli("CLUSTER", "NODES").split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length > 8 && f[2].contains("myself")) {
                return Integer.parseInt(f[8].split("-")[0]);
            }
        }
        throw new IllegalStateException("no slots on " + master);
    }

    @Test
    @DisplayName("a holder killed with SIGKILL: its keys in several slots on every master are gone within TTL + 2 s")
    void holderKilled() {
        List<String> keys = new ArrayList<>();
        for (RedisServer master : cluster.masters()) {
            for (int i = 0; i < 3; i++) {
                keys.add("held/{" + SlotTags.of(firstSlot(master) + 7 * i) + "}");
            }
        }
        Set<Integer> slots = keys.stream().map(this::slotOf).collect(Collectors.toSet());
        Set<Integer> masters =
                keys.stream().map(k -> cluster.masterOf(ns + "/" + k).port()).collect(Collectors.toSet());
        assertThat(slots).hasSize(9);
        assertThat(masters).hasSize(RedisClusterServer.MASTERS);
        try (Backend b = backend()) {
            List<KvEvent> events = new CopyOnWriteArrayList<>();
            b.createWatch("held/", true, events::add);
            List<String> args = new ArrayList<>(List.of(cluster.address(), ns, Long.toString(TTL.toSeconds())));
            args.addAll(keys);
            try (ChildJvm holder = ChildJvm.start(ClusterLeaseHolderMain.class.getName(), args, List.of())) {
                String ready = holder.awaitLine(l -> l.startsWith("ready "), Duration.ofSeconds(30));
                long id = Long.parseLong(ready.substring("ready ".length()));
                Map<String, KvPair> held = b.list("held/");
                assertThat(held).hasSize(keys.size());
                assertThat(held.values()).allSatisfy(p -> assertThat(p.lease()).isEqualTo(id));
                // still held while the holder lives, past several TTLs
                await().during(TTL.multipliedBy(2))
                        .atMost(TTL.multipliedBy(3))
                        .until(() -> b.list("held/").size() == keys.size());
                holder.kill();
                await().atMost(TTL.plusSeconds(2))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> b.listKeys("held/").isEmpty());
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> events.stream()
                                        .filter(e -> e.type() == EventType.DELETE)
                                        .map(KvEvent::key)
                                        .distinct()
                                        .count()
                                == keys.size());
            }
        }
    }

    @Test
    @DisplayName(
            "a lease's keys in 3 slots on 3 masters survive a reshard of one of those slots, under leased writes, while kept alive")
    void keysSurviveReshard() throws Exception {
        List<RedisServer> masters = cluster.masters();
        int moving = firstSlot(masters.get(0));
        int stay1 = firstSlot(masters.get(1)) + 1;
        int stay2 = firstSlot(masters.get(2)) + 1;
        try (Backend b = backend()) {
            KvLease lease = b.grantLease(TTL);
            AtomicInteger lost = new AtomicInteger();
            lease.onLost(lost::incrementAndGet);
            List<String> keys = new ArrayList<>();
            for (int slot : new int[] {moving, stay1, stay2}) {
                for (int i = 0; i < 5; i++) {
                    String k = inSlot(slot, "/k" + i);
                    b.put(k, bytes("v" + i), lease);
                    keys.add(k);
                }
            }
            assertThat(keys.stream().map(this::slotOf).distinct()).containsExactlyInAnyOrder(moving, stay1, stay2);
            // Plain keys in the moving slot, so that its migration takes a while (redis-cli moves 10 keys per MIGRATE).
            Map<String, byte[]> filler = new HashMap<>();
            for (int i = 0; i < 2000; i++) {
                filler.put(inSlot(moving, "/filler/" + i), bytes("f"));
            }
            b.putAll(filler);
            RedisServer from = cluster.masterOf(ns + "/" + keys.get(0));
            assertThat(from.port()).isEqualTo(masters.get(0).port());

            // Leased writes into the moving slot (and a staying one) while it moves: none may fail.
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger writes = new AtomicInteger();
            Thread writer = new Thread(
                    () -> {
                        for (int i = 0; !stop.get(); i++) {
                            try {
                                b.put(inSlot(i % 2 == 0 ? moving : stay1, "/w" + (i % 50)), bytes("w" + i), lease);
                                writes.incrementAndGet();
                            } catch (RuntimeException e) {
                                errors.add(e);
                            }
                        }
                    },
                    "leased-writer");
            writer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> writes.get() > 50);
            cluster.reshard(masters.get(0), masters.get(1), 1);
            int during = writes.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> writes.get() > during + 50);
            stop.set(true);
            writer.join();

            RedisServer to = cluster.masterOf(ns + "/" + keys.get(0));
            assertThat(to.port()).as("the slot moved").isEqualTo(masters.get(1).port());
            assertThat(errors).isEmpty();
            // Kept alive on its new master: past several TTLs every key is still there, under the lease.
            await().during(TTL.multipliedBy(3))
                    .atMost(TTL.multipliedBy(4))
                    .until(() -> keys.stream()
                            .allMatch(k -> b.get(k).map(KvPair::lease).orElse(0L) == lease.id()));
            assertThat(b.listKeys("{")).hasSize(keys.size() + 50 + filler.size());
            assertThat(lease.isActive()).isTrue();
            assertThat(lost.get()).isZero();

            lease.revoke();
            await().atMost(TTL.plusSeconds(2)).until(() -> b.listKeys("").size() == filler.size());
            assertThat(lost.get()).isZero();
        }
    }
}

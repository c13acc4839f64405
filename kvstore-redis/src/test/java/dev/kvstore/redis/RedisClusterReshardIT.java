package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvstore.KvPair;
import dev.kvstore.backend.Backend;
import dev.kvstore.testing.RedisClusterServer;
import dev.kvstore.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Slots (with their keys) migrated between masters by {@code redis-cli --cluster reshard} while a
 * writer and a list loop run: no error reaches the user, and every list sees every key exactly once;
 * the same for a prefix with a hash tag ({@code {t}tagged/}, in a slot both reshards move), which
 * is listed from its slot's one master.
 */
class RedisClusterReshardIT {

    private static final int KEYS = 2000;

    private static final int TAGGED_KEYS = 200;

    /** A prefix whose keys all hash to slot 1,000, which both reshards move. */
    private static final String TAGGED = "{" + SlotTags.of(1000) + "}tagged/";

    private static int keysInSlot1000(RedisServer master) {
        return Integer.parseInt(
                master.redisCli("CLUSTER", "COUNTKEYSINSLOT", "1000").strip());
    }

    @Test
    @DisplayName(
            "reshard during a writer and a list loop: no error, every list (also of a hash-tagged prefix) sees every key exactly once")
    void reshardWhileWritingAndListing() throws Exception {
        String ns = "reshard-" + UUID.randomUUID().toString().substring(0, 8);
        try (RedisClusterServer cluster = RedisClusterServer.start();
                Backend b = Backend.builder()
                        .storeType("redis-cluster")
                        .address(cluster.address())
                        .timeout(Duration.ofSeconds(5))
                        .pathPrefix(ns)
                        .build()) {
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < KEYS; i++) {
                b.put("fixed/" + i, "v" + i);
                expected.add(ns + "/fixed/" + i);
            }
            Set<String> expectedTagged = new HashSet<>();
            for (int i = 0; i < TAGGED_KEYS; i++) {
                b.put(TAGGED + i, "t" + i);
                expectedTagged.add(ns + "/" + TAGGED + i);
            }
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            List<String> wrongLists = new CopyOnWriteArrayList<>();
            AtomicInteger lists = new AtomicInteger();
            AtomicInteger writes = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(
                    () -> {
                        for (int i = 0; !stop.get(); i++) {
                            try {
                                b.put("moving/" + (i % 500), Integer.toString(i));
                                writes.incrementAndGet();
                            } catch (RuntimeException e) {
                                errors.add(e);
                            }
                        }
                    },
                    "writer");
            Thread lister = new Thread(
                    () -> {
                        while (!stop.get()) {
                            try {
                                List<String> keys = b.listKeys("fixed/");
                                if (keys.size() != KEYS || !expected.containsAll(keys)) {
                                    wrongLists.add("listKeys: " + keys.size() + " keys, " + new HashSet<>(keys).size()
                                            + " distinct");
                                }
                                Map<String, KvPair> pairs = b.list("fixed/");
                                if (!pairs.keySet().equals(expected)) {
                                    wrongLists.add("list: " + pairs.size() + " keys");
                                }
                                List<String> tagged = b.listKeys(TAGGED);
                                if (tagged.size() != TAGGED_KEYS
                                        || !Set.copyOf(tagged).equals(expectedTagged)) {
                                    wrongLists.add("listKeys " + TAGGED + ": " + tagged.size() + " keys");
                                }
                                if (!b.list(TAGGED).keySet().equals(expectedTagged)) {
                                    wrongLists.add("list " + TAGGED);
                                }
                                lists.incrementAndGet();
                            } catch (RuntimeException e) {
                                errors.add(e);
                            }
                        }
                    },
                    "lister");
            writer.start();
            lister.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> lists.get() > 2 && writes.get() > 100);

            // The master holding slot 1,000 (0-5460) gives its lowest 2,000 slots to a second, which
            // gives its lowest 3,000 (slots 0-1999 among them) to the third: the tagged keys move twice.
            List<RedisServer> masters = new ArrayList<>(cluster.masters());
            // COUNTKEYSINSLOT: at least the tagged keys (a key of the writer's may share the slot)
            RedisServer owner = masters.stream()
                    .filter(m -> keysInSlot1000(m) >= TAGGED_KEYS)
                    .findFirst()
                    .orElseThrow();
            masters.remove(owner);
            int listsBefore = lists.get();
            cluster.reshard(owner, masters.get(0), 2000);
            cluster.reshard(masters.get(0), masters.get(1), 3000);
            assertThat(keysInSlot1000(masters.get(1)))
                    .as("the tagged keys' slot moved twice")
                    .isGreaterThanOrEqualTo(TAGGED_KEYS);
            int listsDuring = lists.get() - listsBefore;
            await().atMost(Duration.ofSeconds(20)).until(() -> lists.get() > listsBefore + listsDuring + 2);
            stop.set(true);
            writer.join();
            lister.join();

            System.out.printf(
                    "redis-cluster reshard (2000 then 3000 slots): %d lists during the moves, %d lists and %d writes"
                            + " in all, %d errors, %d wrong lists%n",
                    listsDuring, lists.get(), writes.get(), errors.size(), wrongLists.size());
            assertThat(errors).isEmpty();
            assertThat(wrongLists).isEmpty();
            assertThat(listsDuring).isPositive();
            assertThat(Set.copyOf(b.listKeys("fixed/"))).isEqualTo(expected);
            assertThat(Set.copyOf(b.listKeys(TAGGED))).isEqualTo(expectedTagged);
        }
    }
}

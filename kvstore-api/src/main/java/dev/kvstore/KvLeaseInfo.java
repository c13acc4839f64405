package dev.kvstore;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the store knows about a lease, as an operator sees it ({@code kvctl lease ls}): any
 * client's lease, not only this one's.
 *
 * @param id the store's id of the lease, as {@link KvPair#lease()} reports it
 * @param grantedTtl the TTL the lease was granted with
 * @param remainingTtl how long the store keeps the lease if nobody keeps it alive from now on (a
 *     lease that is kept alive is renewed before this reaches zero)
 * @param keys the full keys that live as long as the lease, sorted
 */
public record KvLeaseInfo(long id, Duration grantedTtl, Duration remainingTtl, List<String> keys) {

    /**
     * Creates the record, copying the keys.
     *
     * @param id the store's id of the lease
     * @param grantedTtl the TTL the lease was granted with
     * @param remainingTtl how long the store keeps the lease if nobody keeps it alive from now on
     * @param keys the full keys that live as long as the lease
     * @throws NullPointerException if an argument is null
     */
    public KvLeaseInfo {
        Objects.requireNonNull(grantedTtl, "grantedTtl");
        Objects.requireNonNull(remainingTtl, "remainingTtl");
        keys = List.copyOf(keys);
    }
}

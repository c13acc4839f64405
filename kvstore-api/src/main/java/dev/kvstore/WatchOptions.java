package dev.kvstore;

import java.util.Objects;

/**
 * How a watch behaves beyond its key ({@link KvStoreClient#watch(String, boolean,
 * java.util.function.Consumer, WatchOptions)}, {@code Backend.createWatch}). Immutable; each
 * {@code with...} returns a copy. The same on every store: the library does it over the store's raw
 * watch ({@link dev.kvstore.spi.GapFreeWatch}).
 *
 * <ul>
 *   <li><b>Initial state</b> (default off): the listener first gets a {@link EventType#PUT} for every
 *       key that exists, from one read made after the watch is active, then {@link EventType#SYNCED},
 *       then every change after that read, with no gap and no duplicate. The watch is returned once
 *       the read succeeded. Where the store places the read exactly among its events (a
 *       {@link dev.kvstore.spi.SnapshotWatchSource}, as revisions allow on etcd) that is exact; on
 *       other stores a key that changes while the read runs is given by its change events instead,
 *       so it may show its newer state before {@code SYNCED}.
 *   <li><b>Resync</b> (default on): after any gap (a lost connection on a store that cannot replay,
 *       a compacted revision, the listener's queue overflowing) the library re-reads the watched
 *       range and delivers a {@code PUT} or {@code DELETE} for every key whose state differs from
 *       what this listener last saw, then {@code SYNCED}: the listener's view then equals the
 *       store's. Off: gaps are reported with {@link EventType#UNKNOWN} and the user re-reads.
 *       <p>Why on by default: a watch whose view silently goes stale after a network blip is the
 *       failure users of every key-value library hit, and the re-list-and-diff they would write
 *       instead is easy to get wrong (races between the read and the events). What it costs: per
 *       watch, the version and a 32-byte digest of each watched key's value (about 100 bytes plus
 *       the key, per key; never per write), one SHA-256 per event, and a re-read of the range after
 *       a gap. Turn it off for a watch on a huge range whose listener does not need the state
 *       (it only counts events, say), or where the old {@code UNKNOWN} is handled already.
 *   <li><b>Queue limit</b> (default {@value #DEFAULT_QUEUE_LIMIT}): the most changes queued for a
 *       listener that falls behind. The change past it drops the queue; once the listener returns,
 *       a resync brings it up to date (without resync: one {@code UNKNOWN}). So a stuck listener
 *       costs memory in proportion to the watched keys, never to the writes it missed. A resync's
 *       own events (one per differing key, then {@code SYNCED}) are not counted.
 *   <li><b>From revision</b> (default 0 = now; stores with revisions only, such as etcd): replay
 *       every change since that revision. Other stores throw {@link UnsupportedOperationException}.
 * </ul>
 *
 * <p>{@code SYNCED} means: every key the listener holds is at a state no older than one read made
 * after the gap, every key it lacks was absent then, and events follow from there.
 */
public final class WatchOptions {

    /** Default of {@link #queueLimit()}. */
    public static final int DEFAULT_QUEUE_LIMIT = 10_000;

    private static final WatchOptions DEFAULTS = new WatchOptions(false, true, DEFAULT_QUEUE_LIMIT, 0);

    private final boolean initialState;
    private final boolean resync;
    private final int queueLimit;
    private final long fromRevision;

    private WatchOptions(boolean initialState, boolean resync, int queueLimit, long fromRevision) {
        this.initialState = initialState;
        this.resync = resync;
        this.queueLimit = queueLimit;
        this.fromRevision = fromRevision;
    }

    /**
     * The defaults: no initial state, resync on, a queue of {@value #DEFAULT_QUEUE_LIMIT} events, from now.
     *
     * @return the default options
     */
    public static WatchOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Whether the listener first gets the current state, then {@link EventType#SYNCED}.
     *
     * @param initialState {@code true} to deliver the current state first
     * @return a copy with that setting
     */
    public WatchOptions withInitialState(boolean initialState) {
        return new WatchOptions(initialState, resync, queueLimit, fromRevision);
    }

    /**
     * Whether the library re-reads and delivers the difference after a gap.
     *
     * @param resync {@code true} to resync after gaps, {@code false} to report them as {@link EventType#UNKNOWN}
     * @return a copy with that setting
     */
    public WatchOptions withResync(boolean resync) {
        return new WatchOptions(initialState, resync, queueLimit, fromRevision);
    }

    /**
     * The most events queued for the listener.
     *
     * @param queueLimit at least 1
     * @return a copy with that setting
     * @throws IllegalArgumentException if {@code queueLimit} is less than 1
     */
    public WatchOptions withQueueLimit(int queueLimit) {
        if (queueLimit < 1) {
            throw new IllegalArgumentException("queueLimit must be at least 1, got " + queueLimit);
        }
        return new WatchOptions(initialState, resync, queueLimit, fromRevision);
    }

    /**
     * Replays every change since a store revision (stores with revisions only).
     *
     * @param revision the first revision to report; 0 for changes from now on
     * @return a copy with that setting
     * @throws IllegalArgumentException if {@code revision} is negative
     */
    public WatchOptions withFromRevision(long revision) {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must not be negative, got " + revision);
        }
        return new WatchOptions(initialState, resync, queueLimit, revision);
    }

    /**
     * Whether the current state is delivered first.
     *
     * @return the setting
     */
    public boolean initialState() {
        return initialState;
    }

    /**
     * Whether gaps are resynced.
     *
     * @return the setting
     */
    public boolean resync() {
        return resync;
    }

    /**
     * The most events queued for the listener.
     *
     * @return the limit
     */
    public int queueLimit() {
        return queueLimit;
    }

    /**
     * The revision to replay from, or 0 for now.
     *
     * @return the revision
     */
    public long fromRevision() {
        return fromRevision;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WatchOptions w
                && initialState == w.initialState
                && resync == w.resync
                && queueLimit == w.queueLimit
                && fromRevision == w.fromRevision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialState, resync, queueLimit, fromRevision);
    }

    @Override
    public String toString() {
        return "WatchOptions[initialState=" + initialState + ", resync=" + resync + ", queueLimit=" + queueLimit
                + ", fromRevision=" + fromRevision + "]";
    }
}

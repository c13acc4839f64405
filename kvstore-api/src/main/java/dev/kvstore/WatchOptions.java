package dev.kvstore;

import java.util.Objects;

/**
 * How a watch behaves beyond its key ({@link KvStoreClient#watch(String, boolean,
 * java.util.function.Consumer, WatchOptions)}). Immutable; each {@code with...} returns a copy.
 *
 * <ul>
 *   <li><b>Initial state</b> (default off): the listener first gets a {@link EventType#PUT} for every
 *       key that exists, from one consistent read, then {@link EventType#SYNCED}, then every change
 *       after that read, with no gap and no duplicate.
 *   <li><b>Resync</b> (default on): after any gap (a lost connection on a store that cannot replay,
 *       a compacted revision, the listener's queue overflowing) the library re-reads the watched
 *       range and delivers a {@code PUT} or {@code DELETE} for every key whose state differs from
 *       what this listener last saw, then {@code SYNCED}. On by default because a watch whose view
 *       silently goes stale is the failure users of every key-value library hit; it costs a map of
 *       the watched keys' versions (or value digests) per watch. Off: gaps are reported with
 *       {@link EventType#UNKNOWN} and the user re-reads.
 *   <li><b>Queue limit</b> (default {@value #DEFAULT_QUEUE_LIMIT}): the most events queued for a
 *       listener that falls behind; past it the queue is dropped and, with resync on, replaced by a
 *       resync once the listener catches up (without resync: {@code UNKNOWN}).
 *   <li><b>From revision</b> (default 0 = now; stores with revisions only, such as etcd): replay
 *       every change since that revision.
 * </ul>
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
        return o instanceof WatchOptions w && initialState == w.initialState && resync == w.resync
                && queueLimit == w.queueLimit && fromRevision == w.fromRevision;
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

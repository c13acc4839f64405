package dev.kvstore;

/** What a {@link KvEvent} reports. */
public enum EventType {
    /** A key was created or its value replaced; the event carries the new value. */
    PUT,
    /** A key was deleted (or expired); the event's value is empty. */
    DELETE,
    /**
     * The connection to the store was lost. The watch stays open and resumes by itself when the
     * store is back; sent once per loss.
     */
    CONNECTION_DOWN,
    /**
     * Changes may have been missed (after a reconnection the store could not replay, or a
     * compacted revision): re-read what this watch covers.
     */
    UNKNOWN,
    /**
     * The listener's view now equals the store's state as of one read: sent after the initial
     * state ({@link WatchOptions#withInitialState}) and after each resync
     * ({@link WatchOptions#withResync}). The event's key is the watched key or prefix.
     */
    SYNCED
}

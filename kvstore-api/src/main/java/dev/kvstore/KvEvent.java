package dev.kvstore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One change seen by a watch.
 *
 * @param type what happened
 * @param key the full stored key that changed; for {@link EventType#CONNECTION_DOWN} and
 *     {@link EventType#UNKNOWN}, the key or prefix the watch covers
 * @param value the new value for {@link EventType#PUT}; empty otherwise. A copy is kept and returned
 * @param version the key's version after the change (0 where unknown or not kept)
 */
public record KvEvent(EventType type, String key, byte[] value, long version) {

    private static final byte[] EMPTY = new byte[0];

    /**
     * Creates an event, copying the value.
     *
     * @param type what happened
     * @param key the full key, or the watched key or prefix for connection events
     * @param value the new value for a put; empty otherwise
     * @param version the key's version after the change, or 0
     * @throws NullPointerException if any argument is null
     */
    public KvEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        value = Objects.requireNonNull(value, "value").clone();
    }

    /**
     * A {@link EventType#PUT} event.
     *
     * @param key the full key
     * @param value the new value
     * @param version the key's version after the put, or 0
     * @return the event
     */
    public static KvEvent put(String key, byte[] value, long version) {
        return new KvEvent(EventType.PUT, key, value, version);
    }

    /**
     * A {@link EventType#DELETE} event.
     *
     * @param key the full key
     * @return the event
     */
    public static KvEvent delete(String key) {
        return new KvEvent(EventType.DELETE, key, EMPTY, 0L);
    }

    /**
     * A {@link EventType#CONNECTION_DOWN} event for the watch on {@code key}.
     *
     * @param key the key or prefix the watch covers
     * @return the event
     */
    public static KvEvent connectionDown(String key) {
        return new KvEvent(EventType.CONNECTION_DOWN, key, EMPTY, 0L);
    }

    /**
     * An {@link EventType#UNKNOWN} event for the watch on {@code key}: re-read, changes may have
     * been missed.
     *
     * @param key the key or prefix the watch covers
     * @return the event
     */
    public static KvEvent unknown(String key) {
        return new KvEvent(EventType.UNKNOWN, key, EMPTY, 0L);
    }

    /**
     * A {@link EventType#SYNCED} event for the watch on {@code key}: the listener's view now equals
     * the store's state as of one read.
     *
     * @param key the key or prefix the watch covers
     * @return the event
     */
    public static KvEvent synced(String key) {
        return new KvEvent(EventType.SYNCED, key, EMPTY, 0L);
    }

    /**
     * A copy of the value's bytes.
     *
     * @return the value; empty for anything but {@link EventType#PUT}
     */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /**
     * The value decoded as UTF-8.
     *
     * @return the value as a string
     */
    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvEvent e
                && type == e.type
                && key.equals(e.key)
                && Arrays.equals(value, e.value)
                && version == e.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, key, Arrays.hashCode(value), version);
    }

    @Override
    public String toString() {
        return "KvEvent[" + type + " key=" + key + ", value=" + Values.describe(value) + ", version=" + version + "]";
    }
}

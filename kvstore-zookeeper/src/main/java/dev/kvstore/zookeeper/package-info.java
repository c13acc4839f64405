/**
 * The {@code zookeeper} store: {@link dev.kvstore.zookeeper.ZooKeeperKvStoreProvider} and the names
 * of its options ({@link dev.kvstore.zookeeper.ZooKeeperOptions}); everything else is
 * package-private.
 *
 * <p><b>Null policy.</b> As in {@link dev.kvstore}: no {@code null} arguments, no {@code null}
 * results.
 */
package dev.kvstore.zookeeper;

/**
 * The {@code etcd} store: a {@link dev.kvstore.KvStoreClient} on jetcd, found through
 * {@link dev.kvstore.etcd.EtcdKvStoreProvider}. Its options are named in {@link dev.kvstore.etcd.EtcdOptions}.
 * Everything else in this package is package-private.
 *
 * <p><b>Null policy.</b> As in {@link dev.kvstore}: no {@code null} arguments unless documented,
 * no {@code null} results.
 */
package dev.kvstore.etcd;

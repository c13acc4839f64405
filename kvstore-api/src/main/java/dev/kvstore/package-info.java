/**
 * The kvstore API: one asynchronous key-value client ({@link dev.kvstore.KvStoreClient}) over etcd,
 * Redis, ZooKeeper and the in-process {@code memory} store, with its value types and exceptions.
 *
 * <p><b>Null policy.</b> No method in this package accepts {@code null} unless its documentation
 * says so; a {@code null} argument fails with {@link java.lang.NullPointerException}. No method
 * returns {@code null}: absence is an empty {@link java.util.Optional}, an empty collection or an
 * empty byte array.
 *
 * <p><b>Errors.</b> Every failure is an unchecked {@link dev.kvstore.KvStoreException}; a driver's
 * exception is kept as the cause. Asynchronous operations complete their future exceptionally with
 * the same exceptions.
 */
package dev.kvstore;

/**
 * Not API: the coordination recipes (locks with fencing tokens, leader elections, self-healing
 * registrations, reservations) that {@link dev.kvstore.backend.Backend} hands out, written once over
 * the primitives every store provides (transactions, leases, watches). Nothing here is meant to be
 * used directly and any of it may change in any release; use the {@code Backend} methods and the
 * {@code dev.kvstore} interfaces ({@link dev.kvstore.KvLock}, {@link dev.kvstore.KvElection},
 * {@link dev.kvstore.KvRegistration}).
 *
 * <p><b>Null policy.</b> As in {@code dev.kvstore.backend}: no {@code null} argument, no
 * {@code null} result.
 */
package dev.kvstore.backend.internal;

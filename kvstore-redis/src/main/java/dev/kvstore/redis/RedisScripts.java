package dev.kvstore.redis;

import dev.kvstore.spi.Futures;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Lua scripts the store runs on the master, each as one atomic step: a transaction, and a
 * lease's grant, keep-alive and revoke, and the key index's upkeep (sources beside this class:
 * {@code txn.lua}, {@code put.lua}, {@code grant.lua}, {@code shard.lua}, {@code slot.lua}, {@code keepalive.lua},
 * {@code revoke.lua}, {@code prune.lua}, {@code reindex.lua}).
 *
 * <p>A script is sent by its SHA-1 ({@code EVALSHA}); when Redis does not know it
 * ({@code NOSCRIPT}: first use, after a restart, a {@code SCRIPT FLUSH} or a failover to a master
 * that never saw it) it is sent once more whole ({@code EVAL}), which also caches it on the server
 * that ran it: on a cluster, the master of the keys' slot, where a {@code SCRIPT LOAD} would
 * not be routed.
 */
enum RedisScripts {

    /** {@code txn.lua}: conditions, then writes (plain, leased, deletes), or nothing. */
    TXN("txn.lua"),
    /** {@code put.lua}: one plain put, dropping the key's lease bookkeeping if it had any. */
    PUT("put.lua"),
    /** {@code grant.lua}: a new lease id and the lease's hash. */
    GRANT("grant.lua"),
    /** {@code shard.lua}: on a cluster, a lease's root hash or its shard in one slot, unless it exists. */
    SHARD("shard.lua"),
    /** {@code slot.lua}: on a cluster, records a lease's shard slot in its root hash. */
    SLOT("slot.lua"),
    /** {@code keepalive.lua}: extends a lease and every key still under it. */
    KEEPALIVE("keepalive.lua"),
    /** {@code revoke.lua}: deletes a lease's keys and the lease. */
    REVOKE("revoke.lua"),
    /** {@code prune.lua}: index members whose keys are gone leave the index; says which exist. */
    PRUNE("prune.lua"),
    /** {@code reindex.lua}: keys a {@code SCAN} found join the index. */
    REINDEX("reindex.lua");

    private final String source;
    private final String sha;

    RedisScripts(String resource) {
        try (InputStream in = RedisScripts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " beside " + RedisScripts.class);
            }
            this.source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        this.sha = sha1(source);
    }

    /** The script's source, as {@code SCRIPT LOAD} takes it. */
    String source() {
        return source;
    }

    /** The script's SHA-1, as {@code EVALSHA} takes it. */
    String sha() {
        return sha;
    }

    /**
     * Runs the script with {@code EVALSHA}, or with {@code EVAL} when Redis answers {@code NOSCRIPT}.
     *
     * @param c the command connection's commands
     * @param keys the script's {@code KEYS}
     * @param args the script's {@code ARGV}
     * @return the script's integer reply
     */
    CompletableFuture<Long> run(RedisClusterAsyncCommands<String, byte[]> c, String[] keys, byte[]... args) {
        return run(c, ScriptOutputType.INTEGER, keys, args);
    }

    /**
     * Runs a script that returns an array of integers, as {@link #run} does.
     *
     * @param c the command connection's commands
     * @param keys the script's {@code KEYS}
     * @param args the script's {@code ARGV}
     * @return the script's reply, each element a {@link Long}
     */
    CompletableFuture<List<Object>> runForList(
            RedisClusterAsyncCommands<String, byte[]> c, String[] keys, byte[]... args) {
        return run(c, ScriptOutputType.MULTI, keys, args);
    }

    private <T> CompletableFuture<T> run(
            RedisClusterAsyncCommands<String, byte[]> c, ScriptOutputType type, String[] keys, byte[]... args) {
        CompletableFuture<T> first = c.<T>evalsha(sha, type, keys, args).toCompletableFuture();
        return first.exceptionallyCompose(e -> {
            if (!(Futures.unwrap(e) instanceof RedisNoScriptException)) {
                return CompletableFuture.failedFuture(e);
            }
            return c.<T>eval(source, type, keys, args).toCompletableFuture();
        });
    }

    private static String sha1(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}

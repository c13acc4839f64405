package dev.kvstore.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisErrorsTest {

    @Test
    @DisplayName(
            "unreachable, disconnected, timed out or loading: KvStoreUnavailableException with the driver's exception as cause")
    void unavailable() {
        Throwable[] failures = {
            new RedisConnectionException("Unable to connect", new ConnectException("Connection refused")),
            new RedisCommandTimeoutException("Command timed out after 1 second(s)"),
            new RedisException("Currently not connected. Commands are rejected."),
            new RedisException("Connection disconnected"),
            new RedisLoadingException("LOADING Redis is loading the dataset in memory"),
            new RedisCommandExecutionException("NOREPLICAS Not enough good replicas to write."),
            new TimeoutException(),
        };
        for (Throwable f : failures) {
            KvStoreException e = RedisErrors.translate("redis", "redis at h:1", "get", "k", new CompletionException(f));
            assertThat(e)
                    .isInstanceOf(KvStoreUnavailableException.class)
                    .hasCause(f)
                    .hasMessageStartingWith("redis get \"k\" failed: ");
        }
    }

    @Test
    @DisplayName("a refused password and other command errors are KvStoreException, not 'unavailable'")
    void otherFailures() {
        Throwable wrongPass = new RedisConnectionException(
                "Unable to connect", new RedisCommandExecutionException("WRONGPASS invalid username-password pair"));
        Throwable wrongType =
                new RedisCommandExecutionException("WRONGTYPE Operation against a key holding the wrong kind of value");
        for (Throwable f : new Throwable[] {wrongPass, wrongType}) {
            KvStoreException e = RedisErrors.translate("redis", "redis at h:1", "get", "k", f);
            assertThat(e).isNotInstanceOf(KvStoreUnavailableException.class).hasCause(f);
        }
        assertThat(RedisErrors.translate("redis", "redis at h:1", "get", "k", wrongPass))
                .hasMessageContaining("WRONGPASS");
    }

    @Test
    @DisplayName("a KvStoreException that names the operation passes through; another is reworded, keeping its kind")
    void passThrough() {
        KvStoreException mine = new KvStoreException("redis get \"k\" failed: mine");
        assertThat(RedisErrors.translate("redis", "y", "get", "k", new CompletionException(mine)))
                .isSameAs(mine);
        KvStoreException bare = new KvStoreUnavailableException("held");
        assertThat(RedisErrors.translate("redis", "y", "put", "k", bare))
                .isInstanceOf(KvStoreUnavailableException.class)
                .hasCause(bare)
                .hasMessageStartingWith("redis put \"k\" failed: held");
    }
}

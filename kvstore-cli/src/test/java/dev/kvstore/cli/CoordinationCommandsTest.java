package dev.kvstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.KvElection;
import dev.kvstore.KvLease;
import dev.kvstore.KvLockHandle;
import dev.kvstore.backend.Backend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** lock, elect and leader against the memory store, every command sharing one Backend. */
class CoordinationCommandsTest {

    final SharedBackends backends = new SharedBackends();
    final Cli cli = new Cli(backends);

    @AfterEach
    void close() {
        backends.close();
    }

    Backend store() {
        return backends.backend(BasicCommandsTest.MEMORY);
    }

    private static String out(Cli.Result r) {
        return new String(r.stdout(), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName(
            "lock NAME -- CMD runs CMD holding the lock, passes the fencing token, exits with CMD's status and releases")
    void lockRunsCommand() {
        Cli.Result r = cli.run("lock", "jobs", "--", "sh", "-c", "echo token=$KVSTORE_FENCING_TOKEN; exit 3");
        assertThat(r.status()).as(r.toString()).isEqualTo(3);
        assertThat(out(r)).isEqualTo("token=1\n");
        Cli.Result again = cli.run("lock", "jobs", "--", "sh", "-c", "echo token=$KVSTORE_FENCING_TOKEN");
        assertThat(again.status()).as(again.toString()).isZero();
        assertThat(out(again)).isEqualTo("token=2\n");
        assertThat(store().lock("jobs").tryAcquire(Duration.ZERO))
                .as("released after CMD")
                .isPresent();
    }

    @Test
    @DisplayName("lock --wait gives up with status 1 while another holder has the lock, without running CMD")
    void lockBusy() {
        try (KvLockHandle held = store().lock("jobs").tryAcquire(Duration.ZERO).orElseThrow()) {
            Cli.Result r = cli.run("lock", "--wait", "300ms", "jobs", "--", "sh", "-c", "echo ran");
            assertThat(r.status()).as(r.toString()).isEqualTo(1);
            assertThat(out(r)).isEmpty();
            assertThat(r.err()).contains("not acquired");
            assertThat(held.isHeld()).isTrue();
        }
    }

    @Test
    @DisplayName(
            "elect NAME ID -- CMD runs CMD as leader, then resigns; leader NAME prints the leader, status 1 when none")
    void electAndLeader() {
        Cli.Result none = cli.run("leader", "primary");
        assertThat(none.status()).isEqualTo(1);
        Cli.Result r = cli.run("elect", "primary", "me", "--", "sh", "-c", "echo leading as $KVSTORE_LEADER_ID");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(out(r)).isEqualTo("leading as me\n");
        assertThat(store().leader("primary")).isEmpty();
        try (KvElection other = store().elect("primary", "other")) {
            Cli.Result leader = cli.run("leader", "primary");
            assertThat(leader.status()).isZero();
            assertThat(out(leader)).isEqualTo("other\n");
        }
    }

    @Test
    @DisplayName("lock without CMD is a usage error")
    void lockNeedsCommand() {
        assertThat(cli.run("lock", "jobs").status()).isEqualTo(2);
    }

    @Test
    @DisplayName(
            "lease ls lists the leases holding keys under a prefix with their TTL and keys; lease ttl shows one, status 1 when gone")
    void leaseListAndTtl() {
        KvLease lease = store().grantLease(Duration.ofSeconds(5));
        try {
            store().put("svc/a", "1".getBytes(StandardCharsets.UTF_8), lease);
            store().put("svc/b", "2".getBytes(StandardCharsets.UTF_8), lease);
            store().put("other", "3");

            Cli.Result ls = cli.run("lease", "ls", "--keys", "svc/");
            assertThat(ls.status()).as(ls.toString()).isZero();
            assertThat(out(ls)).isEqualTo(lease.id() + "\t5.0s/5.0s\t2 keys\n  svc/a\n  svc/b\n");
            assertThat(out(cli.run("lease", "ls", "other"))).isEmpty();

            Cli.Result ttl = cli.run("lease", "ttl", "--json", Long.toString(lease.id()));
            assertThat(ttl.status()).as(ttl.toString()).isZero();
            assertThat(out(ttl))
                    .isEqualTo(
                            "{\"id\":" + lease.id()
                                    + ",\"grantedTtlMillis\":5000,\"remainingTtlMillis\":5000,\"keys\":[\"svc/a\",\"svc/b\"]}\n");
        } finally {
            lease.revoke();
        }
        Cli.Result gone = cli.run("lease", "ttl", Long.toString(lease.id()));
        assertThat(gone.status()).isEqualTo(1);
        assertThat(gone.err()).contains("no lease " + lease.id());
        assertThat(cli.run("lease").status()).as("lease without a subcommand").isEqualTo(2);
    }
}

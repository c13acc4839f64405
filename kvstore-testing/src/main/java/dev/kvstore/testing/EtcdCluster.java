package dev.kvstore.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An etcd cluster of several members, each an {@code /usr/bin/etcd} process on its own free
 * {@code 127.0.0.1} client and peer ports with its own temporary data directory.
 *
 * <pre>{@code
 * try (EtcdCluster etcd = EtcdCluster.start(3)) {
 *     etcd.stopMember(etcd.leaderIndex());   // the other two elect a new leader
 *     String address = etcd.address();       // "127.0.0.1:41234,127.0.0.1:41236,127.0.0.1:41238"
 * }
 * }</pre>
 *
 * <p>Members use etcd's default heartbeat (100 ms) and election timeout (1 s), so a new leader is
 * elected within a few seconds of the old one stopping.
 *
 * <p>As a {@link TestServer} the cluster acts as one store: {@link #stop()} stops every member,
 * {@link #restart()} starts every stopped member (all at once, so they find a quorum) and
 * {@link #freeze()} suspends every member. Thread-safe. Anything not closed is stopped
 * and deleted when the JVM exits.
 */
public final class EtcdCluster implements TestServer {

    private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\"\\s*:\\s*\"(\\d+)\"");
    private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*\"(\\d+)\"");

    private final List<EtcdServer> members;

    private EtcdCluster(List<EtcdServer> members) {
        this.members = List.copyOf(members);
    }

    /**
     * Starts a cluster of {@code members} etcd processes on free loopback ports and waits until
     * every member reports healthy (a leader is elected).
     *
     * @param members how many members, at least 1
     * @return the running cluster
     * @throws IllegalArgumentException if {@code members} is less than 1
     * @throws AssertionError if {@code etcd} or {@code etcdctl} is not installed
     * @throws IllegalStateException if a member does not become healthy in time (with its log's tail)
     */
    public static EtcdCluster start(int members) {
        if (members < 1) {
            throw new IllegalArgumentException("an etcd cluster needs at least 1 member, not " + members);
        }
        int[] clientPorts = new int[members];
        int[] peerPorts = new int[members];
        List<String> initial = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            clientPorts[i] = FreePorts.next();
            peerPorts[i] = FreePorts.next();
            initial.add("etcd-" + clientPorts[i] + "=" + EtcdServer.url(peerPorts[i]));
        }
        String initialCluster = String.join(",", initial);
        String token = "kvstore-cluster-" + clientPorts[0];
        List<EtcdServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < members; i++) {
                servers.add(EtcdServer.create(
                        "etcd-" + clientPorts[i], clientPorts[i], peerPorts[i], initialCluster, token));
            }
            servers.forEach(server -> server.process().launch());
            for (EtcdServer server : servers) {
                server.process().awaitReady(server::isReady, ServerProcess.READY_TIMEOUT);
            }
        } catch (RuntimeException | Error e) {
            servers.forEach(EtcdServer::close);
            throw e;
        }
        return new EtcdCluster(servers);
    }

    /**
     * Every member's client address, comma-separated: {@code "127.0.0.1:p1,127.0.0.1:p2,..."}.
     *
     * @return the addresses clients connect to
     */
    @Override
    public String address() {
        return members.stream().map(EtcdServer::address).collect(Collectors.joining(","));
    }

    /**
     * How many members the cluster has, running or stopped.
     *
     * @return the number of members
     */
    public int size() {
        return members.size();
    }

    /**
     * One member's client address, {@code "127.0.0.1:port"}.
     *
     * @param i the member's index, from 0
     * @return the member's address
     * @throws IndexOutOfBoundsException if there is no such member
     */
    public String memberAddress(int i) {
        return members.get(i).address();
    }

    /**
     * The index of the current leader, waiting (up to 30 s) until the running members agree on one.
     *
     * @return the leader's index, from 0
     * @throws IllegalStateException if no running member reports a leader in time
     */
    public int leaderIndex() {
        long deadline = System.nanoTime() + ServerProcess.READY_TIMEOUT.toNanos();
        while (true) {
            int leader = currentLeader();
            if (leader >= 0) {
                return leader;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "no etcd leader among " + address() + " within " + ServerProcess.READY_TIMEOUT);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private int currentLeader() {
        List<String> ids = new ArrayList<>();
        String leader = null;
        for (EtcdServer member : members) {
            String status = member.isRunning() ? member.httpPost("/v3/maintenance/status", "{}") : null;
            if (status == null) {
                ids.add(null);
                continue;
            }
            ids.add(find(MEMBER_ID, status));
            String reported = find(LEADER, status);
            if (reported == null || "0".equals(reported) || (leader != null && !leader.equals(reported))) {
                return -1;
            }
            leader = reported;
        }
        return leader == null ? -1 : ids.indexOf(leader);
    }

    private static String find(Pattern pattern, String json) {
        Matcher matcher = pattern.matcher(json);
        return matcher.find() ? matcher.group(1) : null;
    }

    /**
     * Stops one member (SIGTERM, then SIGKILL after a bound), keeping its data and ports.
     *
     * @param i the member's index, from 0
     * @throws IndexOutOfBoundsException if there is no such member
     */
    public void stopMember(int i) {
        members.get(i).stop();
    }

    /**
     * Starts one member again on its ports and data and waits until it reports healthy.
     *
     * @param i the member's index, from 0
     * @throws IndexOutOfBoundsException if there is no such member
     * @throws IllegalStateException if the cluster was closed, or the member does not become healthy
     */
    public void restartMember(int i) {
        members.get(i).restart();
    }

    /**
     * Whether one member's process is alive.
     *
     * @param i the member's index, from 0
     * @return {@code true} between a start and a stop
     * @throws IndexOutOfBoundsException if there is no such member
     */
    public boolean isMemberRunning(int i) {
        return members.get(i).isRunning();
    }

    /**
     * Runs {@code etcdctl} (API v3) against every running member, for example
     * {@code etcdctl("put", "k", "v")}.
     *
     * @param args the arguments after the global flags
     * @return what etcdctl printed on standard output
     * @throws IllegalStateException if etcdctl exits with a non-zero code, or no member runs
     */
    public byte[] etcdctl(String... args) {
        List<EtcdServer> running =
                members.stream().filter(EtcdServer::isRunning).toList();
        if (running.isEmpty()) {
            throw new IllegalStateException("no member of the etcd cluster " + address() + " is running");
        }
        String endpoints = running.stream().map(m -> EtcdServer.url(m.port())).collect(Collectors.joining(","));
        return EtcdServer.runEtcdctl(running.get(0).etcdctlPath(), endpoints, Objects.requireNonNull(args, "args"));
    }

    /** Stops every member (SIGTERM, then SIGKILL after a bound), keeping data and ports. */
    @Override
    public void stop() {
        members.forEach(EtcdServer::stop);
    }

    /**
     * Starts every stopped member again on its ports and data, all at once so that they find a
     * quorum, and waits until each reports healthy. Running members are left as they are.
     *
     * @throws IllegalStateException if a member does not become healthy in time
     */
    @Override
    public synchronized void restart() {
        List<EtcdServer> stopped = members.stream().filter(m -> !m.isRunning()).toList();
        stopped.forEach(m -> m.process().launch());
        for (EtcdServer member : stopped) {
            member.process().awaitReady(member::isReady, ServerProcess.READY_TIMEOUT);
        }
    }

    /**
     * Whether every member runs.
     *
     * @return {@code true} if no member is stopped
     */
    @Override
    public boolean isRunning() {
        return members.stream().allMatch(EtcdServer::isRunning);
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code true}: every member is a process of its own
     */
    @Override
    public boolean canFreeze() {
        return true;
    }

    /**
     * Suspends every running member (SIGSTOP). Idempotent.
     *
     * @throws IllegalStateException if no member runs
     */
    @Override
    public void freeze() {
        List<EtcdServer> running =
                members.stream().filter(EtcdServer::isRunning).toList();
        if (running.isEmpty()) {
            throw new IllegalStateException("no member of " + this + " is running");
        }
        running.forEach(EtcdServer::freeze);
    }

    /** Resumes every frozen member (SIGCONT). */
    @Override
    public void thaw() {
        members.forEach(EtcdServer::thaw);
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code true} if any member is frozen
     */
    @Override
    public boolean isFrozen() {
        return members.stream().anyMatch(EtcdServer::isFrozen);
    }

    /** Stops every member and deletes their data directories. Idempotent. */
    @Override
    public void close() {
        members.forEach(EtcdServer::close);
    }

    @Override
    public String toString() {
        return "etcd cluster " + address();
    }
}

package dev.kvstore.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * A Redis server ({@code redis-server}, 7.0) on a free {@code 127.0.0.1} port with a temporary data
 * directory.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     redis.redisCli("SET", "k", "v");
 *     String address = redis.address();   // "127.0.0.1:41234"
 * }
 * }</pre>
 *
 * <p><b>Persistence.</b> {@link #start()} keeps data across {@link #restart()}: it writes an
 * append-only file ({@code appendonly yes}) that is never fsynced by Redis ({@code appendfsync no}:
 * written to the OS at once, so a stop, even a SIGKILL, loses nothing), and never writes RDB
 * snapshots ({@code save ""}). {@link #startWithoutPersistence()} keeps nothing on disk: a restart
 * comes back empty. The server's output goes to {@code redis.log} in its directory; a failed start
 * reports the log's tail.
 *
 * <p><b>TLS.</b> {@link #startWithTls(RedisTls)} and {@link #startWithMutualTls(RedisTls)} start a
 * server that speaks TLS only ({@code --port 0 --tls-port P}): {@link #port()} is the TLS port, and
 * {@link #redisCli(String...)} connects with {@code --tls}, trusting the test CA. A node of a
 * {@link RedisClusterServer} built with a password or an ACL user is reached with them too
 * ({@code REDISCLI_AUTH}, {@code --user}).
 *
 * <p>Thread-safe. Anything not closed is stopped and deleted when the JVM exits.
 */
public final class RedisServer extends ProcessServer {

    private final Path redisCli;
    private final Tls tls; // null: plain TCP
    private final SSLContext sslContext; // null: plain TCP
    private final Auth auth; // null: no AUTH

    /**
     * How clients authenticate: {@code AUTH password} as the default user, or
     * {@code AUTH user password} as an ACL user.
     *
     * @param user the ACL user; {@code null} for the default user
     * @param password the password
     */
    record Auth(String user, String password) {

        Auth {
            Objects.requireNonNull(password, "password");
        }

        /** {@code --user name} for redis-cli, or nothing for the default user. */
        List<String> cliArgs() {
            return user == null ? List.of() : List.of("--user", user);
        }

        /** The password for redis-cli, through its environment (not its command line). */
        Map<String, String> cliEnvironment() {
            return Map.of("REDISCLI_AUTH", password);
        }
    }

    /** How a TLS server is set up: its certificates, and whether clients must present one. */
    record Tls(RedisTls certificates, boolean clientCertificates) {

        List<String> serverArgs(int port) {
            return List.of(
                    "--port",
                    "0",
                    "--tls-port",
                    Integer.toString(port),
                    "--tls-cert-file",
                    certificates.serverCertificate().toString(),
                    "--tls-key-file",
                    certificates.serverKey().toString(),
                    "--tls-ca-cert-file",
                    certificates.caCertificate().toString(),
                    "--tls-auth-clients",
                    clientCertificates ? "yes" : "no");
        }

        List<String> cliArgs() {
            List<String> args = new ArrayList<>(
                    List.of("--tls", "--cacert", certificates.caCertificate().toString()));
            if (clientCertificates) {
                args.addAll(List.of(
                        "--cert",
                        certificates.clientCertificate().toString(),
                        "--key",
                        certificates.clientKey().toString()));
            }
            return args;
        }
    }

    private RedisServer(
            Path redisServer,
            Path redisCli,
            int port,
            boolean persistent,
            List<String> extraArgs,
            Path root,
            Tls tls,
            Auth auth) {
        super(
                port,
                root,
                new ServerProcess(
                        (tls == null ? "redis-server" : "TLS redis-server") + " at 127.0.0.1:" + port,
                        command(redisServer, port, persistent, extraArgs, root, tls),
                        root,
                        root.resolve("redis.log")));
        this.redisCli = redisCli;
        this.tls = tls;
        this.sslContext = tls == null ? null : tls.certificates().clientSslContext();
        this.auth = auth;
    }

    private static List<String> command(
            Path redisServer, int port, boolean persistent, List<String> extraArgs, Path root, Tls tls) {
        List<String> command = new ArrayList<>();
        command.add(redisServer.toString());
        command.addAll(tls == null ? List.of("--port", Integer.toString(port)) : tls.serverArgs(port));
        command.addAll(List.of(
                "--bind", "127.0.0.1",
                "--dir", root.toString(),
                "--daemonize", "no",
                "--logfile", "",
                "--save", "",
                "--appendonly", persistent ? "yes" : "no",
                "--appendfsync", "no"));
        command.addAll(extraArgs);
        return command;
    }

    /**
     * Starts a Redis server on a free loopback port, with an append-only file so that data survives
     * {@link #restart()}, and waits until it answers {@code PING}.
     *
     * @return the running server
     * @throws AssertionError if {@code redis-server} or {@code redis-cli} is not installed (the
     *     message says how to install them)
     * @throws IllegalStateException if the server does not answer in time (with its log's tail)
     */
    public static RedisServer start() {
        return start(true, List.of());
    }

    /**
     * Starts a Redis server that keeps nothing on disk (no RDB, no append-only file): a
     * {@link #restart()} brings it back empty.
     *
     * @return the running server
     * @throws AssertionError if {@code redis-server} or {@code redis-cli} is not installed
     * @throws IllegalStateException if the server does not answer in time (with its log's tail)
     */
    public static RedisServer startWithoutPersistence() {
        return start(false, List.of());
    }

    /**
     * Starts a Redis server that speaks TLS only, on a free loopback port, with the server
     * certificate of {@code certificates}; clients need no certificate of their own. Data survives
     * {@link #restart()} as with {@link #start()}. Returns once a TLS {@code PING} trusting
     * {@link RedisTls#caCertificate()} answers.
     *
     * @param certificates the test certificates; keep them open while the server runs
     * @return the running server; {@link #port()} is its TLS port
     * @throws AssertionError if {@code redis-server} or {@code redis-cli} is not installed
     * @throws IllegalStateException if the server does not answer in time (with its log's tail)
     */
    public static RedisServer startWithTls(RedisTls certificates) {
        return start(true, List.of(), new Tls(Objects.requireNonNull(certificates, "certificates"), false));
    }

    /**
     * Like {@link #startWithTls(RedisTls)}, but clients must present a certificate signed by
     * {@link RedisTls#caCertificate()} ({@code --tls-auth-clients yes}), such as
     * {@link RedisTls#clientCertificate()}.
     *
     * @param certificates the test certificates; keep them open while the server runs
     * @return the running server; {@link #port()} is its TLS port
     * @throws AssertionError if {@code redis-server} or {@code redis-cli} is not installed
     * @throws IllegalStateException if the server does not answer in time (with its log's tail)
     */
    public static RedisServer startWithMutualTls(RedisTls certificates) {
        return start(true, List.of(), new Tls(Objects.requireNonNull(certificates, "certificates"), true));
    }

    /** Starts a server with extra {@code redis-server} arguments, such as {@code --replicaof}. */
    static RedisServer start(boolean persistent, List<String> extraArgs) {
        return start(persistent, extraArgs, null, null);
    }

    private static RedisServer start(boolean persistent, List<String> extraArgs, Tls tls) {
        return start(persistent, extraArgs, tls, null);
    }

    /**
     * Starts a server with extra {@code redis-server} arguments; speaking TLS only when {@code tls}
     * is given, and reached (readiness checks, {@link #redisCli}, {@link #call}) with {@code auth}
     * when given. The arguments that make the server ask for that password are the caller's.
     */
    static RedisServer start(boolean persistent, List<String> extraArgs, Tls tls, Auth auth) {
        Path redisServer = Binaries.require("redis-server", Binaries.REDIS_PACKAGES);
        Path redisCli = Binaries.require("redis-cli", Binaries.REDIS_PACKAGES);
        RedisServer server = new RedisServer(
                redisServer, redisCli, FreePorts.next(), persistent, extraArgs, Dirs.create("redis"), tls, auth);
        Reaper.register(server);
        server.launch();
        return server;
    }

    /**
     * Runs {@code redis-cli} against this server, for example {@code redisCli("GET", "k")}. Output
     * is in redis-cli's raw form (it is not a terminal); an error reply is returned as its text.
     *
     * @param args the command and its arguments
     * @return what redis-cli printed, without the final line break
     * @throws IllegalStateException if redis-cli exits with a non-zero code, as when the server
     *     cannot be reached
     */
    public String redisCli(String... args) {
        String out = new String(redisCliRaw(args), StandardCharsets.UTF_8);
        return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
    }

    /**
     * Runs {@code redis-cli} against this server and returns its standard output unchanged.
     *
     * @param args the command and its arguments
     * @return what redis-cli printed, byte for byte
     * @throws IllegalStateException if redis-cli exits with a non-zero code, as when the server
     *     cannot be reached
     */
    public byte[] redisCliRaw(String... args) {
        return redisCliCommand(args).requireSuccess().stdout();
    }

    private Cli.Result redisCliCommand(String... args) {
        List<String> command =
                new ArrayList<>(List.of(redisCli.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port())));
        command.addAll(cliAccessArgs());
        for (String arg : args) {
            command.add(Objects.requireNonNull(arg, "arg"));
        }
        return Cli.run(command, cliEnvironment());
    }

    /** The redis-cli arguments that reach this server: TLS and the ACL user, when it has them. */
    List<String> cliAccessArgs() {
        List<String> args = new ArrayList<>();
        if (tls != null) {
            args.addAll(tls.cliArgs());
        }
        if (auth != null) {
            args.addAll(auth.cliArgs());
        }
        return args;
    }

    /** The environment redis-cli needs for this server: the password, when it asks for one. */
    Map<String, String> cliEnvironment() {
        return auth == null ? Map.of() : auth.cliEnvironment();
    }

    /**
     * Sends one command with the minimal RESP client, over TLS and after {@code AUTH} when the
     * server needs them, and returns its reply (an {@code AUTH} error as {@link Resp.Error}).
     *
     * @throws java.io.UncheckedIOException if the server cannot be reached
     */
    Object call(String... command) {
        return Resp.call(
                port(), auth == null ? null : auth.user(), auth == null ? null : auth.password(), sslContext, command);
    }

    /** Whether the server answers {@code PING} with {@code PONG} (not {@code LOADING}). */
    @Override
    boolean isReady() {
        try {
            return "PONG".equals(call("PING"));
        } catch (java.io.UncheckedIOException e) {
            return false;
        }
    }
}

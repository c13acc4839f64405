package dev.kvstore.testing;

import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that starts a {@link TestServer} once for a test class and closes it after
 * the class, in the way Jdbi's {@code JdbiExtension} provides a database:
 *
 * <pre>{@code
 * class EtcdCompatibilityIT extends KvStoreCompatibilityKit {
 *
 *     @RegisterExtension
 *     static final TestServerExtension<EtcdServer> ETCD = TestServerExtension.of(EtcdServer::start);
 *
 *     @Override
 *     protected KvStoreConfig config() {
 *         return KvStoreConfig.builder().storeType("etcd").address(ETCD.address()).build();
 *     }
 * }
 * }</pre>
 *
 * <p>Register it on a {@code static final} field: the server starts before the first test of the
 * class ({@code @BeforeAll}, before the class's own {@code @BeforeAll} methods, so they may use it)
 * and is closed after the last. Tests of {@code @Nested} classes share the outer class's server.
 *
 * <p>After each test the server is put back the way the tests found it: thawed if a test froze it,
 * restarted if a test stopped it. Data written by a test stays: tests share the server and keep
 * to their own keys.
 *
 * <p>Thread-safe: JUnit calls the callbacks on its own threads; {@link #server()} may be called
 * from any thread.
 *
 * @param <S> the type of server
 */
public final class TestServerExtension<S extends TestServer>
        implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final Supplier<? extends S> starter;
    private S server;
    private Class<?> owner;
    private RuntimeException startFailure; // a failed start, rethrown for the class's nested groups

    private TestServerExtension(Supplier<? extends S> starter) {
        this.starter = starter;
    }

    /**
     * An extension that starts its server with {@code starter}, such as {@code EtcdServer::start} or
     * {@code () -> RedisSentinelCluster.start("mymaster")}.
     *
     * @param starter starts a server and returns it running
     * @param <S> the type of server
     * @return the extension, to register with {@code @RegisterExtension}
     */
    public static <S extends TestServer> TestServerExtension<S> of(Supplier<? extends S> starter) {
        return new TestServerExtension<>(Objects.requireNonNull(starter, "starter"));
    }

    /**
     * The running server.
     *
     * @return the server this extension started
     * @throws IllegalStateException outside the test class's life (before {@code @BeforeAll} or after
     *     {@code @AfterAll}), for instance when the extension is not on a static field
     */
    public synchronized S server() {
        if (server == null) {
            throw new IllegalStateException("no server: register the TestServerExtension on a static field "
                    + "with @RegisterExtension; the server lives from @BeforeAll to @AfterAll");
        }
        return server;
    }

    /**
     * The running server's address, as {@link TestServer#address()}.
     *
     * @return the address clients connect to
     * @throws IllegalStateException outside the test class's life
     */
    public String address() {
        return server().address();
    }

    /**
     * An address on {@code 127.0.0.1} that nothing listens on, with as many entries as
     * {@link #address()} has, for tests of an unreachable store.
     *
     * @return for example {@code "127.0.0.1:40123"}
     */
    public String unreachableAddress() {
        String[] parts = address().split(",");
        StringBuilder closed = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            closed.append(i == 0 ? "" : ",").append("127.0.0.1:").append(FreePorts.closedPort());
        }
        return closed.toString();
    }

    /**
     * Starts the server, once for the outermost class that registered this extension. If the start
     * failed, the nested classes fail with the same exception instead of trying again.
     *
     * @param context the JUnit context
     */
    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (server != null) {
            return;
        }
        if (owner == null) {
            owner = context.getRequiredTestClass();
            try {
                server = Objects.requireNonNull(starter.get(), "the starter returned no server");
            } catch (RuntimeException e) {
                startFailure = e;
            }
        }
        if (startFailure != null) {
            throw startFailure;
        }
    }

    /**
     * Thaws the server if a test froze it and starts it again if a test stopped it.
     *
     * @param context the JUnit context
     */
    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (server == null) {
            return;
        }
        server.thaw();
        if (!server.isRunning()) {
            server.restart();
        }
    }

    /**
     * Closes the server after the class that started it.
     *
     * @param context the JUnit context
     */
    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (!context.getRequiredTestClass().equals(owner)) {
            return;
        }
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            server = null;
            owner = null;
            startFailure = null;
        }
    }
}

package dev.kvstore.testing;

import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * Test certificates for a TLS Redis, made at run time with {@code openssl} in a temporary
 * directory by {@link TestCertificates}: a certificate authority, a server certificate it signed (for
 * {@code IP:127.0.0.1} and {@code DNS:localhost}) and a client certificate it signed, plus a second,
 * unrelated authority. Keys are unencrypted PKCS#8 PEM.
 *
 * <pre>{@code
 * try (RedisTls tls = RedisTls.generate(); RedisServer redis = RedisServer.startWithTls(tls)) {
 *     // trust tls.caCertificate(); redis.port() is the TLS port
 * }
 * }</pre>
 *
 * <p>A second authority, {@link #otherCaCertificate()}, signed nothing here: a client that trusts
 * only it must reject the server. Anything not closed is deleted when the JVM exits.
 */
public final class RedisTls implements AutoCloseable {

    private final Path dir;
    private final TestCertificates certificates;
    private final TestCertificates other;
    private boolean closed;

    private RedisTls(Path dir, TestCertificates certificates, TestCertificates other) {
        this.dir = dir;
        this.certificates = certificates;
        this.other = other;
    }

    /**
     * Makes a certificate authority, a server and a client certificate signed by it, and a second
     * unrelated authority.
     *
     * @return the certificates, in a new temporary directory
     * @throws AssertionError if {@code openssl} is not installed (the message says how to install it)
     * @throws IllegalStateException if {@code openssl} fails (with its output)
     */
    public static RedisTls generate() {
        Path dir = Dirs.create("redis-tls");
        try {
            RedisTls tls = new RedisTls(
                    dir,
                    TestCertificates.generate(dir.resolve("trusted")),
                    TestCertificates.generate(dir.resolve("other")));
            Reaper.register(tls);
            return tls;
        } catch (RuntimeException | Error e) {
            Dirs.delete(dir);
            throw e;
        }
    }

    /**
     * The certificate authority (PEM) that signed the server and client certificates: what a client
     * trusts, and what the server checks client certificates against.
     *
     * @return the CA certificate file
     */
    public Path caCertificate() {
        return certificates.caCert();
    }

    /**
     * An authority (PEM) that signed nothing used here; trusting only it, a client must reject the server.
     *
     * @return the unrelated CA certificate file
     */
    public Path otherCaCertificate() {
        return other.caCert();
    }

    /**
     * The server's certificate (PEM), for {@code IP:127.0.0.1} and {@code DNS:localhost}.
     *
     * @return the server certificate file
     */
    public Path serverCertificate() {
        return certificates.serverCert();
    }

    /**
     * The server's private key (unencrypted PKCS#8 PEM).
     *
     * @return the server key file
     */
    public Path serverKey() {
        return certificates.serverKey();
    }

    /**
     * A client certificate (PEM) signed by {@link #caCertificate()}.
     *
     * @return the client certificate file
     */
    public Path clientCertificate() {
        return certificates.clientCert();
    }

    /**
     * The client's private key (unencrypted PKCS#8 PEM).
     *
     * @return the client key file
     */
    public Path clientKey() {
        return certificates.clientKey();
    }

    /** An SSL context trusting {@link #caCertificate()} and presenting {@link #clientCertificate()}. */
    SSLContext clientSslContext() {
        return certificates.clientSslContext();
    }

    /** Deletes the certificates and keys. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Dirs.delete(dir);
        } finally {
            Reaper.unregister(this);
        }
    }

    @Override
    public String toString() {
        return "Redis test certificates in " + dir;
    }
}

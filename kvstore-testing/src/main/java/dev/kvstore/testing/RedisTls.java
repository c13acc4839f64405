package dev.kvstore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test certificates for a TLS Redis, made at run time with {@code openssl} in a temporary
 * directory: a certificate authority, a server certificate it signed (for {@code IP:127.0.0.1} and
 * {@code DNS:localhost}) and a client certificate it signed. Keys are P-256, unencrypted PKCS#8 PEM;
 * certificates are valid for two days.
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

    static final String OPENSSL_PACKAGE = "openssl";
    private static final String DAYS = "2";

    private final Path dir;
    private boolean closed;

    private RedisTls(Path dir) {
        this.dir = dir;
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
        Path openssl = Binaries.require("openssl", OPENSSL_PACKAGE);
        RedisTls tls = new RedisTls(Dirs.create("redis-tls"));
        Reaper.register(tls);
        try {
            tls.makeAuthority(openssl, "ca", "kvstore test CA");
            tls.makeAuthority(openssl, "other-ca", "kvstore untrusted test CA");
            tls.makeSigned(openssl, "server", "localhost",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
            tls.makeSigned(openssl, "client", "kvstore test client", "extendedKeyUsage=clientAuth\n");
        } catch (RuntimeException | Error e) {
            tls.close();
            throw e;
        }
        return tls;
    }

    private void makeAuthority(Path openssl, String name, String commonName) {
        run(openssl, "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".crt", "-days", DAYS, "-subj", "/CN=" + commonName,
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private void makeSigned(Path openssl, String name, String commonName, String extensions) {
        Path ext = dir.resolve(name + ".ext");
        try {
            Files.writeString(ext, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n" + extensions,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + ext, e);
        }
        run(openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        run(openssl, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", DAYS, "-extfile", ext.toString());
    }

    private void run(Path openssl, String... args) {
        List<String> command = new ArrayList<>();
        command.add(openssl.toString());
        for (String arg : args) {
            // Relative file names live in this directory; openssl runs elsewhere.
            command.add(arg.matches("[a-z-]+\\.(key|crt|csr)") ? dir.resolve(arg).toString() : arg);
        }
        Cli.run(command, Map.of()).requireSuccess();
    }

    /**
     * The certificate authority (PEM) that signed the server and client certificates: what a client
     * trusts, and what the server checks client certificates against.
     *
     * @return the CA certificate file
     */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /**
     * An authority (PEM) that signed nothing here; trusting only it, a client must reject the server.
     *
     * @return the unrelated CA certificate file
     */
    public Path otherCaCertificate() {
        return dir.resolve("other-ca.crt");
    }

    /**
     * The server's certificate (PEM), for {@code IP:127.0.0.1} and {@code DNS:localhost}.
     *
     * @return the server certificate file
     */
    public Path serverCertificate() {
        return dir.resolve("server.crt");
    }

    /**
     * The server's private key (unencrypted PKCS#8 PEM).
     *
     * @return the server key file
     */
    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /**
     * A client certificate (PEM) signed by {@link #caCertificate()}.
     *
     * @return the client certificate file
     */
    public Path clientCertificate() {
        return dir.resolve("client.crt");
    }

    /**
     * The client's private key (unencrypted PKCS#8 PEM).
     *
     * @return the client key file
     */
    public Path clientKey() {
        return dir.resolve("client.key");
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

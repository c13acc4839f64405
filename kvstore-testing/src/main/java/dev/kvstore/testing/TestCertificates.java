package dev.kvstore.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for TLS tests, made at run time with {@code openssl} (EC P-256 keys, valid for two
 * days): a certificate authority, a server certificate for {@code IP:127.0.0.1} and
 * {@code DNS:localhost}, and a client certificate, each signed by the CA. Every key file is an
 * unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), the form Netty and gRPC read.
 *
 * <pre>{@code
 * TestCertificates certs = TestCertificates.generate(dir);
 * try (EtcdServer etcd = EtcdServer.startWithMutualTls(certs)) {
 *     // connect to "https://" + etcd.address() trusting certs.caCert(),
 *     // presenting certs.clientCert() and certs.clientKey()
 * }
 * }</pre>
 *
 * <p>Two calls make two unrelated CAs, so a second set serves as the "wrong CA".
 *
 * @param caCert the CA certificate (PEM)
 * @param caKey the CA's private key (PKCS#8 PEM)
 * @param serverCert the server certificate (PEM), signed by the CA, SAN {@code IP:127.0.0.1}
 * @param serverKey the server's private key (PKCS#8 PEM)
 * @param clientCert the client certificate (PEM), signed by the CA, for mutual TLS
 * @param clientKey the client's private key (PKCS#8 PEM)
 */
public record TestCertificates(
        Path caCert, Path caKey, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

    /** Validity of every certificate, in days. */
    private static final String DAYS = "2";

    /**
     * Checks that no path is null.
     *
     * @param caCert the CA certificate
     * @param caKey the CA key
     * @param serverCert the server certificate
     * @param serverKey the server key
     * @param clientCert the client certificate
     * @param clientKey the client key
     */
    public TestCertificates {
        Objects.requireNonNull(caCert, "caCert");
        Objects.requireNonNull(caKey, "caKey");
        Objects.requireNonNull(serverCert, "serverCert");
        Objects.requireNonNull(serverKey, "serverKey");
        Objects.requireNonNull(clientCert, "clientCert");
        Objects.requireNonNull(clientKey, "clientKey");
    }

    /**
     * Generates a CA, a server and a client certificate with {@code openssl} into {@code dir}
     * (created if missing; files {@code ca.pem}, {@code ca-key.pem}, {@code server.pem},
     * {@code server-key.pem}, {@code client.pem}, {@code client-key.pem}). The caller deletes
     * {@code dir} (JUnit's {@code @TempDir} does).
     *
     * @param dir the directory to write into
     * @return the paths of the files written
     * @throws AssertionError if {@code openssl} is not installed (the message says how to install it)
     * @throws IllegalStateException if an {@code openssl} command fails (with its output)
     */
    public static TestCertificates generate(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Path openssl = Binaries.require("openssl", "openssl");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        TestCertificates certs = new TestCertificates(
                dir.resolve("ca.pem"),
                dir.resolve("ca-key.pem"),
                dir.resolve("server.pem"),
                dir.resolve("server-key.pem"),
                dir.resolve("client.pem"),
                dir.resolve("client-key.pem"));
        long tag = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);

        key(openssl, certs.caKey);
        run(
                openssl,
                "req",
                "-x509",
                "-new",
                "-sha256",
                "-days",
                DAYS,
                "-key",
                certs.caKey.toString(),
                "-subj",
                "/CN=kvstore test CA " + tag,
                "-out",
                certs.caCert.toString());

        key(openssl, certs.serverKey);
        sign(
                openssl,
                certs,
                dir,
                "server",
                "/CN=127.0.0.1",
                certs.serverKey,
                certs.serverCert,
                "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");

        key(openssl, certs.clientKey);
        sign(
                openssl,
                certs,
                dir,
                "client",
                "/CN=kvstore-test-client",
                certs.clientKey,
                certs.clientCert,
                "extendedKeyUsage=clientAuth\n");
        return certs;
    }

    private static void key(Path openssl, Path out) {
        run(openssl, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", out.toString());
    }

    private static void sign(
            Path openssl,
            TestCertificates certs,
            Path dir,
            String name,
            String subject,
            Path key,
            Path out,
            String extensions) {
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        try {
            Files.writeString(
                    ext,
                    "basicConstraints=critical,CA:FALSE\n" + "keyUsage=critical,digitalSignature\n" + extensions,
                    StandardCharsets.US_ASCII);
            run(openssl, "req", "-new", "-sha256", "-key", key.toString(), "-subj", subject, "-out", csr.toString());
            run(
                    openssl,
                    "x509",
                    "-req",
                    "-sha256",
                    "-days",
                    DAYS,
                    "-in",
                    csr.toString(),
                    "-CA",
                    certs.caCert.toString(),
                    "-CAkey",
                    certs.caKey.toString(),
                    "-set_serial",
                    Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)),
                    "-extfile",
                    ext.toString(),
                    "-out",
                    out.toString());
            Files.deleteIfExists(csr);
            Files.deleteIfExists(ext);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write in " + dir, e);
        }
    }

    private static void run(Path openssl, String... args) {
        List<String> command = new ArrayList<>();
        command.add(openssl.toString());
        command.addAll(List.of(args));
        Cli.run(command, Map.of()).requireSuccess();
    }

    /**
     * An SSL context that trusts this CA and presents the client certificate (used to probe a TLS
     * server's {@code /health}).
     */
    SSLContext clientSslContext() {
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(caCert)) {
                trust.setCertificateEntry("ca", x509.generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);

            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            Certificate client;
            try (InputStream in = Files.newInputStream(clientCert)) {
                client = x509.generateCertificate(in);
            }
            char[] password = "kvstore".toCharArray();
            keys.setKeyEntry("client", privateKey(clientKey), password, new Certificate[] {client});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the test certificates " + this, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the test certificates " + this, e);
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII)
                .replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text)));
    }
}

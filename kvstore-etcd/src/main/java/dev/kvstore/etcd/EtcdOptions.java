package dev.kvstore.etcd;

import java.util.Set;

/**
 * Names of the options the {@code etcd} store understands, set with
 * {@link dev.kvstore.KvStoreConfig.Builder#option(String, String)}. Any other option fails the
 * configuration with {@link dev.kvstore.KvStoreConfigurationException}.
 */
public final class EtcdOptions {

    /** User name for etcd authentication; needs {@link #PASSWORD}. */
    public static final String USERNAME = "username";

    /** Password for etcd authentication; needs {@link #USERNAME}. Never printed. */
    public static final String PASSWORD = "password";

    /**
     * {@code true} to connect with TLS. Defaults to {@code true} when any {@code tls-*-file} option
     * is set; with no CA file the JVM's trusted certificates are used.
     */
    public static final String TLS = "tls";

    /** PEM file of the certificate authorities that sign the servers' certificates. */
    public static final String TLS_CA_FILE = "tls-ca-file";

    /** PEM file of the client certificate (chain) for mutual TLS; needs {@link #TLS_KEY_FILE}. */
    public static final String TLS_CERT_FILE = "tls-cert-file";

    /** PEM file of the client's PKCS#8 private key for mutual TLS; needs {@link #TLS_CERT_FILE}. */
    public static final String TLS_KEY_FILE = "tls-key-file";

    /**
     * How long opening a TCP connection may take, as a duration ({@code 500ms}, {@code 2s},
     * {@code PT2S}). Defaults to the configuration's timeout.
     */
    public static final String CONNECT_TIMEOUT = "connect-timeout";

    /**
     * The server's {@code --max-request-bytes} (default {@value #DEFAULT_MAX_REQUEST_BYTES}): values
     * are refused before sending when a request could exceed it. Set it when the server allows more.
     */
    public static final String MAX_REQUEST_BYTES = "max-request-bytes";

    /** etcd's default {@code --max-request-bytes}: 1.5 MiB. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 1_572_864L;

    /**
     * The largest value a put may carry, in bytes; larger values are refused before sending with
     * {@link dev.kvstore.KvValueTooLargeException}. Defaults to, and may not exceed,
     * {@link #MAX_REQUEST_BYTES} minus 1 KiB (room for the key and the request's framing).
     */
    public static final String MAX_VALUE_BYTES = "max-value-bytes";

    /**
     * The server's {@code --max-txn-ops} (default {@value #DEFAULT_MAX_TXN_OPS}): a transaction with
     * more conditions plus operations than this is refused before sending. Set it when the server
     * allows more.
     */
    public static final String MAX_TXN_OPS = "max-txn-ops";

    /** etcd's default {@code --max-txn-ops}: 128. */
    public static final int DEFAULT_MAX_TXN_OPS = 128;

    /** Every option name above. */
    public static final Set<String> ALL = Set.of(
            USERNAME,
            PASSWORD,
            TLS,
            TLS_CA_FILE,
            TLS_CERT_FILE,
            TLS_KEY_FILE,
            CONNECT_TIMEOUT,
            MAX_REQUEST_BYTES,
            MAX_VALUE_BYTES,
            MAX_TXN_OPS);

    private EtcdOptions() {}
}

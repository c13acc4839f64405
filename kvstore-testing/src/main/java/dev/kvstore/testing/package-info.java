/**
 * Real servers for tests: etcd, Redis (alone or behind Sentinel) and ZooKeeper (alone or as an
 * ensemble), started on free {@code 127.0.0.1} ports with temporary data directories.
 *
 * <p>Every server here is an {@link java.lang.AutoCloseable}: {@code close()} stops it, deletes its
 * data directory and may be called any number of times. Anything a test forgets to close is stopped
 * (by process id) and deleted by a JVM shutdown hook (which runs on a normal exit, on
 * {@code System.exit} and on SIGTERM, not on SIGKILL). {@code stop()} ends a server but keeps its
 * port and data, so {@code restart()} brings it back as it was.
 *
 * <p>etcd and Redis run as child processes of the installed binaries ({@code /usr/bin/etcd},
 * {@code redis-server}, {@code redis-sentinel}); a missing binary makes {@code start()} throw an
 * {@link java.lang.AssertionError} that says how to install it. A standalone ZooKeeper runs in a
 * child JVM of its own (so that it can be frozen like the others); an ensemble runs in-process
 * (Curator's {@code curator-test}). A server that does not become ready within a bound fails with
 * an {@link java.lang.IllegalStateException} that carries the tail of its log.
 *
 * <p><b>One interface, one extension.</b> Every single server and the Sentinel cluster is a
 * {@link dev.kvstore.testing.TestServer}: address, stop, restart on the same port and data, and
 * freeze/thaw (SIGSTOP/SIGCONT of the server's own process). A test class gets one with
 * {@link dev.kvstore.testing.TestServerExtension} on a {@code static final} field.
 *
 * <p><b>Faults and processes.</b> {@link dev.kvstore.testing.TcpProxy} puts a cut or a black hole
 * between a client and a server, on {@code 127.0.0.1} only; {@link dev.kvstore.testing.ChildJvm}
 * runs a main class in a child JVM that a test can kill with SIGKILL, and
 * {@link dev.kvstore.testing.ChildJvms} kills them all after each test.
 *
 * <p>For TLS tests, {@link dev.kvstore.testing.TestCertificates#generate(java.nio.file.Path)} makes a
 * CA, a server certificate for {@code 127.0.0.1} and a client certificate with {@code openssl}, and
 * {@link dev.kvstore.testing.EtcdServer#startWithTls(TestCertificates)} /
 * {@link dev.kvstore.testing.EtcdServer#startWithMutualTls(TestCertificates)} start an etcd that serves
 * clients over TLS only.
 *
 * <p><b>Null policy.</b> No method in this package accepts {@code null}; a {@code null} argument
 * fails with {@link java.lang.NullPointerException}. No method returns {@code null}.
 */
package dev.kvstore.testing;

package dev.kvstore.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes every server still open when the JVM exits, so a test that fails before its
 * {@code close()} leaves no process and no directory behind.
 */
final class Reaper {

    private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::closeAll, "kvstore-testing-reaper"));
    }

    private Reaper() {}

    /** Remembers a server to close at JVM exit. */
    static void register(AutoCloseable server) {
        OPEN.add(server);
    }

    /** Forgets a server that has been closed. */
    static void unregister(AutoCloseable server) {
        OPEN.remove(server);
    }

    private static void closeAll() {
        List<AutoCloseable> servers = new ArrayList<>(OPEN);
        Collections.reverse(servers);
        for (AutoCloseable server : servers) {
            try {
                server.close();
            } catch (Throwable e) {
                System.err.println("kvstore-testing: could not close " + server + " at exit: " + e);
            }
        }
    }
}

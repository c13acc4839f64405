package dev.kvstore.testing;

import java.util.List;
import java.util.Map;

/** Sends POSIX signals to a process by its id with {@code kill(1)}: Java has no API for SIGSTOP and SIGCONT. */
final class Signals {

    private Signals() {}

    /** Suspends the process (SIGSTOP). */
    static void stop(long pid) {
        send(pid, "STOP");
    }

    /** Resumes a suspended process (SIGCONT). */
    static void resume(long pid) {
        send(pid, "CONT");
    }

    /** Kills the process at once (SIGKILL), as a crash or the OOM killer would. */
    static void kill(long pid) {
        send(pid, "KILL");
    }

    private static void send(long pid, String signal) {
        Cli.run(List.of("kill", "-" + signal, Long.toString(pid)), Map.of()).requireSuccess();
    }
}

package dev.kvstore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One server process: started with its output appended to a log file, waited on until ready, and
 * stopped by its process id (SIGTERM, then SIGKILL after a bound).
 */
final class ServerProcess {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 30;

    private final String name;
    private final List<String> command;
    private final Path workDir;
    private final Path logFile;
    private Process process;
    private boolean frozen;

    ServerProcess(String name, List<String> command, Path workDir, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.logFile = logFile;
    }

    /** Starts the process and waits until {@code ready} holds; on failure the process is stopped. */
    void start(BooleanSupplier ready) {
        launch();
        awaitReady(ready, READY_TIMEOUT);
    }

    /** Starts the process without waiting for it; does nothing if it runs. */
    synchronized void launch() {
        if (isRunning()) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** Waits until {@code ready} holds, failing with the log's tail if the process dies or time runs out. */
    void awaitReady(BooleanSupplier ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!isRunning()) {
                throw new IllegalStateException(name + " exited during start" + exitCode() + "; " + logTailMessage());
            }
            if (ready.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                stop();
                throw new IllegalStateException(name + " was not ready within " + timeout + "; " + logTailMessage());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The process id; only meaningful while the process runs. */
    synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " has not been started");
        }
        return process.pid();
    }

    /** Suspends the process (SIGSTOP). Idempotent. */
    synchronized void freeze() {
        if (!isRunning()) {
            throw new IllegalStateException(name + " is not running");
        }
        if (!frozen) {
            Signals.stop(process.pid());
            frozen = true;
        }
    }

    /** Resumes the process (SIGCONT) if it is frozen. */
    synchronized void thaw() {
        if (frozen) {
            frozen = false;
            if (process.isAlive()) {
                Signals.resume(process.pid());
            }
        }
    }

    synchronized boolean isFrozen() {
        return frozen;
    }

    /** Stops the process (and any child it forked): SIGTERM, then SIGKILL after a bound. Idempotent. */
    synchronized void stop() {
        if (process == null) {
            return;
        }
        thaw();
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        frozen = false;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String logTailMessage() {
        return "last lines of " + logFile + ":\n" + logTail();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private String exitCode() {
        Process p = process;
        return p == null || p.isAlive() ? "" : " with exit code " + p.exitValue();
    }

    @Override
    public String toString() {
        return name;
    }
}

package dev.kvstore.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A main class run in a child JVM with this JVM's class path ({@code java -cp <class path> Main
 * args}), for tests that need a second process: one that can be killed with SIGKILL, as a crash
 * would, or several that contend for a lock.
 *
 * <pre>{@code
 * try (ChildJvm holder = ChildJvm.start(LockHolder.class, address, "my-lock")) {
 *     holder.awaitLine(line -> line.startsWith("acquired"), Duration.ofSeconds(20));
 *     holder.kill();   // SIGKILL: no shutdown hook, no finally block runs in the child
 * }
 * }</pre>
 *
 * <p>The child's standard output is read line by line ({@link #lines()}, {@link #awaitLine}); its
 * standard error is kept (the last 100 lines) for failure messages. The child inherits this JVM's
 * class path: under Surefire or Failsafe that is the test class path; where the test runs in a
 * class loader of its own (Maven's {@code exec:java}), that loader's jars come first.
 *
 * <p>Always destroyed: {@link #close()} kills a child that still runs, and any child left open is
 * killed when this JVM exits. Use {@link ChildJvms} to have JUnit close them after each test.
 *
 * <p>Thread-safe. Two daemon threads per child read its output; everything else runs on the
 * caller's thread. The lock of this object guards the lines read so far.
 */
public final class ChildJvm implements AutoCloseable {

    private static final int STDERR_TAIL = 100;
    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

    private final String mainClass;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Deque<String> stderr = new ArrayDeque<>();
    private boolean stdoutClosed;

    private ChildJvm(String mainClass, Process process) {
        this.mainClass = mainClass;
        this.process = process;
    }

    /**
     * Starts {@code mainClass} in a child JVM with this JVM's class path.
     *
     * @param mainClass a class with a {@code public static void main(String[])}
     * @param args its arguments
     * @return the running child
     * @throws UncheckedIOException if the JVM cannot be started
     */
    public static ChildJvm start(Class<?> mainClass, String... args) {
        return start(mainClass.getName(), List.of(args), List.of());
    }

    /**
     * Starts {@code mainClass} in a child JVM with this JVM's class path and the given JVM options.
     *
     * @param mainClass the fully qualified name of a class with a {@code main} method
     * @param args its arguments
     * @param jvmOptions options for the {@code java} command, such as {@code -Xmx64m}
     * @return the running child
     * @throws UncheckedIOException if the JVM cannot be started
     */
    public static ChildJvm start(String mainClass, List<String> args, List<String> jvmOptions) {
        List<String> command = command(mainClass, args, jvmOptions);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for " + mainClass, e);
        }
        ChildJvm child = new ChildJvm(mainClass, process);
        Reaper.register(child);
        child.read(process.getInputStream(), "stdout", true);
        child.read(process.getErrorStream(), "stderr", false);
        return child;
    }

    /** The {@code java} command line that runs {@code mainClass} with this JVM's class path. */
    static List<String> command(String mainClass, List<String> args, List<String> jvmOptions) {
        Objects.requireNonNull(mainClass, "mainClass");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : jvmOptions) {
            command.add(Objects.requireNonNull(option, "jvm option"));
        }
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        for (String arg : args) {
            command.add(Objects.requireNonNull(arg, "arg"));
        }
        return command;
    }

    /**
     * This JVM's class path; where the context class loader is a {@link URLClassLoader} of its own
     * (a test run inside Maven), its jars come first.
     */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader loader = Thread.currentThread().getContextClassLoader();
                loader != null;
                loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        try {
                            entries.add(Path.of(url.toURI()).toString());
                        } catch (URISyntaxException | IllegalArgumentException e) {
                            // not a plain file: the java.class.path below still applies
                        }
                    }
                }
            }
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private void read(InputStream in, String stream, boolean stdout) {
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        for (String line = r.readLine(); line != null; line = r.readLine()) {
                            synchronized (this) {
                                if (stdout) {
                                    lines.add(line);
                                } else {
                                    stderr.addLast(line);
                                    if (stderr.size() > STDERR_TAIL) {
                                        stderr.removeFirst();
                                    }
                                }
                                notifyAll();
                            }
                        }
                    } catch (IOException e) {
                        // the child is gone; what was read stays
                    } finally {
                        if (stdout) {
                            synchronized (this) {
                                stdoutClosed = true;
                                notifyAll();
                            }
                        }
                    }
                },
                "child-jvm-" + stream + "-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The child's process id.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Whether the child still runs.
     *
     * @return {@code true} until it exits or is killed
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Every line the child has printed on standard output so far.
     *
     * @return a copy of the lines, in order
     */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * Waits until the child prints a line on standard output that matches, looking at every line
     * printed so far first.
     *
     * @param matcher what the line must satisfy
     * @param timeout how long to wait
     * @return the first matching line
     * @throws AssertionError if no line matches within {@code timeout}, or the child's output ends
     *     first (the message holds the lines read and the tail of its standard error)
     */
    public synchronized String awaitLine(Predicate<String> matcher, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < lines.size(); seen++) {
                if (matcher.test(lines.get(seen))) {
                    return lines.get(seen);
                }
            }
            long left = deadline - System.nanoTime();
            if (stdoutClosed || left <= 0) {
                throw new AssertionError(
                        (stdoutClosed ? "the output of " + this + " ended" : "timed out after " + timeout)
                                + " without a matching line; stdout: " + lines + "; stderr tail: " + stderr);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + this, e);
            }
        }
    }

    /**
     * Waits for the child to exit by itself.
     *
     * @param timeout how long to wait
     * @return its exit code
     * @throws AssertionError if it still runs after {@code timeout}
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(this + " still runs after " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + this, e);
        }
        return process.exitValue();
    }

    /**
     * Kills the child with SIGKILL, sent to its pid, and waits until it is gone. Nothing runs in the
     * child after this: no shutdown hook, no {@code finally} block, no socket closed politely (the
     * kernel closes them). Does nothing if it has already exited.
     */
    public void kill() {
        if (process.isAlive()) {
            try {
                Signals.kill(process.pid());
            } catch (IllegalStateException e) {
                // "No such process": it exited by itself between the check and the signal (the JDK
                // may still be recording the exit), which is no failure; anything else is.
                if (!exitsWithin(Duration.ofSeconds(1))) {
                    throw e;
                }
            }
        }
        try {
            process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean exitsWithin(Duration bound) {
        try {
            return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Kills the child if it still runs (SIGKILL). Idempotent. */
    @Override
    public void close() {
        try {
            kill();
        } finally {
            Reaper.unregister(this);
        }
    }

    @Override
    public String toString() {
        return "child JVM " + mainClass + " (pid " + process.pid() + ")";
    }
}

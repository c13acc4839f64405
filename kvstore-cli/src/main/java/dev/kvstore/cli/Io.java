package dev.kvstore.cli;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What a command reads and writes: standard streams, the environment, whether a person sits at a
 * terminal, and how Backends are opened. The real tool uses {@link #system()}; tests build their own.
 */
final class Io {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final boolean terminal;
    private final BackendFactory backends;
    private BufferedReader lines;

    Io(
            InputStream in,
            PrintStream out,
            PrintStream err,
            Map<String, String> env,
            boolean terminal,
            BackendFactory backends) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.env = Map.copyOf(env);
        this.terminal = terminal;
        this.backends = Objects.requireNonNull(backends, "backends");
    }

    /** The process's streams (unbuffered file descriptors, wrapped once), environment and console. */
    static Io system() {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        // System.in, not a FileInputStream of fd 0: FileInputStream.readNBytes seeks, which fails on a pipe
        return new Io(System.in, out, err, System.getenv(), System.console() != null, BackendFactory.DEFAULT);
    }

    /** Standard input, as bytes. */
    InputStream in() {
        return in;
    }

    /** Standard output; commands flush it before they return. */
    PrintStream out() {
        return out;
    }

    /** Standard error. */
    PrintStream err() {
        return err;
    }

    /** The environment variables. */
    Map<String, String> env() {
        return env;
    }

    /** True when a person is at a terminal ({@code System.console() != null}): confirmations and progress. */
    boolean terminal() {
        return terminal;
    }

    /** How commands open Backends. */
    BackendFactory backends() {
        return backends;
    }

    /** Asks a yes/no question on stderr and reads the answer from stdin; only "y" or "yes" is yes. */
    boolean confirm(String question) {
        err.print(question + " [y/N] ");
        err.flush();
        try {
            if (lines == null) {
                lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
            String answer = lines.readLine();
            return answer != null
                    && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the answer from standard input", e);
        }
    }
}

package dev.kvstore.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Runs kvctl in-process with given stdin, environment and terminal flag; captures stdout and stderr. */
final class Cli {
    private final BackendFactory backends;
    private final Map<String, String> env = new HashMap<>();
    private boolean terminal;

    Cli(BackendFactory backends) {
        this.backends = backends;
    }

    Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Cli terminal(boolean terminal) {
        this.terminal = terminal;
        return this;
    }

    Result run(String... args) {
        return run(new byte[0], args);
    }

    Result runWithInput(String stdin, String... args) {
        return run(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    Result run(byte[] stdin, String... args) {
        return run(new ByteArrayInputStream(stdin), args);
    }

    Result run(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(
                stdin,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env,
                terminal,
                backends);
        int status = Kvctl.run(io, args);
        return new Result(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** What a run gave back. */
    record Result(int status, byte[] stdout, String err) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "status " + status + "\n--- stdout\n" + out() + "--- stderr\n" + err;
        }
    }
}

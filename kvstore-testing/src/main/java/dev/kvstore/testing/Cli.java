package dev.kvstore.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a command-line client to completion, with a bound, and captures what it printed. */
final class Cli {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Cli() {}

    /** What a command printed and how it ended. */
    record Result(List<String> command, int exitCode, byte[] stdout, byte[] stderr) {

        String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        String stderrText() {
            return new String(stderr, StandardCharsets.UTF_8);
        }

        /** Returns this result, or throws if the command exited with a non-zero code. */
        Result requireSuccess() {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exitCode + "; stderr: "
                        + stderrText().strip() + "; stdout: " + stdoutText().strip());
            }
            return this;
        }
    }

    static Result run(List<String> command, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(
                        java.nio.file.Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
        CompletableFuture<byte[]> stdout = readAsync(process.getInputStream());
        CompletableFuture<byte[]> stderr = readAsync(process.getErrorStream());
        try {
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            return new Result(
                    List.copyOf(command),
                    process.exitValue(),
                    stdout.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                    stderr.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("cannot read the output of " + command, e);
        }
    }

    private static CompletableFuture<byte[]> readAsync(InputStream in) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (in) {
                        result.complete(in.readAllBytes());
                    } catch (IOException e) {
                        result.completeExceptionally(e);
                    }
                },
                "kvstore-testing-cli-reader");
        reader.setDaemon(true);
        reader.start();
        return result;
    }
}

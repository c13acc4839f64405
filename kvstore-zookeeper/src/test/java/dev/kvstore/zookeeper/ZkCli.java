package dev.kvstore.zookeeper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's {@code zkCli.sh} against a server, for interoperability tests. */
final class ZkCli {

    static final Path ZKCLI = Path.of("/usr/share/zookeeper/bin/zkCli.sh");

    private ZkCli() {
    }

    static String run(String server, String... command) throws IOException, InterruptedException {
        if (!Files.isExecutable(ZKCLI)) {
            throw new AssertionError(ZKCLI + " is missing: install it with apt-get install -y zookeeper");
        }
        List<String> cmd = new ArrayList<>(List.of(ZKCLI.toString(), "-server", server));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("zkCli.sh did not end: " + cmd);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}

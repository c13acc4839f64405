package dev.kvstore.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the server binaries, or fails with the command that installs them. */
final class Binaries {

    static final String ETCD_PACKAGES = "etcd-server etcd-client";
    static final String REDIS_PACKAGES = "redis-server redis-tools redis-sentinel";
    static final String ZOOKEEPER_PACKAGES = "zookeeper";

    private Binaries() {}

    /**
     * Returns the path of an executable found on {@code PATH} (or in {@code /usr/bin},
     * {@code /usr/sbin}), or throws an {@link AssertionError} that says how to install it.
     */
    static Path require(String name, String packages) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.add("/usr/bin");
        dirs.add("/usr/sbin");
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw missing(name, packages);
    }

    /** Returns an absolute file path if it is executable, or throws the install hint. */
    static Path requireFile(Path file, String packages) {
        if (Files.isRegularFile(file) && Files.isExecutable(file)) {
            return file;
        }
        throw missing(file.toString(), packages);
    }

    private static AssertionError missing(String name, String packages) {
        return new AssertionError(name + " is not installed; these tests need a real server. Install it with: "
                + "sudo apt-get install -y " + packages + " (or run scripts/install-test-deps.sh)");
    }
}

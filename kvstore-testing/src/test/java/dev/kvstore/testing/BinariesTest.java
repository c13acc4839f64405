package dev.kvstore.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BinariesTest {

    @Test
    @DisplayName("a missing binary fails with an AssertionError that says how to install it")
    void missingBinary() {
        assertThatThrownBy(() -> Binaries.require("kvstore-no-such-server", Binaries.ETCD_PACKAGES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("kvstore-no-such-server")
                .hasMessageContaining("apt-get install -y etcd-server etcd-client");
        assertThatThrownBy(() -> Binaries.requireFile(Path.of("/nonexistent/zkCli.sh"), Binaries.ZOOKEEPER_PACKAGES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("apt-get install -y zookeeper");
    }
}

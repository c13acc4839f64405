package dev.kvstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KvStoreConfigTest {

    private static KvStoreConfig.Builder etcd() {
        return KvStoreConfig.builder().storeType("ETCD").address(" 127.0.0.1:2379, [::1]:2380 ");
    }

    @Test
    void parsesEndpointsAndNormalisesStoreType() {
        KvStoreConfig c = etcd().build();
        assertThat(c.storeType()).isEqualTo("etcd");
        assertThat(c.endpoints())
                .containsExactly(
                        new KvStoreConfig.Endpoint("127.0.0.1", 2379), new KvStoreConfig.Endpoint("::1", 2380));
        assertThat(c.endpoints().get(1)).hasToString("[::1]:2380");
        assertThat(c.timeout()).isEqualTo(KvStoreConfig.DEFAULT_TIMEOUT);
    }

    @Test
    void malformedAddressesNameTheEntry() {
        for (String bad :
                new String[] {"localhost", "host:", ":80", "h:0", "h:65536", "h:x", "a:1,,b:2", "bad host:1"}) {
            KvStoreConfig c =
                    KvStoreConfig.builder().storeType("etcd").address(bad).build();
            assertThatThrownBy(c::endpoints)
                    .as(bad)
                    .isInstanceOf(KvStoreConfigurationException.class)
                    .hasMessageContaining("malformed address");
        }
        assertThatThrownBy(
                        () -> KvStoreConfig.builder().storeType("etcd").build().endpoints())
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("needs an address");
    }

    @Test
    void requiresStoreTypeAndPositiveTimeout() {
        assertThatThrownBy(() -> KvStoreConfig.builder().build())
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("storeType");
        assertThatThrownBy(() -> etcd().timeout(Duration.ZERO).build())
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> etcd().address(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void toStringHidesSecrets() {
        KvStoreConfig c = etcd().option("password", "hunter2")
                .option("tls-key-password", "s3cret")
                .option("auth-token", "tok")
                .option("username", "root")
                .build();
        assertThat(c.toString())
                .doesNotContain("hunter2", "s3cret", "tok\"", "=tok")
                .contains("username=root", "password=****");
        assertThat(c.option("password")).contains("hunter2");
    }

    @Test
    void typedOptions() {
        KvStoreConfig c = etcd().options(
                        Map.of("n", "42", "b", "TRUE", "d1", "500ms", "d2", "2s", "d3", "PT1M", "d4", "250"))
                .build();
        assertThat(c.longOption("n", 1)).isEqualTo(42);
        assertThat(c.longOption("missing", 7)).isEqualTo(7);
        assertThat(c.booleanOption("b", false)).isTrue();
        assertThat(c.durationOption("d1", null)).isEqualTo(Duration.ofMillis(500));
        assertThat(c.durationOption("d2", null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.durationOption("d3", null)).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.durationOption("d4", null)).isEqualTo(Duration.ofMillis(250));
        KvStoreConfig bad = etcd().option("n", "forty")
                .option("b", "yes")
                .option("d", "soon")
                .build();
        assertThatThrownBy(() -> bad.longOption("n", 0)).hasMessageContaining("option n");
        assertThatThrownBy(() -> bad.booleanOption("b", false)).hasMessageContaining("option b");
        assertThatThrownBy(() -> bad.durationOption("d", null)).hasMessageContaining("option d");
    }

    @Test
    void unknownOptionsAreRejectedByName() {
        KvStoreConfig c = etcd().option("pasword", "x").build();
        assertThatThrownBy(() -> c.requireKnownOptions(Set.of("password", "username")))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("[pasword]")
                .hasMessageContaining("password, username");
        etcd().option("username", "u").build().requireKnownOptions(Set.of("username"));
    }

    @Test
    void equalityAndCopy() {
        KvStoreConfig c = etcd().option("a", "1").build();
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toBuilder().option("a", "2").build()).isNotEqualTo(c);
    }

    @Test
    void fileOptionsMustNameAReadableFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "x");
        KvStoreConfig c = etcd().option("tls-ca-file", " " + ca + " ")
                .option("blank", " ")
                .option("missing", dir.resolve("nope.pem").toString())
                .option("dir", dir.toString())
                .build();
        assertThat(c.fileOption("tls-ca-file")).contains(ca);
        assertThat(c.fileOption("blank")).isEmpty();
        assertThat(c.fileOption("unset")).isEmpty();
        assertThatThrownBy(() -> c.fileOption("missing"))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessageContaining("option missing names")
                .hasMessageContaining("not a readable file");
        assertThatThrownBy(() -> c.fileOption("dir")).isInstanceOf(KvStoreConfigurationException.class);
    }

    @Test
    void optionsThatGoTogether() {
        etcd().build().requireTogether("tls-cert-file", "tls-key-file");
        etcd().option("tls-cert-file", "c")
                .option("tls-key-file", "k")
                .build()
                .requireTogether("tls-cert-file", "tls-key-file");
        assertThatThrownBy(() -> etcd().option("tls-cert-file", "c")
                        .option("tls-key-file", "")
                        .build()
                        .requireTogether("tls-cert-file", "tls-key-file"))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessage("options tls-cert-file and tls-key-file go together: set all or none of them");
        etcd().option("password", "p").build().requireWith("username", "password");
        assertThatThrownBy(() -> etcd().option("username", "u").build().requireWith("username", "password"))
                .isInstanceOf(KvStoreConfigurationException.class)
                .hasMessage("option username needs option password too");
    }

    @Test
    void secretsAreMaskedThroughTheConfig() {
        KvStoreConfig c = etcd().option("sentinel-password", "hunter2")
                .option("username", "u")
                .build();
        assertThat(c.shownOption("sentinel-password")).contains("****");
        assertThat(c.shownOption("username")).contains("u");
        assertThat(c.shownOption("unset")).isEmpty();
        assertThat(KvStoreConfig.mask("auth-token", "t")).isEqualTo("****");
        assertThat(c.toString()).doesNotContain("hunter2");
    }
}

package dev.kvstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where connection settings come from, and usage errors (exit status 2). */
class ConnectionOptionsTest {

    final SharedBackends backends = new SharedBackends();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        backends.close();
    }

    ConnectionSettings lastAsked() {
        return backends.asked.get(backends.asked.size() - 1);
    }

    @Test
    @DisplayName("defaults: memory, no address, no path prefix, 5 s, no options")
    void defaults() {
        assertThat(new Cli(backends).run("health").status()).isEqualTo(0);
        assertThat(lastAsked()).isEqualTo(new ConnectionSettings("memory", "", "", Duration.ofSeconds(5), Map.of()));
    }

    @Test
    @DisplayName("flags win over the environment, which wins over the configuration file")
    void precedence() throws Exception {
        Path file = dir.resolve("kvctl.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "store-type=memory",
                        "address=file:1",
                        "path-prefix=file",
                        "timeout=7s",
                        "option.max-value-bytes=111",
                        "option.only-file=f"));
        // unknown options would make the memory store refuse; check what was asked, before opening
        Cli cli = new Cli(new BackendFactory() {
            @Override
            public dev.kvstore.backend.Backend open(ConnectionSettings settings) {
                backends.asked.add(settings);
                return DEFAULT.open(new ConnectionSettings(
                        settings.storeType(), settings.address(), settings.pathPrefix(), settings.timeout(), Map.of()));
            }
        });
        cli.env("KVSTORE_ADDRESS", "env:2")
                .env("KVSTORE_TIMEOUT", "3s")
                .env("KVSTORE_OPTIONS", "max-value-bytes=222,only-env=e");
        assertThat(cli.run("health", "--config", file.toString()).status()).isEqualTo(0);
        assertThat(lastAsked())
                .isEqualTo(new ConnectionSettings(
                        "memory",
                        "env:2",
                        "file",
                        Duration.ofSeconds(3),
                        Map.of("max-value-bytes", "222", "only-file", "f", "only-env", "e")));

        assertThat(cli.run(
                                "--config",
                                file.toString(),
                                "health",
                                "--address",
                                "flag:3",
                                "--path-prefix",
                                "flag",
                                "--timeout",
                                "250ms",
                                "--option",
                                "max-value-bytes=333")
                        .status())
                .isEqualTo(0);
        assertThat(lastAsked())
                .isEqualTo(new ConnectionSettings(
                        "memory",
                        "flag:3",
                        "flag",
                        Duration.ofMillis(250),
                        Map.of("max-value-bytes", "333", "only-file", "f", "only-env", "e")));
    }

    @Test
    @DisplayName("KVSTORE_CONFIG names the configuration file; KVSTORE_STORE_TYPE and KVSTORE_PATH_PREFIX apply")
    void configFromEnvironment() throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "timeout=9s\n");
        Cli cli = new Cli(backends)
                .env("KVSTORE_CONFIG", file.toString())
                .env("KVSTORE_STORE_TYPE", "memory")
                .env("KVSTORE_PATH_PREFIX", "p");
        assertThat(cli.run("health").status()).isEqualTo(0);
        assertThat(lastAsked()).isEqualTo(new ConnectionSettings("memory", "", "p", Duration.ofSeconds(9), Map.of()));
    }

    @Test
    @DisplayName("connection flags work before and after the command")
    void flagPosition() {
        Cli cli = new Cli(backends);
        assertThat(cli.run("--path-prefix", "before", "health").status()).isEqualTo(0);
        assertThat(lastAsked().pathPrefix()).isEqualTo("before");
        assertThat(cli.run("health", "--path-prefix", "after").status()).isEqualTo(0);
        assertThat(lastAsked().pathPrefix()).isEqualTo("after");
    }

    @Test
    @DisplayName("an unknown storeType exits 2 and lists the known ones")
    void unknownStoreType() {
        Cli.Result r = new Cli(BackendFactory.DEFAULT).run("get", "k", "--store-type", "nosuch");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("nosuch").contains("memory");
    }

    @Test
    @DisplayName("a malformed address exits 2 and names it")
    void malformedAddress() {
        Cli.Result r = new Cli(BackendFactory.DEFAULT).run("health", "--store-type", "etcd", "--address", "no port");
        assertThat(r.status()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("malformed address").contains("no port");
    }

    @Test
    @DisplayName("an option the store does not know exits 2 and names it")
    void unknownOption() {
        Cli.Result r = new Cli(BackendFactory.DEFAULT).run("health", "--option", "colour=blue");
        assertThat(r.status()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("colour");
    }

    @Test
    @DisplayName("malformed option, timeout or configuration file exit 2 with one line naming it")
    void malformed() throws Exception {
        Cli cli = new Cli(backends);
        Cli.Result option = cli.run("health", "--option", "novalue");
        assertThat(option.status()).isEqualTo(2);
        assertThat(option.err()).contains("novalue").contains("KEY=VALUE");
        Cli.Result envOption =
                new Cli(backends).env("KVSTORE_OPTIONS", "a=1,broken").run("health");
        assertThat(envOption.status()).isEqualTo(2);
        assertThat(envOption.err()).contains("broken").contains("KVSTORE_OPTIONS");
        Cli.Result timeout = cli.run("health", "--timeout", "soon");
        assertThat(timeout.status()).isEqualTo(2);
        assertThat(timeout.err()).contains("soon");
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "adress=x:1\n");
        Cli.Result config = cli.run("health", "--config", file.toString());
        assertThat(config.status()).isEqualTo(2);
        assertThat(config.err()).contains("adress");
        Cli.Result missing = cli.run("health", "--config", dir.resolve("none").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read configuration file");
        for (Cli.Result r : new Cli.Result[] {option, envOption, timeout, config, missing}) {
            assertThat(r.err().lines()).as(r.toString()).hasSize(1);
        }
    }

    @Test
    @DisplayName("usage errors exit 2: unknown command, unknown flag, missing argument, no command")
    void usage() {
        Cli cli = new Cli(backends);
        assertThat(cli.run("frobnicate").status()).isEqualTo(2);
        assertThat(cli.run("get", "k", "--frob").status()).isEqualTo(2);
        Cli.Result missing = cli.run("get");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err())
                .isEqualTo("kvctl get: Missing required parameter: 'KEY' (see 'kvctl get --help')"
                        + System.lineSeparator());
        Cli.Result none = cli.run();
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("Usage: kvctl");
    }

    @Test
    @DisplayName("--help exits 0 and documents the exit statuses; --version exits 0")
    void help() {
        Cli cli = new Cli(backends);
        Cli.Result help = cli.run("--help");
        assertThat(help.status()).isEqualTo(0);
        assertThat(help.out()).contains("Exit status:").contains("3  store unavailable");
        assertThat(cli.run("watch", "--help").out()).contains("--prefix").contains("--json");
        assertThat(cli.run("--version").status()).isEqualTo(0);
        Cli.Result helpGet = cli.run("help", "get");
        assertThat(helpGet.status()).isEqualTo(0);
        assertThat(helpGet.out()).contains("Usage: kvctl get");
    }

    @Test
    @DisplayName("completion prints a bash completion script for every command")
    void completion() {
        Cli.Result r = new Cli(backends).run("completion");
        assertThat(r.status()).isEqualTo(0);
        assertThat(r.out()).contains("complete -F").contains("dump").contains("--store-type");
    }
}

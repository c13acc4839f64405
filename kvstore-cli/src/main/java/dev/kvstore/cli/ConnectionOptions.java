package dev.kvstore.cli;

import dev.kvstore.KvStoreConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The connection options every command shares. Each is taken from, in this order: the flag, the
 * environment variable, the configuration file ({@code --config} or {@code KVSTORE_CONFIG}), the default.
 * Store options ({@code --option}) are merged name by name in the same order.
 *
 * <table>
 *   <caption>Sources of each setting</caption>
 *   <tr><th>flag</th><th>environment</th><th>config file key</th><th>default</th></tr>
 *   <tr><td>--store-type</td><td>KVSTORE_STORE_TYPE</td><td>store-type</td><td>memory</td></tr>
 *   <tr><td>--address</td><td>KVSTORE_ADDRESS</td><td>address</td><td>(empty)</td></tr>
 *   <tr><td>--path-prefix</td><td>KVSTORE_PATH_PREFIX</td><td>path-prefix</td><td>(empty: none)</td></tr>
 *   <tr><td>--timeout</td><td>KVSTORE_TIMEOUT</td><td>timeout</td><td>5s</td></tr>
 *   <tr><td>--option k=v</td><td>KVSTORE_OPTIONS=k=v,k2=v2</td><td>option.k=v</td><td>none</td></tr>
 * </table>
 */
final class ConnectionOptions {

    static final String ENV_STORE_TYPE = "KVSTORE_STORE_TYPE";
    static final String ENV_ADDRESS = "KVSTORE_ADDRESS";
    static final String ENV_PATH_PREFIX = "KVSTORE_PATH_PREFIX";
    static final String ENV_TIMEOUT = "KVSTORE_TIMEOUT";
    static final String ENV_OPTIONS = "KVSTORE_OPTIONS";
    static final String ENV_CONFIG = "KVSTORE_CONFIG";
    static final String DEFAULT_STORE_TYPE = "memory";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(
            names = "--store-type",
            paramLabel = "TYPE",
            scope = ScopeType.INHERIT,
            description = "storeType: memory, etcd, redis, redis-sentinel, zookeeper "
                    + "(env KVSTORE_STORE_TYPE; default memory).")
    String storeType;

    @Option(
            names = "--address",
            paramLabel = "HOST:PORT[,...]",
            scope = ScopeType.INHERIT,
            description = "Store address(es), comma-separated (env KVSTORE_ADDRESS).")
    String address;

    @Option(
            names = "--path-prefix",
            paramLabel = "PATH",
            scope = ScopeType.INHERIT,
            description = "The Backend's path prefix: keys are stored as PATH/KEY "
                    + "(env KVSTORE_PATH_PREFIX; default none).")
    String pathPrefix;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            scope = ScopeType.INHERIT,
            description = "Timeout of each operation, e.g. 500ms, 5s, PT1M (env KVSTORE_TIMEOUT; default 5s).")
    String timeout;

    @Option(
            names = "--option",
            paramLabel = "KEY=VALUE",
            scope = ScopeType.INHERIT,
            description = "A store option; repeatable (env KVSTORE_OPTIONS=k=v,k2=v2).")
    List<String> options = new ArrayList<>();

    @Option(
            names = "--config",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "Properties file with store-type, address, path-prefix, timeout, option.NAME "
                    + "(env KVSTORE_CONFIG).")
    Path config;

    /**
     * Resolves the settings: flag, then environment, then configuration file, then default.
     *
     * @throws ParameterException when a value is malformed or the configuration file cannot be read
     */
    ConnectionSettings resolve(Map<String, String> env) {
        Properties file = loadConfig(env);
        String type = pick(storeType, env.get(ENV_STORE_TYPE), file.getProperty("store-type"), DEFAULT_STORE_TYPE);
        String addr = pick(address, env.get(ENV_ADDRESS), file.getProperty("address"), "");
        String prefix = pick(pathPrefix, env.get(ENV_PATH_PREFIX), file.getProperty("path-prefix"), "");
        String time = pick(timeout, env.get(ENV_TIMEOUT), file.getProperty("timeout"), null);
        Duration parsedTimeout = time == null ? KvStoreConfig.DEFAULT_TIMEOUT : parseDuration("--timeout", time);

        Map<String, String> merged = new TreeMap<>();
        for (String name : file.stringPropertyNames()) {
            if (name.startsWith("option.")) {
                merged.put(name.substring("option.".length()), file.getProperty(name));
            }
        }
        String envOptions = env.get(ENV_OPTIONS);
        if (envOptions != null && !envOptions.isBlank()) {
            for (String pair : envOptions.split(",")) {
                if (!pair.isBlank()) {
                    putOption(merged, pair.trim(), ENV_OPTIONS);
                }
            }
        }
        for (String pair : options) {
            putOption(merged, pair, "--option");
        }
        return new ConnectionSettings(type, addr, prefix, parsedTimeout, merged);
    }

    private Properties loadConfig(Map<String, String> env) {
        Properties props = new Properties();
        Path file = config;
        if (file == null && env.get(ENV_CONFIG) != null && !env.get(ENV_CONFIG).isBlank()) {
            file = Path.of(env.get(ENV_CONFIG));
        }
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(r);
            } catch (IOException | RuntimeException e) {
                throw usage("cannot read configuration file " + file + ": " + e.getMessage());
            }
            List<String> unknown = new ArrayList<>();
            for (String name : props.stringPropertyNames()) {
                if (!name.startsWith("option.")
                        && !List.of("store-type", "address", "path-prefix", "timeout")
                                .contains(name)) {
                    unknown.add(name);
                }
            }
            if (!unknown.isEmpty()) {
                throw usage("configuration file " + file + " has unknown key(s) " + unknown
                        + "; known: store-type, address, path-prefix, timeout, option.NAME");
            }
        }
        return props;
    }

    private void putOption(Map<String, String> into, String pair, String source) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            throw usage("malformed store option \"" + pair + "\" in " + source + ": expected KEY=VALUE");
        }
        into.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
    }

    Duration parseDuration(String what, String text) {
        try {
            Duration d = KvStoreConfig.parseDuration(text);
            if (d.isNegative() || d.isZero()) {
                throw usage(what + " must be positive, got \"" + text + "\"");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw usage(what + ": " + e.getMessage() + " (use e.g. 500ms, 5s, 2m or PT5S)");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }

    private static String pick(String... candidates) {
        for (String c : candidates) {
            if (c != null) {
                return c;
            }
        }
        return null;
    }
}

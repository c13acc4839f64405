package dev.kvstore;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a store needs to connect: its storeType, address, timeout and store-specific options.
 * Immutable. Built with {@link #builder()}; checked when built, before any connection opens.
 * {@link #toString()} never shows a secret option (any option whose name contains
 * {@code password}, {@code secret} or {@code token}).
 */
public final class KvStoreConfig {

    /** Default timeout of operations: 5 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final String storeType;
    private final String address;
    private final Duration timeout;
    private final Map<String, String> options;

    private KvStoreConfig(Builder b) {
        this.storeType = b.storeType;
        this.address = b.address;
        this.timeout = b.timeout;
        this.options = Collections.unmodifiableMap(new TreeMap<>(b.options));
    }

    /**
     * Starts a configuration.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this configuration's settings, to derive another from it.
     *
     * @return a new builder with this configuration's settings
     */
    public Builder toBuilder() {
        Builder b = new Builder().storeType(storeType).address(address).timeout(timeout);
        b.options.putAll(options);
        return b;
    }

    /**
     * The storeType: lowercase, such as {@code etcd}.
     *
     * @return the storeType
     */
    public String storeType() {
        return storeType;
    }

    /**
     * The address as given: one or more {@code host:port}, comma-separated; may be empty for a
     * store that needs none.
     *
     * @return the address
     */
    public String address() {
        return address;
    }

    /**
     * The address parsed into endpoints.
     *
     * @return one or more endpoints, in the order given
     * @throws KvStoreConfigurationException if the address is empty or an entry is not
     *     {@code host:port} with a port from 1 to 65535
     */
    public List<Endpoint> endpoints() {
        if (address.isBlank()) {
            throw new KvStoreConfigurationException(
                    "storeType " + storeType + " needs an address (host:port[,host:port...]), got none");
        }
        List<Endpoint> result = new ArrayList<>();
        for (String part : address.split(",", -1)) {
            result.add(Endpoint.parse(part.trim(), address));
        }
        return List.copyOf(result);
    }

    /**
     * How long one operation may take before it fails with {@link KvStoreUnavailableException}.
     *
     * @return the timeout, positive
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Every store option, by name.
     *
     * @return an unmodifiable map in name order
     */
    public Map<String, String> options() {
        return options;
    }

    /**
     * One option's raw value.
     *
     * @param name the option's name
     * @return its value, or empty when not set
     */
    public java.util.Optional<String> option(String name) {
        return java.util.Optional.ofNullable(options.get(name));
    }

    /**
     * An option as a whole number.
     *
     * @param name the option's name
     * @param defaultValue the value when unset
     * @return the option's value
     * @throws KvStoreConfigurationException if the value is not a whole number
     */
    public long longOption(String name, long defaultValue) {
        String v = options.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new KvStoreConfigurationException("option " + name + " must be a whole number, got \"" + v + "\"", e);
        }
    }

    /**
     * An option as a boolean ({@code true} or {@code false}, any case).
     *
     * @param name the option's name
     * @param defaultValue the value when unset
     * @return the option's value
     * @throws KvStoreConfigurationException if the value is neither true nor false
     */
    public boolean booleanOption(String name, boolean defaultValue) {
        String v = options.get(name);
        if (v == null) {
            return defaultValue;
        }
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new KvStoreConfigurationException("option " + name + " must be true or false, got \"" + v + "\"");
        }
    }

    /**
     * An option as a duration: ISO-8601 ({@code PT2S}) or a number with a unit ({@code 500ms},
     * {@code 2s}, {@code 1m}); a bare number is milliseconds.
     *
     * @param name the option's name
     * @param defaultValue the value when unset
     * @return the option's value
     * @throws KvStoreConfigurationException if the value is not a duration
     */
    public Duration durationOption(String name, Duration defaultValue) {
        String v = options.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new KvStoreConfigurationException(
                    "option " + name + " must be a duration such as 500ms, 2s or PT2S, got \"" + v + "\"", e);
        }
    }

    /**
     * Parses a duration: ISO-8601 ({@code PT2S}) or a number with a unit {@code ms}, {@code s},
     * {@code m} or {@code h}; a bare number is milliseconds.
     *
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException if the text is not a duration
     */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(
                        Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(
                        Long.parseLong(t.substring(0, t.length() - 1).trim()));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(
                        Long.parseLong(t.substring(0, t.length() - 1).trim()));
            }
            if (t.endsWith("h")) {
                return Duration.ofHours(
                        Long.parseLong(t.substring(0, t.length() - 1).trim()));
            }
            return Duration.ofMillis(Long.parseLong(t));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: \"" + text + "\"", e);
        }
    }

    /**
     * A file option: the path of a file that must exist and be readable now, so that a wrong path
     * fails at creation rather than at the first connection.
     *
     * @param name the option's name
     * @return the file, or empty when the option is unset or blank
     * @throws KvStoreConfigurationException if the value is not a path, or names no readable
     *     regular file
     */
    public java.util.Optional<Path> fileOption(String name) {
        if (!isSet(name)) {
            return java.util.Optional.empty();
        }
        String value = options.get(name).strip();
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new KvStoreConfigurationException(
                    "option " + name + " must be a file path, got \"" + value + "\"", e);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new KvStoreConfigurationException(
                    "option " + name + " names " + path.toAbsolutePath() + ", which is not a readable file");
        }
        return java.util.Optional.of(path);
    }

    /**
     * Whether an option is set to something: present and not blank. The checks below count a
     * blank value as unset.
     *
     * @param name the option's name
     * @return {@code true} if it has a non-blank value
     */
    public boolean isSet(String name) {
        String v = options.get(name);
        return v != null && !v.isBlank();
    }

    /**
     * Fails unless the options are all set or all unset, such as a client certificate and its key.
     *
     * @param names the options that go together
     * @throws KvStoreConfigurationException naming them all when only some are set
     */
    public void requireTogether(String... names) {
        long set = java.util.Arrays.stream(names).filter(this::isSet).count();
        if (set != 0 && set != names.length) {
            throw new KvStoreConfigurationException(
                    "options " + String.join(" and ", names) + " go together: set all or none of them");
        }
    }

    /**
     * Fails if {@code option} is set but {@code needed} is not, such as a username without its
     * password (a password alone may be fine).
     *
     * @param option the option that needs another
     * @param needed the option it needs
     * @throws KvStoreConfigurationException naming both
     */
    public void requireWith(String option, String needed) {
        if (isSet(option) && !isSet(needed)) {
            throw new KvStoreConfigurationException("option " + option + " needs option " + needed + " too");
        }
    }

    /**
     * An option's value as it may be shown to a person: {@code ****} for a
     * {@linkplain #isSecret secret} option, the value otherwise. Every store shows options only
     * through this method or {@link #toString()}.
     *
     * @param name the option's name
     * @return the shown value, or empty when the option is unset
     */
    public java.util.Optional<String> shownOption(String name) {
        String v = options.get(name);
        return v == null ? java.util.Optional.empty() : java.util.Optional.of(mask(name, v));
    }

    /**
     * A value as it may be shown to a person: {@code ****} if the option is a
     * {@linkplain #isSecret secret}, the value otherwise.
     *
     * @param optionName the option's name
     * @param value its value
     * @return the value, or {@code ****}
     */
    public static String mask(String optionName, String value) {
        return isSecret(optionName) ? "****" : value;
    }

    /**
     * Fails if an option is set that is not among {@code known}: a misspelt option is an error,
     * not silently ignored.
     *
     * @param known every option name the store understands
     * @throws KvStoreConfigurationException naming the unknown options and the known ones
     */
    public void requireKnownOptions(Set<String> known) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new KvStoreConfigurationException("unknown option(s) " + unknown + " for storeType " + storeType
                    + "; known options: " + new TreeSet<>(known));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvStoreConfig c
                && storeType.equals(c.storeType)
                && address.equals(c.address)
                && timeout.equals(c.timeout)
                && options.equals(c.options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(storeType, address, timeout, options);
    }

    /** Shows every setting but the values of secret options, which read {@code ****}. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        options.forEach((k, v) -> shown.put(k, mask(k, v)));
        return "KvStoreConfig[storeType=" + storeType + ", address=" + address + ", timeout=" + timeout + ", options="
                + shown + "]";
    }

    /**
     * Whether an option's value is a secret that must never be printed.
     *
     * @param optionName the option's name
     * @return {@code true} if its name contains password, secret or token
     */
    public static boolean isSecret(String optionName) {
        String n = optionName.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("token");
    }

    /** One {@code host:port} of an address. */
    public record Endpoint(String host, int port) {
        /**
         * Checks the parts.
         *
         * @param host the host name or address
         * @param port the port
         * @throws NullPointerException if {@code host} is null
         */
        public Endpoint {
            Objects.requireNonNull(host, "host");
        }

        static Endpoint parse(String part, String whole) {
            int colon = part.lastIndexOf(':');
            if (colon <= 0 || colon == part.length() - 1) {
                throw new KvStoreConfigurationException(
                        "malformed address \"" + whole + "\": entry \"" + part + "\" is not host:port");
            }
            String host = part.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
                throw new KvStoreConfigurationException(
                        "malformed address \"" + whole + "\": entry \"" + part + "\" has no valid host");
            }
            int port;
            try {
                port = Integer.parseInt(part.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new KvStoreConfigurationException(
                        "malformed address \"" + whole + "\": port of \"" + part + "\" is not a number", e);
            }
            if (port < 1 || port > 65535) {
                throw new KvStoreConfigurationException(
                        "malformed address \"" + whole + "\": port " + port + " is not between 1 and 65535");
            }
            return new Endpoint(host, port);
        }

        /** {@code host:port}, with brackets around an IPv6 host. */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Builds a {@link KvStoreConfig}. Not thread-safe. */
    public static final class Builder {
        private String storeType;
        private String address = "";
        private Duration timeout = DEFAULT_TIMEOUT;
        private final Map<String, String> options = new TreeMap<>();

        private Builder() {}

        /**
         * Sets the storeType.
         *
         * @param storeType such as {@code etcd}; matched case-insensitively, kept lowercase
         * @return this builder
         */
        public Builder storeType(String storeType) {
            this.storeType =
                    Objects.requireNonNull(storeType, "storeType").trim().toLowerCase(Locale.ROOT);
            return this;
        }

        /**
         * Sets the address.
         *
         * @param address one or more {@code host:port}, comma-separated; empty for none
         * @return this builder
         */
        public Builder address(String address) {
            this.address = Objects.requireNonNull(address, "address").trim();
            return this;
        }

        /**
         * Sets the timeout of every operation.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets one store option.
         *
         * @param name the option's name
         * @param value its value
         * @return this builder
         */
        public Builder option(String name, String value) {
            Objects.requireNonNull(name, "option name");
            Objects.requireNonNull(value, () -> "value of option " + name);
            options.put(name, value);
            return this;
        }

        /**
         * Sets several store options.
         *
         * @param options names and values
         * @return this builder
         */
        public Builder options(Map<String, String> options) {
            options.forEach(this::option);
            return this;
        }

        /**
         * Checks the settings and builds the configuration.
         *
         * @return the configuration
         * @throws KvStoreConfigurationException if the storeType is missing or blank, or the
         *     timeout is not positive
         */
        public KvStoreConfig build() {
            if (storeType == null || storeType.isEmpty()) {
                throw new KvStoreConfigurationException("storeType is required");
            }
            if (timeout.isZero() || timeout.isNegative()) {
                throw new KvStoreConfigurationException("timeout must be positive, got " + timeout);
            }
            return new KvStoreConfig(this);
        }
    }
}

package dev.kvstore.cli;

import dev.kvstore.KvStoreConfigurationException;
import dev.kvstore.KvStoreException;
import dev.kvstore.KvStoreUnavailableException;
import dev.kvstore.spi.Futures;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code kvctl}: the command-line tool for any store. Run {@code kvctl --help}, or see the module's README.
 *
 * <p>Exit statuses: 0 ok, 1 key not found, 2 usage error (also: unknown storeType, malformed address or
 * option, bad input, a refused confirmation, an operation the store does not support), 3 store unavailable,
 * 4 other store error, 5 a condition did not hold (nothing written).
 */
@Command(
        name = "kvctl",
        mixinStandardHelpOptions = true,
        versionProvider = Kvctl.Version.class,
        usageHelpAutoWidth = true,
        description = "Inspect, watch, copy, back up and benchmark any kvstore store "
                + "(memory, etcd, redis, redis-sentinel, zookeeper).",
        subcommands = {
            GetCommand.class,
            PutCommand.class,
            TxnCommand.class,
            LsCommand.class,
            RmCommand.class,
            WatchCommand.class,
            HealthCommand.class,
            DumpCommand.class,
            LoadCommand.class,
            CopyCommand.class,
            BenchCommand.class,
            DemoCommand.class,
            CompletionCommand.class,
            CoordinationCommands.LockCommand.class,
            CoordinationCommands.ElectCommand.class,
            CoordinationCommands.LeaderCommand.class,
            LeaseCommands.LeaseCommand.class,
            ReindexCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nExit status:%n",
        footer = {
            "  0  ok",
            "  1  key not found",
            "  2  usage error: bad arguments, unknown storeType, malformed address/option/input, declined confirmation, "
                    + "an operation the store does not support",
            "  3  store unavailable (unreachable or timed out)",
            "  4  other store error",
            "  5  a condition did not hold (put --if-absent/--if-version, txn): nothing written",
            "%nConnection options may come from the environment (KVSTORE_STORE_TYPE, KVSTORE_ADDRESS, "
                    + "KVSTORE_PATH_PREFIX, KVSTORE_TIMEOUT, KVSTORE_OPTIONS=k=v,k2=v2, KVSTORE_CONFIG) or a "
                    + "properties file (--config); flags win over the environment, which wins over the file."
        })
public final class Kvctl implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Print stack traces of errors, and the drivers' log at INFO.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    private final Io io;
    private ConnectionSettings lastSettings;

    Kvctl(Io io) {
        this.io = io;
    }

    /**
     * Runs {@code kvctl} and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        configureLogging(java.util.Arrays.asList(args).contains("--verbose")
                || java.util.Arrays.asList(args).contains("-v"));
        Io io = Io.system();
        int status = run(io, args);
        io.out().flush();
        io.err().flush();
        System.exit(status);
    }

    /** Runs one command line in this process and returns its exit status. */
    static int run(Io io, String... args) {
        return commandLine(io).execute(args);
    }

    /** The picocli command line of the tool, writing to the given streams. */
    static CommandLine commandLine(Io io) {
        CommandLine cl = new CommandLine(new Kvctl(io));
        cl.setOut(new PrintWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(io.err(), StandardCharsets.UTF_8), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Kvctl::handleExecutionException);
        cl.setParameterExceptionHandler(Kvctl::handleParameterException);
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitStatus.USAGE;
    }

    Io io() {
        return io;
    }

    /** Resolves the connection settings (flags, environment, configuration file, defaults). */
    ConnectionSettings settings() {
        lastSettings = connection.resolve(io.env());
        return lastSettings;
    }

    /** Names {@code settings} as the store an error that follows comes from (copy's target, say). */
    void blame(ConnectionSettings settings) {
        lastSettings = settings;
    }

    private static int handleParameterException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        err.println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
        Kvctl root = root(cl);
        if (root != null && root.verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitStatus.USAGE;
    }

    private static int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        Throwable t = Futures.unwrap(ex);
        Kvctl root = root(cl);
        String where = root != null && root.lastSettings != null ? root.lastSettings.describe() : "the store";
        int status;
        String message;
        if (t instanceof KvStoreUnavailableException) {
            status = ExitStatus.UNAVAILABLE;
            message = "store unavailable (" + where + "): " + t.getMessage();
        } else if (t instanceof KvStoreConfigurationException) {
            status = ExitStatus.USAGE;
            message = t.getMessage();
        } else if (t instanceof KvStoreException) {
            status = ExitStatus.STORE_ERROR;
            message = "store error (" + where + "): " + t.getMessage();
        } else if (t instanceof UnsupportedOperationException) {
            status = ExitStatus.USAGE;
            message = "not supported by " + where + ": " + t.getMessage();
        } else if (t instanceof IllegalArgumentException) {
            status = ExitStatus.USAGE;
            message = t.getMessage();
        } else if (t instanceof InputException) {
            status = ExitStatus.USAGE;
            message = t.getMessage();
        } else {
            status = ExitStatus.STORE_ERROR;
            message = "unexpected error: " + t;
        }
        PrintWriter err = cl.getErr();
        err.println(cl.getCommandSpec().qualifiedName() + ": " + message);
        if (root != null && root.verbose) {
            t.printStackTrace(err);
        }
        err.flush();
        return status;
    }

    private static Kvctl root(CommandLine cl) {
        Object top = cl.getCommandSpec().root().userObject();
        return top instanceof Kvctl k ? k : null;
    }

    /** Drivers log nothing unless {@code --verbose} (kvctl reports errors itself): SLF4J (slf4j-simple) and java.util.logging (grpc). */
    private static void configureLogging(boolean verbose) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "off");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        java.util.logging.Logger rootLogger = LogManager.getLogManager().getLogger("");
        rootLogger.setLevel(verbose ? Level.INFO : Level.OFF);
    }

    /** The version in the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Kvctl.class.getPackage().getImplementationVersion();
            return new String[] {"kvctl " + (v == null ? "(development build)" : v)};
        }
    }
}

package dev.kvstore.cli;

import dev.kvstore.backend.Backend;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that works on one store: opens the Backend, runs, gives the Backend back. */
abstract class StoreCommand implements Callable<Integer> {

    /** kvctl itself, for the connection settings; set when the command runs (it may be nested, as lease ls). */
    Kvctl root;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        root = (Kvctl) spec.root().userObject();
        Io io = root.io();
        Backend backend = io.backends().open(root.settings());
        try {
            return run(backend, io);
        } finally {
            io.out().flush();
            io.backends().release(backend);
        }
    }

    /** The command's work; returns the exit status. */
    abstract int run(Backend backend, Io io) throws Exception;

    /** A usage error of this command (exit status 2). */
    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}

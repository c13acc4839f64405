package dev.kvstore.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kvctl completion}: prints the bash/zsh completion script. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {"Print a bash (and zsh) completion script for kvctl.", "Use: source <(kvctl completion)"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("kvctl", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitStatus.OK;
    }
}

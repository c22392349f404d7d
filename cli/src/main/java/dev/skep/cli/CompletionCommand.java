package dev.skep.cli;

import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** skep completion bash|zsh|fish: a completion script made from the command model, so it never lags behind it. */
@Command(name = "completion", description = {"Print a shell completion script for skep's verbs and options.",
    "  bash: source <(skep completion bash)        zsh: source <(skep completion zsh)",
    "  fish: skep completion fish > ~/.config/fish/completions/skep.fish"})
final class CompletionCommand extends LocalVerb {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish")
    String shell;

    @Override
    public Integer call() {
        CommandLine root = spec.parent().commandLine();
        if (root instanceof VerbsOnDemand verbs) {
            verbs.registerAll(); // the script lists every verb, not only those this run needed
        }
        String script = switch (shell) {
            case "bash" -> AutoComplete.bash("skep", root);
            // picocli's script is bash's; zsh runs it through its bash compatibility layer
            case "zsh" -> "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
                    + AutoComplete.bash("skep", root);
            case "fish" -> fish(root);
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "no completion for shell '" + shell + "': use bash, zsh or fish");
        };
        skep.out().print(script);
        return SkepCli.EXIT_OK;
    }

    /** fish's complete lines: the verbs after skep, then each verb's options after it. */
    static String fish(CommandLine root) {
        StringBuilder out = new StringBuilder("# skep completion for fish, from skep's command model\n");
        out.append("complete -c skep -f\n");
        for (Map.Entry<String, CommandLine> verb : root.getSubcommands().entrySet()) {
            out.append("complete -c skep -n __fish_use_subcommand -a ").append(verb.getKey())
                    .append(" -d ").append(quote(first(verb.getValue().getCommandSpec().usageMessage().description())))
                    .append('\n');
            for (OptionSpec option : verb.getValue().getCommandSpec().options()) {
                StringBuilder line = new StringBuilder("complete -c skep -n '__fish_seen_subcommand_from ")
                        .append(verb.getKey()).append('\'');
                for (String name : option.names()) {
                    line.append(name.startsWith("--") ? " -l " + name.substring(2)
                            : name.length() == 2 ? " -s " + name.substring(1) : " -o " + name.substring(1));
                }
                if (option.arity().max() > 0) {
                    line.append(" -r");
                }
                line.append(" -d ").append(quote(first(option.description())));
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static String first(String[] lines) {
        return lines.length == 0 ? "" : lines[0];
    }

    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}

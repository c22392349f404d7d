package dev.skep.cli;

import dev.skep.model.AppId;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The words of a verb that lists an app's things or changes one (skep certs, domains, volumes):
 * {@code USER/APP} lists them, {@code ACTION USER/APP THING} changes one.
 *
 * @param action "ls" for a listing, else one of the verb's actions
 * @param thing  the domain or path changed; null for a listing
 */
record AppAction(String action, AppId app, String thing) {

    static final String LIST = "ls";

    /**
     * @param actions what may come first: the changes, and "ls" where the verb also takes {@code ls USER/APP}
     * @param use     the usage error when the words fit neither form
     */
    static AppAction parse(CommandSpec spec, List<String> args, List<String> actions, String use) {
        if (args.size() == 1 || args.size() == 2 && args.get(0).equals(LIST) && actions.contains(LIST)) {
            return new AppAction(LIST, SkepCli.appArgument(spec, args.get(args.size() - 1)), null);
        }
        if (args.size() != 3 || args.get(0).equals(LIST) || !actions.contains(args.get(0))) {
            throw new ParameterException(spec.commandLine(), use);
        }
        return new AppAction(args.get(0), SkepCli.appArgument(spec, args.get(1)), args.get(2));
    }

    boolean lists() {
        return action.equals(LIST);
    }
}

package dev.skep.server;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * A bad flag a mixin's own checks found (ApiOptions, EdgeOptions): picocli's usage error of the command the mixin is
 * in, so it prints with that command's usage and exits 2; a mixin built without picocli (a test) has no command and
 * gets an IllegalArgumentException.
 */
final class FlagError {

    private FlagError() {
    }

    /** @param mixee the command the mixin is in ({@code @Spec(Spec.Target.MIXEE)}), or null */
    static RuntimeException of(CommandSpec mixee, String why) {
        return mixee == null ? new IllegalArgumentException(why) : new ParameterException(mixee.commandLine(), why);
    }

    /** A value a constructor refused, as a usage error when there is a command; else the refusal itself. */
    static RuntimeException of(CommandSpec mixee, IllegalArgumentException refused) {
        return mixee == null ? refused : new ParameterException(mixee.commandLine(), refused.getMessage());
    }
}

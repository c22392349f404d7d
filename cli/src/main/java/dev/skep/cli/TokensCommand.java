package dev.skep.cli;

import dev.skep.model.view.TokenView;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** skep tokens ls|add|revoke: one's own tokens (an admin's: anyone's). */
@Command(name = "tokens", description = {"Manage API tokens: your own, or (admin) anyone's.",
    "  skep tokens ls [USER]            ids and dates, never the values",
    "  skep tokens add [USER] --expires 30d   prints the new token, once",
    "  skep tokens revoke ID"},
        subcommands = {TokensCommand.Ls.class, TokensCommand.Add.class, TokensCommand.Revoke.class})
final class TokensCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(skep.err());
        return SkepCli.EXIT_USAGE;
    }

    @Command(name = "ls", description = "List tokens by id, creation and expiry.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand
        TokensCommand tokens;

        @Mixin
        ClientOptions options;

        @Parameters(index = "0", arity = "0..1", paramLabel = "USER", description = "default: you")
        String user;

        @Option(names = "--json", description = "print one JSON document (the API's fields), no table")
        boolean json;

        @Override
        public Integer call() {
            SkepCli skep = tokens.skep;
            if (json) {
                skep.out().println(Views.json(skep.client(options).accounts().tokens(user)));
                return SkepCli.EXIT_OK;
            }
            Instant now = skep.clock().instant();
            Table table = new Table("ID", "USER", "CREATED", "EXPIRES");
            for (TokenView t : skep.client(options).accounts().tokens(user)) {
                String expires = t.expires() == null ? "never"
                        : t.expires() + (t.expires().isAfter(now) ? "" : " (expired)");
                table.row(t.id(), t.user(), t.created(), expires);
            }
            table.print(skep.out());
            return SkepCli.EXIT_OK;
        }
    }

    @Command(name = "add", description = "Make a new token and print it (shown once: keep it).")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        TokensCommand tokens;

        @Mixin
        ClientOptions options;

        @Parameters(index = "0", arity = "0..1", paramLabel = "USER", description = "default: you")
        String user;

        @Option(names = "--expires", paramLabel = "LIFETIME", description = "30d, 12h, 90m (default: never)")
        String expires;

        @Override
        public Integer call() {
            SkepCli skep = tokens.skep;
            TokenView made = skep.client(options).accounts().addToken(user, expires);
            skep.out().println("token " + made.id() + " for " + made.user() + " (shown once):");
            skep.out().println("  " + made.token());
            skep.out().println(made.expires() == null ? "it does not expire" : "it expires " + made.expires());
            return SkepCli.EXIT_OK;
        }
    }

    @Command(name = "revoke", description = "Revoke a token by id: it stops working at once.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        TokensCommand tokens;

        @Mixin
        ClientOptions options;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            tokens.skep.client(options).accounts().revokeToken(id);
            tokens.skep.out().println("token " + id + " revoked");
            return SkepCli.EXIT_OK;
        }
    }
}

package dev.skep.cli;

import dev.skep.model.view.TokenView;
import dev.skep.model.view.UserView;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** skep users add|ls|rm (admin). */
@Command(name = "users", description = {"Manage users (admin only).",
    "  skep users add alice            prints alice's first token, once",
    "  skep users ls", "  skep users rm alice"},
        subcommands = {UsersCommand.Add.class, UsersCommand.Ls.class, UsersCommand.Rm.class})
final class UsersCommand extends VerbGroup {

    @Command(name = "add", description = "Create a user and print its first token (shown once: keep it).")
    static final class Add extends ClientVerb {
        @Parameters(index = "0", paramLabel = "NAME", description = "lower-case letters, digits, inner hyphens")
        String name;

        @Option(names = "--admin", description = "may manage every app and the users")
        boolean admin;

        @Option(names = "--expires", paramLabel = "LIFETIME", description = "the token's lifetime: 30d, 12h, 90m (default: none)")
        String expires;

        @Override
        public Integer call() {
            TokenView made = client().accounts().addUser(name, admin, expires);
            return TokensCommand.printNewToken(this, "user " + made.user() + (admin ? " (admin)" : "")
                    + " created; its token (shown once):", made);
        }
    }

    @Command(name = "ls", description = "List the users and how many tokens each has.")
    static final class Ls extends ListVerb<UserView> {
        @Override
        List<UserView> items() {
            return client().accounts().users();
        }

        @Override
        Table table() {
            return new Table("USER", "ROLE", "TOKENS", "CREATED");
        }

        @Override
        Object[] row(UserView u) {
            return new Object[] {u.name(), u.admin() ? "admin" : "user", u.tokens().size(), u.created()};
        }
    }

    @Command(name = "rm", description = "Delete a user and its tokens (its apps must be deleted first).")
    static final class Rm extends ClientVerb {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            client().accounts().removeUser(name);
            return done("user " + name + " deleted");
        }
    }
}

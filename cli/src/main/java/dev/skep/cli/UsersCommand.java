package dev.skep.cli;

import dev.skep.model.view.TokenView;
import dev.skep.model.view.UserView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** skep users add|ls|rm (admin). */
@Command(name = "users", description = {"Manage users (admin only).",
    "  skep users add alice            prints alice's first token, once",
    "  skep users ls", "  skep users rm alice"},
        subcommands = {UsersCommand.Add.class, UsersCommand.Ls.class, UsersCommand.Rm.class})
final class UsersCommand implements Callable<Integer> {

    @ParentCommand
    SkepCli skep;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(skep.err());
        return SkepCli.EXIT_USAGE;
    }

    @Command(name = "add", description = "Create a user and print its first token (shown once: keep it).")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        UsersCommand users;

        @Mixin
        ClientOptions options;

        @Parameters(index = "0", paramLabel = "NAME", description = "lower-case letters, digits, inner hyphens")
        String name;

        @Option(names = "--admin", description = "may manage every app and the users")
        boolean admin;

        @Option(names = "--expires", paramLabel = "LIFETIME", description = "the token's lifetime: 30d, 12h, 90m (default: none)")
        String expires;

        @Override
        public Integer call() {
            SkepCli skep = users.skep;
            TokenView made = skep.client(options).accounts().addUser(name, admin, expires);
            skep.out().println("user " + made.user() + (admin ? " (admin)" : "") + " created; its token (shown once):");
            skep.out().println("  " + made.token());
            skep.out().println("token id " + made.id() + (made.expires() == null ? ", does not expire"
                    : ", expires " + made.expires()));
            return SkepCli.EXIT_OK;
        }
    }

    @Command(name = "ls", description = "List the users and how many tokens each has.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand
        UsersCommand users;

        @Mixin
        ClientOptions options;

        @Option(names = "--json", description = "print one JSON document (the API's fields), no table")
        boolean json;

        @Override
        public Integer call() {
            SkepCli skep = users.skep;
            if (json) {
                skep.out().println(Views.json(skep.client(options).accounts().users()));
                return SkepCli.EXIT_OK;
            }
            Table table = new Table("USER", "ROLE", "TOKENS", "CREATED");
            for (UserView u : skep.client(options).accounts().users()) {
                table.row(u.name(), u.admin() ? "admin" : "user", u.tokens().size(), u.created());
            }
            table.print(skep.out());
            return SkepCli.EXIT_OK;
        }
    }

    @Command(name = "rm", description = "Delete a user and its tokens (its apps must be deleted first).")
    static final class Rm implements Callable<Integer> {
        @ParentCommand
        UsersCommand users;

        @Mixin
        ClientOptions options;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            users.skep.client(options).accounts().removeUser(name);
            users.skep.out().println("user " + name + " deleted");
            return SkepCli.EXIT_OK;
        }
    }
}

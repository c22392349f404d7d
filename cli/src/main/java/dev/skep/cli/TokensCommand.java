package dev.skep.cli;

import dev.skep.model.view.TokenView;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** skep tokens ls|add|revoke: one's own tokens (an admin's: anyone's). */
@Command(name = "tokens", description = {"Manage API tokens: your own, or (admin) anyone's.",
    "  skep tokens ls [USER]            ids and dates, never the values",
    "  skep tokens add [USER] --expires 30d   prints the new token, once",
    "  skep tokens revoke ID"},
        subcommands = {TokensCommand.Ls.class, TokensCommand.Add.class, TokensCommand.Revoke.class})
final class TokensCommand extends VerbGroup {

    @Command(name = "ls", description = "List tokens by id, creation and expiry.")
    static final class Ls extends ListVerb<TokenView> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "USER", description = "default: you")
        String user;

        @Override
        List<TokenView> items() {
            return client().accounts().tokens(user);
        }

        @Override
        Table table() {
            return new Table("ID", "USER", "CREATED", "EXPIRES");
        }

        @Override
        Object[] row(TokenView t) {
            Instant now = skep().clock().instant();
            String expires = t.expires() == null ? "never" : t.expires() + (t.expires().isAfter(now) ? "" : " (expired)");
            return new Object[] {t.id(), t.user(), t.created(), expires};
        }
    }

    @Command(name = "add", description = "Make a new token and print it (shown once: keep it).")
    static final class Add extends ClientVerb {
        @Parameters(index = "0", arity = "0..1", paramLabel = "USER", description = "default: you")
        String user;

        @Option(names = "--expires", paramLabel = "LIFETIME", description = "30d, 12h, 90m (default: never)")
        String expires;

        @Override
        public Integer call() {
            TokenView made = client().accounts().addToken(user, expires);
            return printNewToken(this, "token " + made.id() + " for " + made.user() + " (shown once):", made);
        }
    }

    @Command(name = "revoke", description = "Revoke a token by id: it stops working at once.")
    static final class Revoke extends ClientVerb {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            client().accounts().revokeToken(id);
            return done("token " + id + " revoked");
        }
    }

    /** A token just made, the only time its value shows: the headline, the value, its id and lifetime. */
    static int printNewToken(ClientVerb verb, String headline, TokenView made) {
        verb.out().println(headline);
        verb.out().println("  " + made.token());
        verb.out().println("token id " + made.id() + (made.expires() == null ? ", does not expire"
                : ", expires " + made.expires()));
        return SkepCli.EXIT_OK;
    }
}

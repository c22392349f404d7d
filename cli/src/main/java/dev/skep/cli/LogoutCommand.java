package dev.skep.cli;

import dev.skep.client.StoredLogin;
import picocli.CommandLine.Command;

/** skep logout: forget what skep login stored. */
@Command(name = "logout", description = {"Forget the server and token skep login stored.",
    "The token stays valid on the server: revoke it with skep tokens revoke ID."})
final class LogoutCommand extends LocalVerb {

    @Override
    public Integer call() {
        StoredLogin stored;
        try {
            stored = StoredLogin.load(skep.env(), skep.home());
        } catch (RuntimeException unreadable) {
            stored = null; // a broken file is forgotten all the same
        }
        boolean removed = StoredLogin.delete(skep.env(), skep.home());
        if (removed) {
            skep.out().println("logged out" + (stored == null ? "" : " of " + stored.server()) + ": removed "
                    + StoredLogin.file(skep.env(), skep.home()));
        } else {
            skep.out().println("not logged in: there is no " + StoredLogin.file(skep.env(), skep.home()));
        }
        return SkepCli.EXIT_OK;
    }
}

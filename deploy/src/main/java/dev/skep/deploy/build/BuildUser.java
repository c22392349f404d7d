package dev.skep.deploy.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The unprivileged uid/gid a build runs under when skep is root: npm runs the upload's install
 * scripts, which are the tenant's code and must never run as root. The app's own uid, so a build
 * can touch nothing the app itself could not.
 */
public record BuildUser(int uid, int gid) {

    static final String SETPRIV = "/usr/bin/setpriv";

    public BuildUser {
        if (uid <= 0 || gid <= 0) {
            throw new IllegalArgumentException("a build user must not be root, found uid " + uid + " gid " + gid);
        }
    }

    /** {@code setpriv} with this uid, no groups, no new privileges, no capabilities, then the command. */
    List<String> wrap(List<String> command) {
        List<String> out = new ArrayList<>(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + gid,
                "--clear-groups", "--no-new-privs", "--inh-caps=-all", "--"));
        out.addAll(command);
        return out;
    }

    /** Gives the tree to this user (links changed themselves, never followed). */
    public void own(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }
}

package dev.skep.supervise.workspace;

import dev.skep.model.AppId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;

/**
 * An app's entries in the agent's disk dirs are named {@code USER.APP} (a loop image {@code USER.APP.img}): how
 * {@link LoopDisks} and {@link MeasuredDisks} find the apps that have anything on this host.
 */
final class AppDirNames {

    private AppDirNames() {
    }

    /** The apps with an entry in {@code dir} named USER.APP or USER.APP + {@code suffix}, sorted; none without dir. */
    static Set<AppId> appsIn(Path dir, String suffix) throws IOException {
        Set<AppId> apps = new TreeSet<>(Comparator.comparing(AppId::toString));
        if (!Files.isDirectory(dir)) {
            return apps;
        }
        try (var entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue; // the spare image, files being made
                }
                AppId app = appOf(name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name);
                if (app != null) {
                    apps.add(app);
                }
            }
        }
        return apps;
    }

    /** "alice.shop" as an app, or null for a name that is none. */
    static AppId appOf(String name) {
        int dot = name.indexOf('.');
        if (dot < 1 || name.indexOf('.', dot + 1) >= 0) {
            return null;
        }
        try {
            return new AppId(name.substring(0, dot), name.substring(dot + 1));
        } catch (RuntimeException e) {
            return null;
        }
    }
}

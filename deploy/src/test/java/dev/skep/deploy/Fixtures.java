package dev.skep.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's fixture apps are. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path repo() {
        String property = System.getProperty("skep.repo");
        if (property != null && Files.isDirectory(Path.of(property, "fixtures"))) {
            return Path.of(property);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("fixtures/apps"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no fixtures/ above " + Path.of("").toAbsolutePath());
    }

    public static Path app(String name) {
        return repo().resolve("fixtures/apps").resolve(name);
    }
}

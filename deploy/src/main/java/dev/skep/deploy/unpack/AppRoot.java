package dev.skep.deploy.unpack;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the app inside an unpacked upload: the top itself ({@code tar -cz .}, with or without
 * "./" prefixes) or its single top folder (GitHub's tarballs, {@code tar -cz myapp}).
 */
final class AppRoot {

    static final List<String> MARKERS = List.of("package.json", "Procfile", "server.js", "app.js", "index.js");

    private AppRoot() {
    }

    static Path find(Path top) throws IOException {
        if (hasMarker(top)) {
            return top;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(top)) {
            children = list.limit(2).toList();
        }
        if (children.size() == 1 && Files.isDirectory(children.get(0), LinkOption.NOFOLLOW_LINKS)
                && hasMarker(children.get(0))) {
            return children.get(0);
        }
        throw new SkepException(Kind.UNPROCESSABLE,
                "no package.json, Procfile or server.js/app.js/index.js in the upload",
                "run tar from the app's directory (tar -cz . ) so package.json is at the top");
    }

    private static boolean hasMarker(Path dir) {
        return MARKERS.stream().anyMatch(name -> Files.isRegularFile(dir.resolve(name)));
    }
}

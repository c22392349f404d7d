package dev.skep.deploy.build;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many packages an app's node_modules holds at its top level (a scope's packages each counted): what the
 * deploy log says a prune removed, as npm's own prune prints "up to date" after removing every devDependency.
 */
final class InstalledPackages {

    private InstalledPackages() {
    }

    /** The count, or -1 without a node_modules (Plug'n'Play) or when it cannot be read. */
    static int count(Path appRoot) {
        Path modules = appRoot.resolve(BuildCache.NODE_MODULES);
        if (!Files.isDirectory(modules)) {
            return -1;
        }
        try {
            return count(modules, true);
        } catch (IOException e) {
            return -1;
        }
    }

    private static int count(Path dir, boolean top) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".") || !Files.isDirectory(entry)) {
                    continue; // .bin, .package-lock.json, pnpm's .pnpm store
                }
                n += top && name.startsWith("@") ? count(entry, false) : 1;
            }
        }
        return n;
    }
}

package dev.skep.model.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** npm's own package on disk: which version it is, read from its package.json rather than by running it. */
public final class NpmPackage {

    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern NAMED_NPM = Pattern.compile("\"name\"\\s*:\\s*\"npm\"");

    private NpmPackage() {
    }

    /** The version in the package.json of npm's package dir ({@code lib/node_modules/npm}), if it has one. */
    static Optional<String> version(Path pkg) throws IOException {
        Path json = pkg.resolve("package.json");
        if (!Files.isRegularFile(json)) {
            return Optional.empty();
        }
        Matcher said = VERSION.matcher(Files.readString(json));
        return said.find() ? Optional.of(said.group(1)) : Optional.empty();
    }

    /**
     * What the npm command at {@code npm} is, for a cache key: "npm 10.8.2" when it links to npm's package (as
     * installs lay it out: {@code bin/npm} to {@code lib/node_modules/npm/bin/npm-cli.js}); else its real path, size
     * and modification time, so a changed or replaced npm of another layout is never taken for the same.
     */
    public static String identity(Path npm) {
        try {
            Path real = npm.toRealPath();
            Path pkg = real.getParent() == null ? null : real.getParent().getParent();
            if (real.getFileName().toString().equals("npm-cli.js") && pkg != null
                    && Files.isRegularFile(pkg.resolve("package.json"))
                    && NAMED_NPM.matcher(Files.readString(pkg.resolve("package.json"))).find()) {
                Optional<String> version = version(pkg);
                if (version.isPresent()) {
                    return "npm " + version.get();
                }
            }
            return real + " " + Files.size(real) + " " + Files.getLastModifiedTime(real).toMillis();
        } catch (IOException e) {
            return npm + " unreadable"; // not there (a bare name): nothing to tell it by but the name
        }
    }
}

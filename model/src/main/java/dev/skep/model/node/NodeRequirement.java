package dev.skep.model.node;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Node version an app asks for, as written, and where: {@code engines.node} in package.json,
 * else {@code .nvmrc}, else {@code .node-version}; {@link #NONE} when it names none (the host's node).
 * Besides npm ranges it takes nvm's aliases: {@code node}/{@code latest}/{@code current} (the newest
 * major line), {@code lts/*} (the newest LTS line), {@code lts/-1}, {@code lts/iron}, {@code system}.
 */
public record NodeRequirement(String spec, String source) {

    public static final NodeRequirement NONE = new NodeRequirement("", "nothing (no engines.node, .nvmrc or .node-version)");

    /** nvm's codenames of the LTS lines (they never change once given). */
    private static final Map<String, Integer> LTS_CODENAMES = Map.ofEntries(Map.entry("argon", 4),
            Map.entry("boron", 6), Map.entry("carbon", 8), Map.entry("dubnium", 10), Map.entry("erbium", 12),
            Map.entry("fermium", 14), Map.entry("gallium", 16), Map.entry("hydrogen", 18), Map.entry("iron", 20),
            Map.entry("jod", 22), Map.entry("krypton", 24));

    private static final Pattern LTS_BACK = Pattern.compile("lts/-(\\d{1,2})");
    private static final long MAX_FILE_BYTES = 1024;

    public NodeRequirement {
        spec = spec.strip();
    }

    public boolean isNone() {
        return spec.isEmpty() || spec.equalsIgnoreCase("system");
    }

    /** engines.node when given, else the first of .nvmrc and .node-version in the app's root. */
    public static NodeRequirement of(Path appRoot, Optional<String> enginesNode) {
        if (enginesNode.isPresent() && !enginesNode.get().isBlank()) {
            return new NodeRequirement(enginesNode.get(), "package.json engines.node");
        }
        for (String file : List.of(".nvmrc", ".node-version")) {
            Optional<String> spec = firstLine(appRoot.resolve(file));
            if (spec.isPresent()) {
                return new NodeRequirement(spec.get(), file);
            }
        }
        return NONE;
    }

    /** The first line that is not blank or a comment; nvm allows "# ..." comments. */
    private static Optional<String> firstLine(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw unprocessable(file.getFileName() + " is larger than " + MAX_FILE_BYTES + " bytes",
                        "write just the version in it, e.g. 22");
            }
            for (String line : Files.readAllLines(file)) {
                int hash = line.indexOf('#');
                String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!text.isEmpty()) {
                    return Optional.of(text);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw unprocessable("could not read " + file.getFileName() + " (" + e.getMessage() + ")",
                    "write just the version in it, e.g. 22");
        }
    }

    /**
     * The range this asks for. Aliases need the releases there are (lazily: a plain range never asks).
     *
     * @throws SkepException (unprocessable) when it is neither a range nor an alias, naming where it was written
     */
    public NodeRange range(Supplier<List<NodeVersion>> available) {
        String s = spec.toLowerCase(Locale.ROOT);
        switch (s) {
            case "node", "latest", "current", "stable" -> {
                return line(newestMajor(available.get()));
            }
            case "lts", "lts/*" -> {
                return line(LtsLines.of(available.get()).get(0));
            }
            default -> {
            }
        }
        Matcher back = LTS_BACK.matcher(s);
        if (back.matches()) {
            List<Integer> lines = LtsLines.of(available.get());
            int k = Integer.parseInt(back.group(1));
            if (k >= lines.size()) {
                throw unprocessable(this + " goes back further than the LTS lines there are (" + lines + ")",
                        "name a major version instead, e.g. " + lines.get(0));
            }
            return line(lines.get(k));
        }
        if (s.startsWith("lts/")) {
            Integer major = LTS_CODENAMES.get(s.substring(4));
            if (major == null) {
                throw unprocessable(this + " is not an LTS codename skep knows (" + String.join(", ",
                        LTS_CODENAMES.keySet().stream().sorted().toList()) + ")", "name the major version instead, e.g. 22");
            }
            return line(major);
        }
        if (s.startsWith("iojs") || s.startsWith("io.js")) {
            throw unprocessable(this + ": io.js is not available", "name a Node.js version, e.g. 22");
        }
        try {
            return NodeRange.parse(spec);
        } catch (IllegalArgumentException e) {
            throw unprocessable(this + " is not a version range: " + e.getMessage(),
                    "write a range npm understands (22.x, ^22.1.0, >=20 <23) or an nvm alias (lts/*, node)");
        }
    }

    private static NodeRange line(int major) {
        return NodeRange.parse(major + ".x");
    }

    private static int newestMajor(List<NodeVersion> available) {
        return available.stream().filter(v -> !v.isPrerelease()).mapToInt(NodeVersion::major).max()
                .orElseThrow(() -> new SkepException(Kind.UNAVAILABLE, "the registry lists no Node release",
                        "check the server's npm configuration (npm config get registry)"));
    }

    static SkepException unprocessable(String message, String detail) {
        return new SkepException(Kind.UNPROCESSABLE, message, detail);
    }

    @Override
    public String toString() {
        return "\"" + spec + "\" (" + source + ")";
    }
}

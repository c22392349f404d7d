package dev.skep.cli;

import dev.skep.client.Json;
import dev.skep.client.JsonException;
import dev.skep.client.TextFiles;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import dev.skep.model.pack.IgnoreRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The app a project directory deploys to, remembered in its {@code .skep} file (one line,
 * {@code app=alice/shop}), like {@code heroku git:remote}: the first {@code skep deploy} names it,
 * later ones find it. {@link IgnoreRules} never uploads the file.
 */
final class ProjectLink {

    static final String FILE = IgnoreRules.PROJECT_LINK;

    private ProjectLink() {
    }

    /** The app DIR/.skep names, or null when there is no such file. */
    static AppId read(Path dir) {
        Path file = dir.resolve(FILE);
        String text = TextFiles.readIfPresent(file, e -> new CliFailure("cannot read " + file + ": " + e.getMessage(),
                "fix its permissions, or remove it and deploy with --app USER/APP", e));
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("app=")) {
                try {
                    return AppId.parse(trimmed.substring(4).trim());
                } catch (SkepException e) {
                    throw new CliFailure(file + " names no valid app: " + e.getMessage(),
                            "deploy with --app USER/APP, which rewrites it");
                }
            }
        }
        throw new CliFailure(file + " has no app= line", "deploy with --app USER/APP, which rewrites it");
    }

    /** Remembers app for DIR; true when the file changed. */
    static boolean write(Path dir, AppId app) {
        Path file = dir.resolve(FILE);
        try {
            if (Files.exists(file) && app.equals(read(dir))) {
                return false;
            }
            Files.writeString(file, "# the app skep deploy sends this directory to; never uploaded\napp=" + app + "\n",
                    StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            throw new CliFailure("cannot write " + file + ": " + e.getMessage(),
                    "check that the directory is writable; until then give --app every time", e);
        }
    }

    /**
     * The app {@code --app TEXT} names: USER/APP, or USER/ with the name in DIR/package.json
     * (when it is a valid app name as it stands: a scoped or capitalised name is not guessed at).
     */
    static AppId resolve(String text, Path dir) {
        if (!text.endsWith("/")) {
            return SkepCli.appId(text);
        }
        String user = text.substring(0, text.length() - 1);
        Path packageJson = dir.resolve("package.json");
        String name = packageName(packageJson);
        if (name == null) {
            throw new CliFailure("--app " + text + " takes the app's name from " + packageJson + ", which has no \"name\"",
                    "name the app: --app " + user + "/APP");
        }
        try {
            return AppId.parse(user + "/" + name);
        } catch (SkepException e) {
            throw new CliFailure("the name \"" + name + "\" in " + packageJson + " is not a valid app name: "
                    + e.getMessage(), "name the app: --app " + user + "/APP (" + AppId.NAME_RULE + ")");
        }
    }

    private static String packageName(Path packageJson) {
        try {
            Object tree = Json.parse(Files.readString(packageJson, StandardCharsets.UTF_8));
            return tree instanceof Map<?, ?> map && map.get("name") instanceof String name && !name.isBlank()
                    ? name : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (JsonException e) {
            throw new CliFailure(packageJson + " is not valid JSON: " + e.getMessage(), "fix it, or name the app: --app USER/APP");
        } catch (IOException e) {
            throw new CliFailure("cannot read " + packageJson + ": " + e.getMessage(), "name the app: --app USER/APP", e);
        }
    }
}

package dev.skep.model.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.model.json.SkepJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What npm hands every script about its package, given to an app's processes: {@code npm_package_name},
 * {@code npm_package_version} and {@code npm_package_json}. Apps read them (a version in a footer or a health answer)
 * because `npm start`, Heroku's default web, sets them; skep starts the command itself. Read from the sealed slug,
 * never from a copy the app can change; an app's own config vars of those names win.
 */
public final class NpmPackageEnv {

    /** Far above a real package.json: one bigger is not read at every launch. */
    private static final long MAX_BYTES = 1024 * 1024;

    private NpmPackageEnv() {
    }

    /**
     * @param slugDir the release's files, where package.json is read
     * @param appDir  where the process finds its files, for {@code npm_package_json}
     */
    public static void applyTo(Map<String, String> env, Path slugDir, Path appDir) {
        Path file = slugDir.resolve("package.json");
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_BYTES) {
                return;
            }
            JsonNode root = SkepJson.MAPPER.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                return;
            }
            text(root, "name").ifPresent(name -> env.putIfAbsent("npm_package_name", name));
            text(root, "version").ifPresent(version -> env.putIfAbsent("npm_package_version", version));
            env.putIfAbsent("npm_package_json", appDir.resolve("package.json").toString());
        } catch (IOException e) {
            // the build read it already; a slug that cannot be read here fails its launch on its own
        }
    }

    private static Optional<String> text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText())
                : Optional.empty();
    }
}

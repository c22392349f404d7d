package dev.skep.deploy.build;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The parts of an app's package.json the build reads, parsed strictly (as npm's JSON.parse would). */
public final class PackageJson {

    /** Real package.json files are a few KB; this stops a hostile one from filling the heap. */
    private static final long MAX_BYTES = 4L * 1024 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final JsonNode root;

    private PackageJson(JsonNode root) {
        this.root = root;
    }

    /** The app's package.json, or empty if it has none. */
    public static Optional<PackageJson> read(Path appRoot) {
        Path file = appRoot.resolve("package.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                throw unprocessable("package.json is not a regular file of at most " + MAX_BYTES + " bytes");
            }
            return Optional.of(parse(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not read package.json", "check the server's logs", e);
        }
    }

    static PackageJson parse(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw unprocessable("package.json is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw unprocessable("package.json is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw unprocessable("package.json must hold a JSON object");
        }
        return new PackageJson(root);
    }

    /** {@code scripts.start}, if set and not blank. */
    public Optional<String> startScript() {
        return text(root.path("scripts").path("start"), "scripts.start");
    }

    /** {@code main}, if set and not blank. */
    public Optional<String> main() {
        return text(root.path("main"), "main");
    }

    /** The {@code dependencies} object; an empty one if absent. */
    public JsonNode dependencies() {
        JsonNode deps = root.path("dependencies");
        return deps.isObject() ? deps : JsonNodeFactory.instance.objectNode();
    }

    public boolean hasDependencies() {
        return !dependencies().isEmpty();
    }

    private static Optional<String> text(JsonNode node, String field) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw unprocessable("package.json " + field + " must be a string");
        }
        String value = node.asText().strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static SkepException unprocessable(String message) {
        return new SkepException(Kind.UNPROCESSABLE, message, "fix package.json (try: node -e \"require('./package.json')\")");
    }
}

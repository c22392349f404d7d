package dev.skep.deploy.build;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.skep.model.json.SkepJson;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The parts of an app's package.json the build reads, parsed strictly (as npm's JSON.parse would). */
public final class PackageJson {

    /** Real package.json files are a few KB; this stops a hostile one from filling the heap. */
    private static final long MAX_BYTES = 4L * 1024 * 1024;

    private static final ObjectReader JSON = SkepJson.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final List<String> DEPENDENCY_FIELDS = List.of("dependencies", "devDependencies",
            "optionalDependencies", "peerDependencies", "bundleDependencies", "bundledDependencies", "overrides", "resolutions", "pnpm",
            "workspaces");

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

    /** {@code scripts.NAME}, if set and not blank: e.g. "build", "heroku-postbuild". */
    public Optional<String> script(String name) {
        return text(root.path("scripts").path(name), "scripts." + name);
    }

    /** {@code packageManager}, e.g. "pnpm@9.1.0", if set: corepack reads it too. */
    public Optional<String> packageManager() {
        return text(root.path("packageManager"), "packageManager");
    }

    /** {@code engines.node}, the Node version range the app asks for, if set and not blank. */
    public Optional<String> enginesNode() {
        JsonNode engines = root.path("engines");
        if (!engines.isMissingNode() && !engines.isNull() && !engines.isObject()) {
            throw unprocessable("package.json engines must be an object, e.g. {\"node\": \"22.x\"}");
        }
        return text(engines.path("node"), "engines.node");
    }

    /** {@code engines.npm}, the npm version range the app asks for, if set and not blank. */
    public Optional<String> enginesNpm() {
        enginesNode(); // the same check that engines is an object
        return text(root.path("engines").path("npm"), "engines.npm");
    }

    /** The {@code dependencies} object; an empty one if absent. */
    public JsonNode dependencies() {
        return object("dependencies");
    }

    public boolean hasDependencies() {
        return !dependencies().isEmpty();
    }

    public boolean hasDevDependencies() {
        return !object("devDependencies").isEmpty();
    }

    /** Anything for an install to do: dependencies of any kind. */
    public boolean hasAnyDependencies() {
        return DEPENDENCY_FIELDS.stream().anyMatch(field -> !object(field).isEmpty());
    }

    /**
     * Every field that decides what an install puts into node_modules, as one canonical text: part
     * of the node_modules cache key, so a package.json edit the lockfile missed is installed afresh
     * (and npm ci gets to say that the two disagree).
     */
    public String dependencyFields() {
        StringBuilder out = new StringBuilder();
        for (String field : DEPENDENCY_FIELDS) {
            out.append(field).append('=').append(root.path(field).toString()).append('\n');
        }
        return out.toString();
    }

    private JsonNode object(String field) {
        JsonNode node = root.path(field);
        return node.isObject() ? node : JsonNodeFactory.instance.objectNode();
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

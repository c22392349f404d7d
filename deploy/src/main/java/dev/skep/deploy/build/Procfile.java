package dev.skep.deploy.build;

import dev.skep.model.ProcessTypes;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Heroku-style Procfile: one {@code type: command} line per process type, blank lines and {@code #}
 * comments allowed. Anything else (a line without a colon, a type name skep cannot run, a type named twice, an
 * empty command) fails the deploy naming the line, rather than quietly not running what the owner wrote.
 */
final class Procfile {

    private static final long MAX_BYTES = 64 * 1024;
    private static final Pattern LINE = Pattern.compile("^([^:\\s]*)\\s*:\\s*(.*)$");

    private Procfile() {
    }

    /** The Procfile's commands by type, in its order; empty if there is no Procfile. */
    static Optional<Map<String, String>> read(Path appRoot) {
        Path file = appRoot.resolve("Procfile");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new SkepException(Kind.UNPROCESSABLE, "Procfile is larger than " + MAX_BYTES + " bytes",
                        "a Procfile holds one line per process type, e.g. web: node server.js");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkepException(Kind.UNPROCESSABLE, "could not read Procfile (" + e.getMessage() + ")",
                    "save the Procfile as UTF-8 text", e);
        }
        return Optional.of(parse(text));
    }

    /** Parses Procfile text; throws UNPROCESSABLE naming the first bad line. */
    static Map<String, String> parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "Procfile line " + (i + 1) + " '" + shorten(line) + "'";
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw bad(where + " is not 'type: command'");
            }
            String type = m.group(1);
            String command = m.group(2).strip();
            if (!ProcessTypes.isValidName(type)) {
                throw bad(where + " names the process type '" + type + "': a type is lower-case letters, digits, "
                        + "'_' and '-', starting with a letter, at most 30");
            }
            if (command.isEmpty()) {
                throw bad(where + " has no command after '" + type + ":'");
            }
            if (types.putIfAbsent(type, command) != null) {
                throw bad(where + " names '" + type + "' a second time");
            }
        }
        return Collections.unmodifiableMap(types);
    }

    private static String shorten(String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }

    private static SkepException bad(String message) {
        return new SkepException(Kind.UNPROCESSABLE, message,
                "write one process per line as 'type: command', e.g. 'web: node server.js', 'worker: node worker.js', "
                        + "'release: node migrate.js'");
    }
}

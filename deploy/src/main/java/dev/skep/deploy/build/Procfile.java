package dev.skep.deploy.build;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the {@code web:} line of a Heroku-style Procfile; other process types are not run here. */
final class Procfile {

    private static final long MAX_BYTES = 64 * 1024;
    private static final Pattern LINE = Pattern.compile("^([A-Za-z0-9_-]+)\\s*:\\s*(.*)$");

    private Procfile() {
    }

    /** The web command, or empty if there is no Procfile or it has no web line. */
    static Optional<String> webCommand(Path appRoot) {
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
        for (String line : text.split("\r?\n")) {
            Matcher m = LINE.matcher(line.strip());
            if (m.matches() && m.group(1).equals("web")) {
                String command = m.group(2).strip();
                if (command.isEmpty()) {
                    throw new SkepException(Kind.UNPROCESSABLE, "Procfile has an empty web: command",
                            "write the command after web:, e.g. web: node server.js");
                }
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }
}

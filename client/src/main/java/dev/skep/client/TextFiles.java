package dev.skep.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/** The small text files skep keeps for a user or a project (its login, a project's {@code .skep}). */
public final class TextFiles {

    private TextFiles() {
    }

    /**
     * The file's text (UTF-8), or null when there is no such file.
     *
     * @param failure what to throw when the file is there but cannot be read; says what to do about it
     */
    public static String readIfPresent(Path file, Function<IOException, RuntimeException> failure) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw failure.apply(e);
        }
    }
}

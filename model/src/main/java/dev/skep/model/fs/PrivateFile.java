package dev.skep.model.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file only its owner may read (0600: a secret, a token, a session) whole or not at all: to
 * {@code <name>.tmp} beside it, made 0600 as it is created, then moved over it. A reader sees the old file or the
 * new one, never half of one, and no other user can read it at any moment, not even before a chmod. The temp
 * file's name is fixed, so writers of one file take turns (each caller's writes are serialized or rare).
 */
public final class PrivateFile {

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private PrivateFile() {
    }

    /** Replaces {@code file} (or makes it) with {@code text} in UTF-8, mode 0600. */
    public static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces {@code file} (or makes it) with {@code content}, mode 0600. */
    public static void write(Path file, byte[] content) throws IOException {
        // one fixed name, not a random one: what a crash left behind is taken away by the next write
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, OWNER_ONLY);
        try {
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

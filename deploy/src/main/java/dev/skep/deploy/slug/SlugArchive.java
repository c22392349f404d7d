package dev.skep.deploy.slug;

import dev.skep.model.pack.TarGz;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A slug as a .tar.gz, for agents on other hosts: files, directories and symlinks (node_modules/.bin)
 * with their modes, paths relative to the slug, nothing else. Agents unpack it with the same safe
 * unpacker as uploads.
 */
public final class SlugArchive {

    private SlugArchive() {
    }

    /** Writes {@code slugDir} to {@code out} (not closed) as a gzipped tar. */
    public static void write(Path slugDir, OutputStream out) throws IOException {
        try (TarArchiveOutputStream tar = TarGz.open(out)) {
            List<Path> all;
            try (Stream<Path> walk = Files.walk(slugDir)) {
                all = walk.sorted().toList();
            }
            for (Path path : all) {
                if (path.equals(slugDir)) {
                    continue;
                }
                String name = slugDir.relativize(path).toString();
                TarArchiveEntry entry;
                if (Files.isSymbolicLink(path)) {
                    entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    entry.setLinkName(Files.readSymbolicLink(path).toString());
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    entry = new TarArchiveEntry(name + "/");
                    entry.setMode(040000 | TarGz.permissions(path, 0755));
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    entry = new TarArchiveEntry(name);
                    entry.setSize(Files.size(path));
                    entry.setMode(0100000 | TarGz.permissions(path, 0644));
                } else {
                    continue; // sockets, FIFOs: never part of a slug
                }
                tar.putArchiveEntry(entry);
                if (entry.isFile()) {
                    Files.copy(path, tar);
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }
}

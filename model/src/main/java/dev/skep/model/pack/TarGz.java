package dev.skep.model.pack;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** What every .tar.gz skep writes shares: an upload ({@link Tarball}) and a slug for other hosts alike. */
public final class TarGz {

    private TarGz() {
    }

    /**
     * A tar over gzip onto {@code out} with POSIX long names and big numbers; closing it writes the gzip trailer
     * but leaves {@code out} open for the caller.
     */
    public static TarArchiveOutputStream open(OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(new NonClosing(out), 1 << 16));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return tar;
    }

    /** The rwx bits of a file (not following a link), or {@code fallback} where the file system has none (Windows). */
    public static int permissions(Path path, int fallback) throws IOException {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return fallback;
        }
        Set<PosixFilePermission> set = Files.readAttributes(path, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).permissions();
        int mode = 0;
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if (set.contains(p)) {
                mode |= 1 << (8 - p.ordinal()); // OWNER_READ is 0400 ... OTHERS_EXECUTE is 01
            }
        }
        return mode;
    }

    /** Lets the gzip trailer be written without closing the caller's stream. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

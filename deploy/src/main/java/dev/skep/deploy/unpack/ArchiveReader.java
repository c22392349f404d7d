package dev.skep.deploy.unpack;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads entries from a .tar.gz and turns every read failure into the user-facing error it means:
 * a limit passed (TOO_LARGE), not a tar, or truncated/corrupt (BAD_REQUEST).
 */
final class ArchiveReader implements Closeable {

    /** Linux paths are at most 4096 bytes; a "long name" bigger than this is an attack on memory. */
    static final int MAX_NAME_BYTES = 64 * 1024;

    private final InputStream file;
    private final LimitedInputStream expanded;
    private final TarArchiveInputStream tar;
    private int entries;

    private ArchiveReader(InputStream file, LimitedInputStream expanded, TarArchiveInputStream tar) {
        this.file = file;
        this.expanded = expanded;
        this.tar = tar;
    }

    /** Opens {@code tarGz}, allowing at most {@code maxExpandedBytes} once gunzipped. */
    static ArchiveReader open(Path tarGz, long maxExpandedBytes) throws IOException {
        InputStream file = new BufferedInputStream(Files.newInputStream(tarGz), 64 * 1024);
        try {
            GzipCompressorInputStream gzip = GzipCompressorInputStream.builder()
                    .setInputStream(file).setDecompressConcatenated(true).get();
            LimitedInputStream expanded = new LimitedInputStream(gzip, maxExpandedBytes);
            return new ArchiveReader(file, expanded, new NameGuardedTarInputStream(expanded));
        } catch (IOException e) {
            file.close();
            throw corrupt(e, 0);
        }
    }

    /** The next entry, or null at the end of the archive. */
    TarArchiveEntry next() {
        try {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry != null) {
                entries++;
            }
            return entry;
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    /** Reads the current entry's data; -1 at its end. */
    int read(byte[] buffer) {
        try {
            return tar.read(buffer);
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            tar.close();
        } finally {
            file.close();
        }
    }

    private SkepException translate(Exception e) {
        if (e instanceof SkepException skep) {
            return skep;
        }
        if (expanded.exceeded()) {
            return new SkepException(Kind.TOO_LARGE,
                    "upload unpacks to more than " + expanded.limit() + " bytes",
                    "a gzip bomb, or too big an app: leave node_modules and build output out of the tarball", e);
        }
        return corrupt(e, entries);
    }

    private static SkepException corrupt(Exception e, int entriesRead) {
        String what = entriesRead == 0
                ? "upload is not a valid gzipped tar archive"
                : "archive is truncated or corrupt after " + entriesRead + " entries";
        return new SkepException(Kind.BAD_REQUEST, what + " (" + e.getMessage() + ")",
                "send the whole tarball, made with tar -cz .", e);
    }

    /**
     * Commons Compress reads a GNU long name whole into memory, whatever size the header claims;
     * this hook (the library's own extension point) refuses absurd sizes before reading.
     */
    private static final class NameGuardedTarInputStream extends TarArchiveInputStream {

        NameGuardedTarInputStream(InputStream in) {
            super(in);
        }

        @Override
        protected byte[] getLongNameData() throws IOException {
            long size = getCurrentEntry().getSize();
            if (size > MAX_NAME_BYTES) {
                throw SkepException.badRequest("unsafe archive: an entry name is " + size + " bytes long",
                        "names and link targets must be at most " + MAX_NAME_BYTES + " bytes");
            }
            return super.getLongNameData();
        }
    }
}

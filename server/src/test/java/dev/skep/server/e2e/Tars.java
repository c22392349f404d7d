package dev.skep.server.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Hostile tarballs as an attacker writes them: names exactly as given, any entry type, streamed when huge. */
final class Tars {

    static final String PACKAGE_JSON = "{\"name\":\"x\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"}}";
    static final String SERVER_JS = "require('http').createServer((q, s) => s.end('hostile upload served\\n'))"
            + ".listen(process.env.PORT);";

    @FunctionalInterface
    interface Writer {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private Tars() {
    }

    static byte[] of(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, Deflater.DEFAULT_COMPRESSION, writer);
        return out.toByteArray();
    }

    /** An app that would start, plus whatever the writer adds. */
    static byte[] app(Writer extra) {
        return of(tar -> {
            file(tar, "package.json", PACKAGE_JSON, 0644);
            file(tar, "server.js", SERVER_JS, 0644);
            extra.write(tar);
        });
    }

    /** The tarball made on a thread as it is read: never whole in memory or on disk. */
    static InputStream streamed(int level, Writer writer) {
        try {
            PipedInputStream in = new PipedInputStream(1 << 16);
            PipedOutputStream out = new PipedOutputStream(in);
            Thread.ofVirtual().start(() -> {
                try {
                    write(out, level, writer);
                } catch (UncheckedIOException readerWentAway) {
                    // the server refused and the upload stopped: so does the generator
                }
            });
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void file(TarArchiveOutputStream tar, String name, String content, int mode) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(bytes.length);
        entry.setMode(mode);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    static void special(TarArchiveOutputStream tar, String name, byte flag, String link) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, flag, true);
        entry.setMode(flag == TarConstants.LF_SYMLINK ? 0777 : 0644);
        if (link != null) {
            entry.setLinkName(link);
        }
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static void write(OutputStream out, int level, Writer writer) {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(level);
            }
        })) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            writer.write(tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.skep.deploy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds tarballs, hostile ones included, for tests. Names are written exactly as given. */
public final class Tarball {

    private interface Step {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private final List<Step> steps = new ArrayList<>();

    public static Tarball create() {
        return new Tarball();
    }

    public Tarball file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public Tarball file(String name, byte[] content, int mode) {
        steps.add(tar -> {
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setSize(content.length);
            entry.setMode(mode);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        });
        return this;
    }

    /** A file of {@code size} zero bytes, streamed (never held in memory). */
    public Tarball zeros(String name, long size) {
        steps.add(tar -> {
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setSize(size);
            tar.putArchiveEntry(entry);
            byte[] chunk = new byte[64 * 1024];
            for (long left = size; left > 0; left -= chunk.length) {
                tar.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
            tar.closeArchiveEntry();
        });
        return this;
    }

    public Tarball dir(String name) {
        return special(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, null, 0755);
    }

    public Tarball symlink(String name, String target) {
        return special(name, TarConstants.LF_SYMLINK, target, 0777);
    }

    public Tarball hardLink(String name, String target) {
        return special(name, TarConstants.LF_LINK, target, 0644);
    }

    public Tarball charDevice(String name) {
        return special(name, TarConstants.LF_CHR, null, 0644);
    }

    public Tarball fifo(String name) {
        return special(name, TarConstants.LF_FIFO, null, 0644);
    }

    /** Every file of a directory on disk, under {@code prefix} ("" or "./" or "top/"). */
    public Tarball tree(Path dir, String prefix) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted().toList()) {
                String name = prefix + dir.relativize(path).toString().replace('\\', '/');
                if (Files.isDirectory(path)) {
                    if (!path.equals(dir) || !prefix.isEmpty()) {
                        dir(name.isEmpty() ? "./" : name);
                    }
                } else {
                    file(name, Files.readAllBytes(path), 0644);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private Tarball special(String name, byte flag, String linkName, int mode) {
        steps.add(tar -> {
            TarArchiveEntry entry = new TarArchiveEntry(name, flag, true);
            entry.setMode(mode);
            if (linkName != null) {
                entry.setLinkName(linkName);
            }
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
        });
        return this;
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTo(out);
        return out.toByteArray();
    }

    public Path writeTo(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public InputStream stream() {
        return new ByteArrayInputStream(bytes());
    }

    private void writeTo(OutputStream out) {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Step step : steps) {
                step.write(tar);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

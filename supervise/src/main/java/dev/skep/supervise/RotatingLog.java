package dev.skep.supervise;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An append-only log file rotated by size: {@code x.log} is the active file, {@code x.log.1} the
 * newest rotated one, up to {@code x.log.N}; older ones are deleted. Thread-safe.
 */
public final class RotatingLog implements AutoCloseable {

    private final Path file;
    private final LogPolicy policy;
    private OutputStream out;
    private long size;

    public RotatingLog(Path file, LogPolicy policy) throws IOException {
        this.file = file;
        this.policy = policy;
        Files.createDirectories(file.getParent());
        open();
    }

    public Path file() {
        return file;
    }

    /** Appends one line (a newline is added). */
    public synchronized void append(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (size > 0 && size + bytes.length > policy.maxBytes()) {
            rotate();
        }
        out.write(bytes);
        size += bytes.length;
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    static Path rotated(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private void rotate() throws IOException {
        out.close();
        int kept = policy.filesKept();
        if (kept == 0) {
            Files.deleteIfExists(file);
        } else {
            Files.deleteIfExists(rotated(file, kept));
            for (int n = kept - 1; n >= 1; n--) {
                Path from = rotated(file, n);
                if (Files.exists(from)) {
                    Files.move(from, rotated(file, n + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, rotated(file, 1), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    private void open() throws IOException {
        out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE), 64 * 1024);
        size = Files.size(file);
    }
}

package dev.skep.api.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.skep.api.ApiJson;
import dev.skep.model.view.AuditEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who changed what: one JSON line per change in {@code <dir>/audit.log}, rotated to
 * {@code audit.log.1 .. .N} past {@code maxBytes}, so it never holds more than
 * {@code (files + 1) * maxBytes}. The dir is 0700 and the files 0600: only skep reads them.
 * Entries carry names and numbers, never a secret value (see {@link AuditEntry}).
 */
public final class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    public static final String FILE = "audit.log";

    private final Path dir;
    private final long maxBytes;
    private final int files;

    public AuditLog(Path dir, long maxBytes, int files) {
        if (maxBytes < 1024 || files < 1) {
            throw new IllegalArgumentException("need maxBytes >= 1024 and files >= 1, found " + maxBytes + ", " + files);
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.files = files;
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the audit dir " + dir + ": " + e.getMessage(), e);
        }
    }

    /** 8 MiB per file, 5 old files kept. */
    public static AuditLog in(Path dir) {
        return new AuditLog(dir, 8L << 20, 5);
    }

    /** Appends one entry; a failure to write is logged, never fails the change it records. */
    public synchronized void write(AuditEntry entry) {
        try {
            byte[] line = (ApiJson.MAPPER.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            Path file = dir.resolve(FILE);
            if (Files.exists(file) && Files.size(file) + line.length > maxBytes) {
                rotate();
            }
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.write(file, line, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            log.info("event=audit action={} user={} app={} status={}", entry.action(), entry.user(), entry.app(),
                    entry.status());
        } catch (JsonProcessingException e) {
            log.error("event=audit.unwritable action={} error=\"{}\"", entry.action(), e.getOriginalMessage());
        } catch (IOException e) {
            log.error("event=audit.write-failed dir={} action={} user={} error=\"{}\" next=\"check the disk\"", dir,
                    entry.action(), entry.user(), e.toString());
        }
    }

    /** The newest {@code limit} entries, oldest first. */
    public synchronized List<AuditEntry> newest(int limit) {
        List<AuditEntry> out = new ArrayList<>();
        for (int i = 0; i <= files && out.size() < limit; i++) {
            Path file = dir.resolve(i == 0 ? FILE : FILE + "." + i);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            for (int j = lines.size() - 1; j >= 0 && out.size() < limit; j--) {
                try {
                    out.add(ApiJson.MAPPER.readValue(lines.get(j), AuditEntry.class));
                } catch (JsonProcessingException torn) {
                    // a line cut by a crash mid-write: skip it
                }
            }
        }
        Collections.reverse(out);
        return out;
    }

    private void rotate() throws IOException {
        Files.deleteIfExists(dir.resolve(FILE + "." + files));
        for (int i = files - 1; i >= 1; i--) {
            Path from = dir.resolve(FILE + "." + i);
            if (Files.exists(from)) {
                Files.move(from, dir.resolve(FILE + "." + (i + 1)), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(dir.resolve(FILE), dir.resolve(FILE + ".1"), StandardCopyOption.ATOMIC_MOVE);
    }
}

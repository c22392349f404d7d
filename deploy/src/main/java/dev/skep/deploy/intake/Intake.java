package dev.skep.deploy.intake;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import dev.skep.model.hash.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives an upload body: streams it to a temp file, hashing on the way, and stops reading the
 * moment it passes the size limit, so a huge or endless body never lands whole on disk or in memory.
 */
public final class Intake {

    private static final Logger log = LoggerFactory.getLogger(Intake.class);
    private static final int CHUNK = 64 * 1024;

    private Intake() {
    }

    /** Stores the body under {@code tmpDir}. On any failure the temp file is gone before this throws. */
    public static Upload receive(InputStream body, Path tmpDir, UploadLimits limits) {
        Path file = createTempFile(tmpDir);
        boolean kept = false;
        try {
            Upload upload = copy(body, file, limits);
            kept = true;
            return upload;
        } finally {
            if (!kept) {
                deleteQuietly(file);
            }
        }
    }

    private static Upload copy(InputStream body, Path file, UploadLimits limits) {
        MessageDigest sha256 = Sha256.newDigest();
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            int n;
            while ((n = read(body, buffer, total)) >= 0) {
                total += n;
                if (total > limits.maxCompressedBytes()) {
                    throw new SkepException(Kind.TOO_LARGE,
                            "upload is larger than " + limits.maxCompressedBytes() + " bytes",
                            "leave node_modules and build output out of the tarball; npm installs dependencies");
                }
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not store the upload", "check the server's disk space", e);
        }
        if (total == 0) {
            throw SkepException.badRequest("empty upload", "send a gzipped tarball of the app, e.g. tar -cz . | curl -T- ...");
        }
        return new Upload(file, HexFormat.of().formatHex(sha256.digest()), total);
    }

    /** Reading fails when the client goes away: that is the client's problem, not the server's. */
    private static int read(InputStream body, byte[] buffer, long soFar) {
        try {
            return body.read(buffer);
        } catch (IOException e) {
            throw new SkepException(Kind.BAD_REQUEST, "upload interrupted after " + soFar + " bytes",
                    "send the tarball again", e);
        }
    }

    private static Path createTempFile(Path tmpDir) {
        try {
            Files.createDirectories(tmpDir);
            return Files.createTempFile(tmpDir, "upload-", ".tar.gz");
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not store the upload", "check the server's data directory", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // The original failure is what the caller needs; this one only leaves a temp file.
            log.warn("event=upload.cleanup-failed file={} error=\"{}\"", file, e.toString());
        }
    }
}

package dev.skep.deploy.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A received tarball in a temp file. Closing deletes the file.
 *
 * @param sha256 lower-case hex of the bytes as sent
 */
public record Upload(Path file, String sha256, long bytes) implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Upload.class);

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A stray temp file must not fail a deploy that otherwise worked; the operator sees it here.
            log.warn("event=upload.cleanup-failed file={} error=\"{}\"", file, e.toString());
        }
    }
}

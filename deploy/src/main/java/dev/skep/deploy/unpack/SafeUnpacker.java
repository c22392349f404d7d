package dev.skep.deploy.unpack;

import dev.skep.model.fs.RecursiveDelete;
import dev.skep.deploy.intake.UploadLimits;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks an untrusted .tar.gz into a directory. Every entry must stay inside it (see
 * {@link EntryPaths} and {@link LinkCheck}); devices and FIFOs are refused; the gunzipped size
 * and the number of entries are capped. On any failure the destination is deleted whole, so a
 * caller never sees half an upload.
 */
public final class SafeUnpacker {

    private static final Logger log = LoggerFactory.getLogger(SafeUnpacker.class);

    private SafeUnpacker() {
    }

    /** Unpacks into {@code dest}, which must be absent or empty, and finds the app root in it. */
    public static Unpacked unpack(Path tarGz, Path dest, UploadLimits limits) {
        prepare(dest); // outside the cleanup below: a caller's non-empty directory is never deleted
        boolean kept = false;
        try {
            Unpacked unpacked = unpackInto(tarGz, dest, limits);
            kept = true;
            return unpacked;
        } catch (FileSystemException e) {
            throw writeFailure(e);
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not unpack the upload (" + e.getMessage() + ")",
                    "check the server's disk space and logs", e);
        } finally {
            if (!kept) {
                deleteQuietly(dest);
            }
        }
    }

    private static Unpacked unpackInto(Path tarGz, Path dest, UploadLimits limits) throws IOException {
        Path root = dest.toRealPath();
        long compressed = Files.size(tarGz);
        requireGzip(tarGz, compressed);
        Extraction extraction = new Extraction(root, limits);
        try (ArchiveReader reader = ArchiveReader.open(tarGz, limits.unpackedLimitFor(compressed))) {
            TarArchiveEntry entry;
            while ((entry = reader.next()) != null) {
                extraction.add(entry, reader);
            }
        }
        if (extraction.entries() == 0) {
            throw SkepException.badRequest("empty archive: the tarball holds no files",
                    "run tar from the app's directory: tar -cz .");
        }
        extraction.finish();
        return new Unpacked(AppRoot.find(root), extraction.bytes(), extraction.entries());
    }

    private static void requireGzip(Path tarGz, long size) throws IOException {
        if (size == 0) {
            throw SkepException.badRequest("empty archive: the upload has no bytes", "send a gzipped tarball: tar -cz .");
        }
        byte[] head = new byte[262];
        int n;
        try (InputStream in = Files.newInputStream(tarGz)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return;
        }
        boolean plainTar = n >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        throw SkepException.badRequest("upload is not gzip-compressed" + (plainTar ? " (it is a plain tar)" : ""),
                "send a gzipped tarball: tar -cz . | curl -XPOST -T- ...");
    }

    private static void prepare(Path dest) {
        try {
            Files.createDirectories(dest);
            try (Stream<Path> list = Files.list(dest)) {
                if (list.findAny().isPresent()) {
                    throw new IllegalArgumentException("unpack destination must be empty: " + dest);
                }
            }
        } catch (IOException e) {
            throw new SkepException(Kind.FAILED, "could not create the unpack directory",
                    "check the server's data directory", e);
        }
    }

    /** A name too long for the filesystem is the upload's fault; a full disk is the server's. */
    private static SkepException writeFailure(FileSystemException e) {
        String reason = String.valueOf(e.getReason());
        if (reason.contains("name too long")) {
            // Name the file, not the server's directory it was going into.
            String file = e.getFile() == null ? "?" : String.valueOf(Path.of(e.getFile()).getFileName());
            return new SkepException(Kind.BAD_REQUEST, "unsafe archive: a path is too long for the filesystem ("
                    + EntryPaths.shown(file) + ")", "shorten the file names in the app", e);
        }
        return new SkepException(Kind.FAILED, "could not unpack the upload (" + e.getMessage() + ")",
                "check the server's disk space and logs", e);
    }

    private static void deleteQuietly(Path dest) {
        try {
            RecursiveDelete.delete(dest);
        } catch (IOException e) {
            // The unpack failure is what the caller must see; this leftover is for the operator.
            log.warn("event=unpack.cleanup-failed dir={} error=\"{}\"", dest, e.toString());
        }
    }
}

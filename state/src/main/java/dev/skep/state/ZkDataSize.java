package dev.skep.state;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How big the embedded ZooKeeper's data is, read from its files without starting it: what a start would load onto
 * the heap (skep sweeps junk before starting when that would not fit).
 */
public final class ZkDataSize {

    private ZkDataSize() {
    }

    /**
     * About how many bytes loading the data under {@code dataDir} puts on the heap, read from the files alone: the
     * newest snapshot, and the transactions after it in the logs, which ZooKeeper replays on top of it (older ones
     * it skips, and a log's preallocated zeros hold nothing).
     */
    public static long loadBytes(Path dataDir) throws IOException {
        List<Path> logs = new ArrayList<>();
        Path snapshot = null;
        long snapshotZxid = -1;
        for (String sub : List.of("snapshots", "txlog")) { // which holds which: see newServer
            Path dir = dataDir.resolve(sub).resolve("version-2"); // FileTxnSnapLog's own subdirectory
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (name.startsWith("log.")) {
                        logs.add(file);
                    } else if (name.startsWith("snapshot.")) {
                        long zxid = Long.parseUnsignedLong(name.substring("snapshot.".length()), 16);
                        if (zxid > snapshotZxid) {
                            snapshotZxid = zxid;
                            snapshot = file;
                        }
                    }
                }
            }
        }
        long bytes = snapshot == null ? 0 : Files.size(snapshot);
        for (Path log : logs) {
            bytes += logBytesAfter(log, snapshotZxid);
        }
        return bytes;
    }

    /**
     * An upper bound of {@link #loadBytes}, from the files' sizes alone (no log is read): when even this is small,
     * a start need not walk the logs' transactions.
     */
    public static long fileBytes(Path dataDir) throws IOException {
        long bytes = 0;
        for (String sub : List.of("snapshots", "txlog")) {
            Path dir = dataDir.resolve(sub).resolve("version-2");
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        bytes += Files.size(file);
                    }
                }
            }
        }
        return bytes;
    }

    /**
     * The bytes of a transaction log's transactions after {@code zxid}. The format (FileTxnLog): a 16-byte header,
     * then per transaction an 8-byte checksum, a 4-byte length and that many bytes (a header whose clientId, cxid
     * and zxid come first) and an end-of-record byte; a zero length is where the preallocated zeros begin.
     */
    static long logBytesAfter(Path log, long zxid) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long size = file.length();
            long at = 16;
            long bytes = 0;
            while (at + 12 + 20 <= size) {
                file.seek(at + 8);
                int length = file.readInt();
                if (length <= 0) {
                    break;
                }
                file.seek(at + 12 + 8 + 4); // past clientId and cxid
                if (file.readLong() > zxid) {
                    bytes += length;
                }
                at += 12 + length + 1;
            }
            return bytes;
        }
    }
}

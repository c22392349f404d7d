package dev.skep.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The subordinate uid/gid ranges of {@code /etc/subuid} and {@code /etc/subgid} (user namespaces:
 * rootless podman, docker's userns-remap): an app uid inside one would share its files and
 * processes with some user's containers, so app uids must stay out of them.
 */
final class SubordinateIds {

    /** One "name:start:count" line, from {@code file}. */
    record Range(Path file, String owner, long start, long count) {
        boolean overlaps(long from, long span) {
            return start < from + span && from < start + count;
        }

        @Override
        public String toString() {
            return file + " gives " + owner + " " + start + "-" + (start + count - 1);
        }
    }

    private SubordinateIds() {
    }

    /** The ranges of these files (a missing file has none) that overlap [from, from + span). */
    static List<Range> overlapping(long from, long span, Path... files) {
        List<Range> out = new ArrayList<>();
        for (Path file : files) {
            for (Range r : read(file)) {
                if (r.overlaps(from, span)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    static List<Range> read(Path file) {
        List<Range> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + " (" + e.getMessage() + ") to keep app uids out of "
                    + "its ranges; make it readable by root", e);
        }
        for (String line : lines) {
            String[] f = line.trim().split(":");
            if (f.length == 3 && !line.startsWith("#")) {
                try {
                    out.add(new Range(file, f[0], Long.parseLong(f[1].trim()), Long.parseLong(f[2].trim())));
                } catch (NumberFormatException ignored) {
                    // not a range: nothing to keep out of
                }
            }
        }
        return out;
    }
}

package dev.skep.model.limits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** Reading and writing the small text files of a cgroup directory. */
final class CgroupFiles {

    private CgroupFiles() {
    }

    static void write(Path dir, String file, String value) throws IOException {
        Files.writeString(dir.resolve(file), value);
    }

    /** The number after {@code key} in a "key value" file (memory.events, memory.oom_control), or 0. */
    static long keyed(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key)) {
                    return Long.parseLong(kv[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    static Set<Long> pids(Path dir) {
        Set<Long> out = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    out.add(Long.parseLong(line.trim()));
                }
            }
        } catch (NoSuchFileException gone) {
            return out;
        } catch (IOException | NumberFormatException e) {
            return out;
        }
        return out;
    }

    /** rmdir of a cgroup (only an empty one goes); true when it is gone. */
    static boolean remove(Path dir) {
        try {
            Files.deleteIfExists(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILLs what {@code pids} lists, again and again, until it lists nothing or {@code within} passes. */
    static boolean killAll(Supplier<Set<Long>> pids, Duration within) {
        long until = System.nanoTime() + within.toNanos();
        while (true) {
            Set<Long> left = pids.get();
            if (left.isEmpty()) {
                return true;
            }
            if (System.nanoTime() > until) {
                return false;
            }
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return pids.get().isEmpty();
            }
        }
    }

    /** The cgroup directories directly under {@code parent} whose names start with {@code prefix}. */
    static List<Path> children(Path parent, String prefix) {
        try (var list = Files.list(parent)) {
            return list.filter(Files::isDirectory).filter(d -> d.getFileName().toString().startsWith(prefix)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}

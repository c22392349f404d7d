package dev.skep.supervise.workspace;

import dev.skep.model.fs.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** This process's mount table ({@code /proc/self/mountinfo}): is something mounted at a path, does it take writes? */
public final class MountTable {

    static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {
    }

    /** The options of a mount: its own (6th field) and its superblock's (the last field). */
    record Options(List<String> mount, List<String> superblock) {

        /**
         * True when it refuses writes: {@code ro} among either, or ext4's {@code emergency_ro}. That last one is how
         * an ext4 of a recent kernel (6.18 here) says it turned read-only after an error (errors=remount-ro): it no
         * longer sets the superblock's read-only flag, so statvfs and {@code FileStore.isReadOnly()} still say
         * read-write while every change fails with EROFS.
         */
        boolean readOnly() {
            return mount.contains("ro") || superblockReadOnly() || superblock.contains("emergency_ro");
        }

        /** The superblock's own flag, which the kernel lets no new mount of it change while it is mounted. */
        boolean superblockReadOnly() {
            return superblock.contains("ro");
        }
    }

    public static boolean mounted(Path dir) throws IOException {
        return mounted(Files.readString(MOUNTINFO), dir);
    }

    /** {@code mountinfo}'s 5th field is the mount point, with space, tab, newline and backslash as octal escapes. */
    static boolean mounted(String mountinfo, Path dir) {
        return options(mountinfo, dir) != null;
    }

    /** True when the filesystem mounted at {@code dir} refuses writes (see {@link Options#readOnly()}). */
    public static boolean readOnly(Path dir) throws IOException {
        Options options = options(dir);
        return options != null && options.readOnly();
    }

    /** The options of the mount at {@code dir}, or null when nothing is mounted there. */
    static Options options(Path dir) throws IOException {
        return options(Files.readString(MOUNTINFO), dir);
    }

    /** The last mount at {@code dir} when mounts are stacked there: the one that is seen. */
    static Options options(String mountinfo, Path dir) {
        String wanted = dir.toAbsolutePath().normalize().toString();
        Options found = null;
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.split(" ");
            int dash = line.indexOf(" - ");
            if (fields.length > 5 && dash > 0 && MountInfo.unescape(fields[4]).equals(wanted)) {
                String[] after = line.substring(dash + 3).split(" ");
                found = new Options(List.of(fields[5].split(",")),
                        after.length > 2 ? List.of(after[2].split(",")) : List.of());
            }
        }
        return found;
    }
}

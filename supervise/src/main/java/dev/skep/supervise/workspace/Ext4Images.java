package dev.skep.supervise.workspace;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The system tools behind {@link LoopDisks}: a sparse file made an ext4 image (mkfs.ext4), grown (e2fsck,
 * resize2fs), loop-mounted and unmounted (mount, losetup, umount). Root's, like the disks that use them.
 */
final class Ext4Images {

    private Ext4Images() {
    }

    /**
     * True when this host lets root make and loop-mount an ext4 image under {@code root} (a container without
     * loop devices, or without mkfs.ext4, says no); {@code why} gets the reason when not.
     */
    static boolean work(Path root, StringBuilder why) {
        Path image = root.resolve(".probe-" + ProcessHandle.current().pid() + ".img");
        Path mountPoint = root.resolve(".probe-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(mountPoint);
            format(image, 8L << 20);
            mount(image, mountPoint);
            try {
                Files.writeString(mountPoint.resolve("probe"), "y");
            } finally {
                unmount(mountPoint);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            why.append(e.getMessage());
            return false;
        } finally {
            try {
                if (!MountTable.mounted(mountPoint)) {
                    Files.deleteIfExists(mountPoint);
                    Files.deleteIfExists(image);
                }
            } catch (IOException ignored) {
                // a probe left behind is harmless
            }
        }
    }

    /** A sparse file of {@code size} bytes with an empty ext4 on it, no blocks reserved for root. */
    static void format(Path image, long size) throws IOException {
        Files.deleteIfExists(image);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
        }
        Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("rw-------"));
        try {
            // the journal is not zeroed: it lies in the new file's holes, which read as zeros already. mkfs then
            // writes 0.6 MiB, not the 32 MiB journal, and each app's image costs that much less disk
            FileTrees.run(List.of(tool("mkfs.ext4"), "-q", "-F", "-m", "0", "-E", "lazy_journal_init=1",
                    image.toString()));
        } catch (IOException e) {
            Files.deleteIfExists(image);
            throw e;
        }
    }

    /** The unmounted image and its ext4 grown to {@code size} bytes. */
    static void grow(Path image, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
        }
        FileTrees.run(List.of(tool("e2fsck"), "-f", "-p", image.toString()));
        FileTrees.run(List.of(tool("resize2fs"), image.toString()));
    }

    /** Checks an unmounted image's ext4 and fixes what it finds ({@code e2fsck -f -y}: fixed errors are success). */
    static void check(Path image) throws IOException {
        FileTrees.run(List.of(tool("e2fsck"), "-f", "-y", image.toString()), 1);
    }

    /**
     * Mounts the image's loop device if it has one still (instances that outlived their skep hold it in their
     * own mount namespaces: a second loop device on the same file would be two kernels' views of one ext4,
     * and corrupt it), else a new one.
     */
    static void mount(Path image, Path mountPoint) throws IOException {
        mount(image, mountPoint, true);
    }

    /** @param mayHaveDevice false for a fresh image (never mounted), which has no loop device to look for */
    static void mount(Path image, Path mountPoint, boolean mayHaveDevice) throws IOException {
        mount(image, mountPoint, mayHaveDevice, "nosuid,nodev");
    }

    /**
     * Mounts it read-only again while instances' mount namespaces hold its superblock. The kernel refuses (EBUSY) a
     * mount that would change the superblock's own read-only flag, which an ext4 that went read-only after an error
     * sets on older kernels and not on recent ones (only {@code emergency_ro}): so it is mounted as its superblock
     * is, and then this mount alone is made read-only.
     */
    static void mountReadOnly(Path image, Path mountPoint, boolean superblockReadOnly) throws IOException {
        if (superblockReadOnly) {
            mount(image, mountPoint, true, "ro,nosuid,nodev");
        } else {
            mount(image, mountPoint, true, "nosuid,nodev");
            FileTrees.run(List.of(tool("mount"), "-o", "remount,bind,ro", mountPoint.toString()));
        }
    }

    private static void mount(Path image, Path mountPoint, boolean mayHaveDevice, String options) throws IOException {
        String device = mayHaveDevice ? loopDeviceOf(image) : null;
        if (device != null) {
            FileTrees.run(List.of(tool("mount"), "-o", options, device, mountPoint.toString()));
        } else {
            FileTrees.run(List.of(tool("mount"), "-o", "loop," + options, image.toString(), mountPoint.toString()));
        }
    }

    /**
     * True when the ext4 mounted at {@code mountPoint} turned itself read-only. A write into its image that failed
     * (the filesystem under it was full) aborts its journal, and ext4 notices that only at its next change: until
     * then the mount table says read-write and the next writer gets a bare EROFS. So a change is made first (a file
     * made and deleted), whose failure makes ext4 mark itself read-only, and then the mount table is asked.
     */
    static boolean wentReadOnly(Path mountPoint) throws IOException {
        Path probe = mountPoint.resolve(".writable");
        try {
            Files.deleteIfExists(probe);
            Files.delete(Files.createFile(probe));
        } catch (IOException e) {
            // its state is read below: EROFS shows there, and a full disk (ENOSPC) is not read-only
        }
        return MountTable.readOnly(mountPoint);
    }

    /** The loop device backed by {@code image} ({@code losetup -j}), or null. */
    static String loopDeviceOf(Path image) throws IOException {
        Process p = new ProcessBuilder(tool("losetup"), "-j", image.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted asking losetup about " + image, e);
        }
        for (String line : out.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.startsWith("/dev/")) {
                return line.substring(0, colon);
            }
        }
        return null;
    }

    static void unmount(Path mountPoint) throws IOException {
        FileTrees.run(List.of(tool("umount"), mountPoint.toString()));
    }

    /** e2fsprogs live in sbin, which a service's PATH may lack. */
    static String tool(String name) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return name;
    }
}

package dev.skep.supervise.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The copies of a host mount that other mount namespaces hold. Each instance's namespace starts as a copy of the
 * host's whole mount table ({@code unshare -m}), so it holds the disks of all the apps mounted then, not only its own
 * app's, until its last process ends; and a disk's loop device is freed (for e2fsck) only once no copy is left. A
 * copy that nothing there uses goes at once when unmounted there; one that an instance of the app itself uses (its
 * cwd, its writable copy's upper dir, a volume) keeps the device until that instance stops.
 */
final class MountCopies {

    private static final Path PROC = Path.of("/proc");

    private MountCopies() {
    }

    /**
     * Unmounts (lazily) the copies of the mount at {@code mountPoint} in every other mount namespace; returns how many
     * namespaces had one.
     */
    static int unmountElsewhere(Path mountPoint) throws IOException {
        Set<String> seen = new HashSet<>(Set.of(Files.readSymbolicLink(PROC.resolve("self/ns/mnt")).toString()));
        int unmounted = 0;
        try (var entries = Files.list(PROC)) {
            for (Path process : (Iterable<Path>) entries::iterator) {
                if (!process.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                Path ns = process.resolve("ns/mnt");
                try {
                    if (!seen.add(Files.readSymbolicLink(ns).toString())
                            || !MountTable.mounted(Files.readString(process.resolve("mountinfo")), mountPoint)) {
                        continue;
                    }
                } catch (IOException unreadable) {
                    continue; // one that ended, or one even root may not look into (none of skep's instances)
                }
                try {
                    FileTrees.run(List.of(Ext4Images.tool("nsenter"), "--mount=" + ns, Ext4Images.tool("umount"),
                            "-l", mountPoint.toString()));
                    unmounted++;
                } catch (IOException e) {
                    if (Files.exists(process)) {
                        throw e;
                    } // else the process ended meanwhile, and its namespace with it if it was the last one there
                }
            }
        }
        return unmounted;
    }
}

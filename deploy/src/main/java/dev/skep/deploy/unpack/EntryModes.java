package dev.skep.deploy.unpack;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The permissions an unpacked entry gets. Setuid, setgid and sticky bits are dropped (Java cannot
 * set them anyway, and an app has no use for them); group and other never get write, because a
 * slug is immutable; the owner always gets read and write (and search on directories) so the
 * tree can be built into and deleted.
 */
final class EntryModes {

    private static final int NO_SPECIAL_NO_SHARED_WRITE = 0755;

    private EntryModes() {
    }

    static Set<PosixFilePermission> file(int tarMode) {
        return permissions((tarMode & NO_SPECIAL_NO_SHARED_WRITE) | 0600);
    }

    static Set<PosixFilePermission> directory(int tarMode) {
        return permissions((tarMode & NO_SPECIAL_NO_SHARED_WRITE) | 0700);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE,
        };
        for (int i = 0; i < order.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }
}

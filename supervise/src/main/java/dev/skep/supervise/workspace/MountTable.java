package dev.skep.supervise.workspace;

import dev.skep.model.fs.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's mount table ({@code /proc/self/mountinfo}): is something mounted at a path? */
public final class MountTable {

    static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {
    }

    public static boolean mounted(Path dir) throws IOException {
        return mounted(Files.readString(MOUNTINFO), dir);
    }

    /** {@code mountinfo}'s 5th field is the mount point, with space, tab, newline and backslash as octal escapes. */
    static boolean mounted(String mountinfo, Path dir) {
        String wanted = dir.toAbsolutePath().normalize().toString();
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && MountInfo.unescape(fields[4]).equals(wanted)) {
                return true;
            }
        }
        return false;
    }
}

package dev.skep.model.fs;

/**
 * Fields of {@code /proc/self/mountinfo}: the kernel writes a space, tab, newline or backslash in a path as an octal
 * escape ({@code \040}, {@code \011}, {@code \012}, {@code \134}). The cgroup mounts and the agent's mount table read
 * mount points through this.
 */
public final class MountInfo {

    private MountInfo() {
    }

    /** The field with its octal escapes undone; a backslash not followed by three octal digits stays as it is. */
    public static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && octal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean octal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}

package dev.skep.model.limits;

import java.util.Locale;

/**
 * Sizes as operators write them on the command line: "1g", "512m", "2048k", "1.5g", or a bare number of MiB
 * (like {@code --app-memory} and {@code --build-memory}). Powers of 1024.
 */
public final class ByteSize {

    private ByteSize() {
    }

    /** @throws IllegalArgumentException naming the flag, what was given and what is expected */
    public static long parse(String flag, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib") || t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - (t.endsWith("ib") ? 2 : 1)); // "1GiB", "1gb"
        }
        long unit = ResourceLimits.MIB;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> unit = 1024L;
                case 'm' -> unit = ResourceLimits.MIB;
                case 'g' -> unit = 1024L * ResourceLimits.MIB;
                case 't' -> unit = 1024L * 1024 * ResourceLimits.MIB;
                default -> unit = 0;
            }
            if (unit != 0) {
                t = t.substring(0, t.length() - 1);
            } else {
                unit = ResourceLimits.MIB;
            }
        }
        try {
            double value = Double.parseDouble(t);
            if (!(value > 0) || Double.isInfinite(value) || value * unit > Long.MAX_VALUE / 2) {
                throw new NumberFormatException();
            }
            return (long) Math.ceil(value * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a size like 1g, 512m or 2048 (MiB), found '" + text
                    + "'");
        }
    }

    /** "1 GiB", "512 MiB", "1536 KiB": the largest unit that divides it, else bytes. */
    public static String text(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        long[] sizes = {1L << 40, 1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= sizes[i] && bytes % sizes[i] == 0) {
                return bytes / sizes[i] + " " + units[i];
            }
        }
        return bytes + " bytes";
    }
}

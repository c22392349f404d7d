package dev.skep.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Sizes and durations the way a person reads them. */
final class Format {

    private Format() {
    }

    /** 512 B, 3.4 KB, 50.0 MB, 1.2 GB (binary multiples, as ps and pm2 show them). */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double value = n;
        String[] units = {"KB", "MB", "GB", "TB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** 45s, 12m, 3h 5m, 2d 4h: the two largest units. */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m";
        }
        if (s < 86400) {
            return (s / 3600) + "h " + (s % 3600 / 60) + "m";
        }
        return (s / 86400) + "d " + (s % 86400 / 3600) + "h";
    }

    static String uptime(Instant since, Instant now) {
        return since == null ? null : duration(Duration.between(since, now));
    }

    /** 1.5 s, 320 ms. */
    static String millis(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    static String release(int n) {
        return n <= 0 ? null : "v" + n;
    }
}

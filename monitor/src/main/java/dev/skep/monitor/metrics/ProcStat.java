package dev.skep.monitor.metrics;

/**
 * The figures of one process from {@code /proc/<pid>/stat}.
 *
 * @param cpuTicks utime + stime, in clock ticks
 * @param rssPages resident set size, in pages
 */
public record ProcStat(long pid, long ppid, long cpuTicks, long rssPages) {

    /** Parses one stat line; the command name may hold spaces and parentheses, so fields count from its end. */
    public static ProcStat parse(String line) {
        int close = line.lastIndexOf(')');
        int open = line.indexOf('(');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc stat line: " + line);
        }
        long pid = Long.parseLong(line.substring(0, open).trim());
        String[] f = line.substring(close + 2).split(" ");
        // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, rss 24
        long ppid = Long.parseLong(f[1]);
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        long rss = Long.parseLong(f[21]);
        return new ProcStat(pid, ppid, utime + stime, rss);
    }
}

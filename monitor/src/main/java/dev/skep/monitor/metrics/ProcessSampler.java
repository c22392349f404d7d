package dev.skep.monitor.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code /proc} for process trees: one {@link #scan()} of every {@code /proc/<pid>/stat} per round (the
 * {@code task/<tid>/children} files need CONFIG_PROC_CHILDREN, which many kernels lack), then
 * {@link #tree(ProcessTable, long)} for each instance's root pid: CPU ticks and resident memory summed over the
 * root and its descendants, and their open file descriptors counted in {@code /proc/<pid>/fd}.
 */
public final class ProcessSampler {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessSampler.class);

    private final Path proc;
    private final long clockTicksPerSecond;
    private final long pageSize;
    private final Clock clock;

    public ProcessSampler(Path proc, long clockTicksPerSecond, long pageSize, Clock clock) {
        if (clockTicksPerSecond <= 0 || pageSize <= 0) {
            throw new IllegalArgumentException("clock ticks and page size must be > 0, found "
                    + clockTicksPerSecond + " and " + pageSize);
        }
        this.proc = proc;
        this.clockTicksPerSecond = clockTicksPerSecond;
        this.pageSize = pageSize;
        this.clock = clock;
    }

    /** The host's {@code /proc}, with CLK_TCK and the page size asked of {@code getconf} once. */
    public static ProcessSampler forThisHost(Clock clock) {
        return new ProcessSampler(Path.of("/proc"), getconf("CLK_TCK", 100), getconf("PAGESIZE", 4096), clock);
    }

    /** Every process now. Processes that vanish while being read are left out. */
    public ProcessTable scan() {
        Map<Long, ProcStat> stats = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                try {
                    String line = Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII);
                    ProcStat stat = ProcStat.parse(line.strip());
                    stats.put(stat.pid(), stat);
                } catch (NoSuchFileException e) {
                    // exited between list and read
                } catch (IOException | RuntimeException e) {
                    LOG.debug("event=metrics.stat-unreadable dir={} error=\"{}\"", dir, e.toString());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + proc + ": " + e, e);
        }
        return new ProcessTable(stats);
    }

    /** The tree under {@code rootPid} in {@code table}; zero processes when the root is gone. */
    public TreeSample tree(ProcessTable table, long rootPid) {
        List<ProcStat> members = table.tree(rootPid);
        long ticks = 0;
        long pages = 0;
        int fds = 0;
        for (ProcStat stat : members) {
            ticks += stat.cpuTicks();
            pages += stat.rssPages();
            fds += openFiles(stat.pid());
        }
        return new TreeSample(rootPid, clock.instant(), System.nanoTime(), members.size(), ticks, pages * pageSize,
                fds);
    }

    /** One scan and one tree: for a single process; use {@link #scan()} once per round for many. */
    public TreeSample sample(long rootPid) {
        return tree(scan(), rootPid);
    }

    /** CPU use between two samples of the same tree, in % of one core (200 = two cores busy). */
    public double cpuPercent(TreeSample before, TreeSample after) {
        long wallNanos = after.nanoTime() - before.nanoTime();
        long ticks = after.cpuTicks() - before.cpuTicks();
        if (wallNanos <= 0 || ticks <= 0) {
            return 0; // a child that exited takes its ticks with it: count that as idle, never negative
        }
        return ticks * 100.0 * 1_000_000_000.0 / clockTicksPerSecond / wallNanos;
    }

    private int openFiles(long pid) {
        String[] fds = new File(proc.toFile(), pid + "/fd").list();
        return fds == null ? 0 : fds.length;
    }

    private static long getconf(String name, long fallback) {
        try {
            Process p = new ProcessBuilder("getconf", name).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (p.waitFor() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            LOG.info("event=metrics.getconf-failed name={} error=\"{}\" assumed={}", name, e.toString(), fallback);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fallback;
    }
}

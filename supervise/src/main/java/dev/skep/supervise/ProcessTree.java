package dev.skep.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What Linux's /proc says about processes, and signals to whole process groups. Every instance is
 * the leader of its own session and process group (started through setsid), so its pid is also
 * its group id.
 */
public final class ProcessTree {

    /** The few fields of /proc/[pid]/stat we use. */
    public record Stat(long pid, char state, long ppid, long pgrp, long startTime) {
        public boolean zombie() {
            return state == 'Z' || state == 'X';
        }
    }

    private static final Path PROC = Path.of("/proc");

    private ProcessTree() {
    }

    public static Optional<Stat> stat(long pid) {
        try {
            String text = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            // "pid (comm) S ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'
            String[] f = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
            return Optional.of(new Stat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[19])));
        } catch (NoSuchFileException | RuntimeException gone) {
            return Optional.empty();
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /** Start time in clock ticks since boot (field 22 of /proc/[pid]/stat), or -1 when gone. */
    public static long startTime(long pid) {
        return stat(pid).map(Stat::startTime).orElse(-1L);
    }

    /** True when the pid runs (not a zombie) and is the same process, started at {@code startTime}. */
    public static boolean isRunning(long pid, long startTime) {
        return stat(pid).filter(s -> !s.zombie() && s.startTime() == startTime).isPresent();
    }

    /** Every live process: its stat. */
    public static List<Stat> all() {
        List<Stat> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    stat(Long.parseLong(name)).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Live processes started with {@code key=value} in their environment (as /proc/[pid]/environ shows it: what the
     * process was started with), and their descendants. Processes root may not read are skipped.
     */
    public static Set<Long> withEnvironment(String key, String value) {
        byte[] wanted = (key + "=" + value + "\0").getBytes(StandardCharsets.UTF_8);
        Set<Long> out = new LinkedHashSet<>();
        for (Stat s : all()) {
            if (s.zombie() || out.contains(s.pid())) {
                continue;
            }
            try {
                byte[] environ = Files.readAllBytes(PROC.resolve(Long.toString(s.pid())).resolve("environ"));
                if (startsAnEntry(environ, wanted)) {
                    out.addAll(tree(s.pid()));
                }
            } catch (IOException | RuntimeException unreadable) {
                // gone meanwhile, or not ours to read
            }
        }
        return out;
    }

    /** True when {@code entry} (NUL-terminated) is one of the NUL-separated entries of {@code environ}. */
    private static boolean startsAnEntry(byte[] environ, byte[] entry) {
        for (int at = 0; at + entry.length <= environ.length; ) {
            if (Arrays.equals(environ, at, at + entry.length, entry, 0, entry.length)) {
                return true;
            }
            int next = at;
            while (next < environ.length && environ[next] != 0) {
                next++;
            }
            at = next + 1;
        }
        return false;
    }

    /** Live (non-zombie) members of a process group. */
    public static Set<Long> groupMembers(long pgid) {
        Set<Long> out = new LinkedHashSet<>();
        for (Stat s : all()) {
            if (s.pgrp() == pgid && !s.zombie()) {
                out.add(s.pid());
            }
        }
        return out;
    }

    /** A process and its live descendants, even those that left its group. */
    public static Set<Long> tree(long root) {
        List<Stat> all = all();
        Set<Long> out = new LinkedHashSet<>();
        out.add(root);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Stat s : all) {
                if (!s.zombie() && !out.contains(s.pid()) && (out.contains(s.ppid()) || s.pgrp() == root)) {
                    out.add(s.pid());
                    grew = true;
                }
            }
        }
        return out;
    }

    /**
     * Sends a signal to a whole process group at once ({@code kill -s SIG -- -pgid}).
     *
     * @return true when the group still existed
     */
    public static boolean signalGroup(long pgid, String signal) throws InterruptedException {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        try {
            Process kill = new ProcessBuilder("/bin/kill", "-s", signal, "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                return false;
            }
            return kill.exitValue() == 0;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run /bin/kill: " + e.getMessage(), e);
        }
    }

    /** SIGKILL to each of these pids (those that left the group), skipping ones that are gone. */
    public static void killAll(Collection<Long> pids) {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Whether this process's open files (and so its sockets) can be listed here. */
    public static boolean socketsVisible(long pid) {
        return Files.isReadable(PROC.resolve(Long.toString(pid)).resolve("fd"));
    }

    /** TCP ports the given processes listen on, from their socket inodes and /proc/net/tcp{,6}. */
    public static Set<Integer> listeningPorts(Collection<Long> pids) {
        Set<String> inodes = new HashSet<>();
        for (long pid : pids) {
            Path fds = PROC.resolve(Long.toString(pid)).resolve("fd");
            try (DirectoryStream<Path> links = Files.newDirectoryStream(fds)) {
                for (Path link : links) {
                    try {
                        String target = Files.readSymbolicLink(link).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException closed) {
                        // the fd closed while we listed: not a listener any more
                    }
                }
            } catch (IOException gone) {
                // the process exited meanwhile
            }
        }
        Set<Integer> ports = new LinkedHashSet<>();
        if (inodes.isEmpty()) {
            return ports;
        }
        for (String table : List.of("tcp", "tcp6")) {
            try {
                for (String line : Files.readAllLines(PROC.resolve("net").resolve(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && "0A".equals(f[3]) && inodes.contains(f[9])) {
                        String local = f[1];
                        ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // no IPv6 table on this host, or a torn line: skip it
            }
        }
        return ports;
    }

    /**
     * Established TCP connections whose local port is {@code port}: the clients (routers) still
     * connected to an instance listening there. Its own outgoing connections use other ports.
     */
    public static int inboundConnections(int port) {
        int count = 0;
        for (String table : List.of("tcp", "tcp6")) {
            try {
                for (String line : Files.readAllLines(PROC.resolve("net").resolve(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && "01".equals(f[3])
                            && Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16) == port) {
                        count++;
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // no IPv6 table on this host, or a torn line (the header has no hex port): skip it
            }
        }
        return count;
    }
}

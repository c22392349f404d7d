package dev.skep.model.limits;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a cgroup's processes from binding any port but one, on IPv4 and IPv6: the kernel runs
 * {@link BindProgram} on each bind(2) in the cgroup and its children (cgroup v2's BPF hooks; on a
 * hybrid host the unified hierarchy under {@code /sys/fs/cgroup/unified}, which skep's processes
 * join as well). So a tenant's app cannot take another app's port, a port skep hands out later, or
 * one of skep's own on the loopback skep does not hold. The same cgroup's connect(2)s to skep's
 * ZooKeeper ports ({@code closedPorts}) are refused too: every app shares 127.0.0.1 with skep, so
 * ZooKeeper's per-address connection cap cannot tell a tenant from skep, and a tenant that may connect
 * can hold connections (each up to jute.maxbuffer of skep's heap) and sessions. The programs stay attached to the cgroup
 * directory, whatever becomes of skep: an app that outlives a skep restart stays guarded. Off (and
 * said so, once) without root, a cgroup2 mount or BPF.
 */
public final class BindGuard {

    private static final Logger log = LoggerFactory.getLogger(BindGuard.class);
    private static final AtomicBoolean told = new AtomicBoolean();

    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_ATTACH = 8;
    private static final int BPF_PROG_TYPE_CGROUP_SOCK_ADDR = 18;
    static final int BPF_CGROUP_INET4_BIND = 8;
    static final int BPF_CGROUP_INET6_BIND = 9;
    static final int BPF_CGROUP_INET4_CONNECT = 10;
    static final int BPF_CGROUP_INET6_CONNECT = 11;
    /** bpf(2)'s attr is a union; a zeroed buffer larger than any field used is what the kernel expects. */
    private static final int ATTR_SIZE = 128;
    private static final int O_RDONLY_CLOEXEC = 0x80000;

    private final Path root;
    private final String off;
    private final Set<Integer> closedPorts;

    private BindGuard(Path root, String off, Set<Integer> closedPorts) {
        this.root = root;
        this.off = off;
        this.closedPorts = Set.copyOf(closedPorts);
    }

    /** A guard that guards nothing, saying why. */
    public static BindGuard off(String why) {
        return new BindGuard(null, why, Set.of());
    }

    /**
     * The guard over {@code skep/} in the cgroup2 hierarchy mounted at {@code cgroup2} (created here), if
     * this process may load cgroup BPF programs there; else one that is off, saying why.
     *
     * @param closedPorts ports no guarded process may connect to, on any address (skep's ZooKeeper's)
     */
    static BindGuard detect(Path cgroup2, Set<Integer> closedPorts) {
        Long nr = syscallNumber();
        if (nr == null) {
            return off("no bpf(2) system call number known for " + System.getProperty("os.arch"));
        }
        Path skep;
        try {
            skep = Files.createDirectories(cgroup2.resolve("skep"));
        } catch (IOException e) {
            return off("cgroup2 at " + cgroup2 + " is not writable here (" + e.getMessage() + ")");
        }
        try {
            close(load(BindProgram.allowing(0), BPF_CGROUP_INET4_BIND));
        } catch (IOException | LinkageError e) {
            return off(e.getMessage());
        }
        return new BindGuard(skep, null, closedPorts);
    }

    public boolean on() {
        return off == null;
    }

    /** skep's directory in the cgroup2 hierarchy (only when {@link #on}). */
    Path root() {
        return root;
    }

    /** Where the instance's cgroup2 directory is (only when {@link #on}). */
    Path dir(String instance) {
        return root.resolve(instance);
    }

    /** "on (cgroup2 /sys/fs/cgroup/unified/skep)" or "off (why)". */
    public String describe() {
        return on() ? "on (cgroup2 " + root + ")" : "off (" + off + ")";
    }

    /**
     * Lets the processes in {@code cgroup} (a cgroup2 directory) bind {@code port} and port 0 only, on IPv4 and
     * IPv6, and connect anywhere but to the closed ports; replaces what an earlier call allowed there.
     */
    void allowOnly(Path cgroup, int port) throws IOException {
        byte[] path = (cgroup.toString() + "\0").getBytes(StandardCharsets.UTF_8);
        int dir = LibC.C.open(path, O_RDONLY_CLOEXEC);
        if (dir < 0) {
            throw new IOException("cannot open cgroup " + cgroup + ": " + error(Native.getLastError()));
        }
        try {
            byte[] bind = BindProgram.allowing(port);
            byte[] connect = BindProgram.refusingConnects(closedPorts);
            for (int type : new int[] {BPF_CGROUP_INET4_BIND, BPF_CGROUP_INET6_BIND, BPF_CGROUP_INET4_CONNECT,
                                       BPF_CGROUP_INET6_CONNECT}) {
                boolean binds = type == BPF_CGROUP_INET4_BIND || type == BPF_CGROUP_INET6_BIND;
                int prog = load(binds ? bind : connect, type);
                try {
                    Memory attr = attr();
                    attr.setInt(0, dir);
                    attr.setInt(4, prog);
                    attr.setInt(8, type);
                    if (bpf(BPF_PROG_ATTACH, attr) < 0) {
                        throw new IOException("cannot attach the bind guard to " + cgroup + ": "
                                + error(Native.getLastError()));
                    }
                } finally {
                    close(prog); // the cgroup keeps the program
                }
            }
        } finally {
            close(dir);
        }
    }

    /** Logs once per process whether apps are held to their own port, and why not. */
    public void tell() {
        if (!told.compareAndSet(false, true)) {
            return;
        }
        if (on()) {
            log.info("event=bindguard.on cgroup2={} rule=\"an instance binds its PORT and port 0 only, a build port 0 "
                    + "only, on IPv4 and IPv6; neither connects to skep's ZooKeeper\" closed_ports={}", root,
                    closedPorts.stream().sorted().map(String::valueOf).collect(Collectors.joining(",")));
        } else {
            log.warn("event=bindguard.off reason=\"{}\" effect=\"apps may listen on any free port of this host, "
                    + "another app's included\" fix=\"run skep as root on a kernel with cgroup2 and BPF\"", off);
        }
    }

    /** Loads a program for one hook; its fd. */
    private static int load(byte[] code, int attachType) throws IOException {
        Memory insns = new Memory(code.length);
        insns.write(0, code, 0, code.length);
        Memory license = new Memory(4);
        license.setString(0, "GPL", "US-ASCII");
        Memory attr = attr();
        attr.setInt(0, BPF_PROG_TYPE_CGROUP_SOCK_ADDR);
        attr.setInt(4, code.length / 8);
        attr.setLong(8, Pointer.nativeValue(insns));
        attr.setLong(16, Pointer.nativeValue(license));
        // prog_name: what bpftool shows
        attr.setString(48, attachType >= BPF_CGROUP_INET4_CONNECT ? "skep_connect" : "skep_bind", "US-ASCII");
        attr.setInt(68, attachType); // expected_attach_type
        long fd = bpf(BPF_PROG_LOAD, attr);
        if (fd < 0) {
            throw new IOException("bpf(BPF_PROG_LOAD) of the bind guard (attach type " + attachType + ") failed: " + error(Native.getLastError()));
        }
        return (int) fd;
    }

    private static Memory attr() {
        Memory attr = new Memory(ATTR_SIZE);
        attr.clear();
        return attr;
    }

    private static long bpf(int cmd, Memory attr) {
        return LibC.C.syscall(syscallNumber(), cmd, attr, ATTR_SIZE);
    }

    private static void close(int fd) {
        LibC.C.close(fd);
    }

    private static String error(int errno) {
        return LibC.C.strerror(errno) + " (errno " + errno + ")";
    }

    /** bpf(2)'s number on this architecture, or null when not known here. */
    private static Long syscallNumber() {
        return switch (System.getProperty("os.arch").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> 321L;
            case "aarch64", "riscv64" -> 280L;
            default -> null;
        };
    }

    /** The few libc calls the guard needs. */
    private interface LibC extends Library {
        LibC C = Native.load("c", LibC.class);

        long syscall(long number, Object... args);

        int open(byte[] path, int flags);

        int close(int fd);

        String strerror(int errno);
    }
}

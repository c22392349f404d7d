package dev.skep.server.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one private network, each a network namespace whose veth hangs on a bridge in the root namespace
 * ({@code 10.232.S.0/24}, the bridge {@code .1}, hosts from {@code .11}). Taking a host's link down cuts it off
 * from everyone, as a pulled cable or a partition does, while its processes keep running.
 *
 * <p>Names carry the test JVM's pid ({@code skf<pid>-a1}, bridge {@code skf<pid>b}) so that {@link #sweepStale()}
 * can remove what a killed test run left, and never what a running one uses. {@link #close()} kills every process
 * still in one of the namespaces (by pid, from {@code ip netns pids}) before deleting it.
 */
public final class NetnsHosts implements AutoCloseable {

    private static final String PREFIX = "skf";

    private final String tag;
    private final String net;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private boolean bridge;

    private NetnsHosts(String tag, String net) {
        this.tag = tag;
        this.net = net;
    }

    /** A bridge and one namespace per name; throws (after cleaning up) when any {@code ip} command fails. */
    public static NetnsHosts create(List<String> hosts) throws IOException, InterruptedException {
        String tag = PREFIX + ProcessHandle.current().pid();
        NetnsHosts made = new NetnsHosts(tag, freeNet());
        try {
            ip("link", "add", made.bridgeName(), "type", "bridge");
            made.bridge = true;
            ip("addr", "add", made.net + ".1/24", "dev", made.bridgeName());
            ip("link", "set", made.bridgeName(), "up");
            int n = 10;
            for (String host : hosts) {
                String ns = tag + "-" + host;
                ip("netns", "add", ns);
                made.namespaces.add(ns);
                ip("link", "add", made.veth(host), "type", "veth", "peer", "name", "eth0", "netns", ns);
                ip("link", "set", made.veth(host), "master", made.bridgeName(), "up");
                String address = made.net + "." + (++n);
                ip("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
                ip("-n", ns, "link", "set", "eth0", "up");
                ip("-n", ns, "link", "set", "lo", "up");
                made.addresses.put(host, address);
            }
        } catch (IOException | RuntimeException e) {
            made.close();
            throw e;
        }
        // a JVM ended by a signal (a test run's timeout) still removes them; a SIGKILL leaves them to sweepStale
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                made.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "netns-clean-up"));
        return made;
    }

    /** A 10.232.S.0/24 no interface of this machine has an address in (another run's bridge, say). */
    private static String freeNet() throws InterruptedException, IOException {
        String used = quietly("-o", "addr", "show");
        for (int i = 0; i < 150; i++) {
            String net = "10.232." + (100 + (int) ((ProcessHandle.current().pid() + i) % 150));
            if (!used.contains(" " + net + ".")) {
                return net;
            }
        }
        throw new IOException("no free 10.232.S.0/24 for the test's network: 150 taken (`ip -o addr show`)");
    }

    /** The root namespace's address on the network: where ZooKeeper and the controller listen. */
    public String rootAddress() {
        return net + ".1";
    }

    public String address(String host) {
        return addresses.get(host);
    }

    /** The host an address belongs to, or null. */
    public String hostOf(String address) {
        return addresses.entrySet().stream().filter(e -> e.getValue().equals(address)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    /**
     * What to put before a command to run it on {@code host}: nsenter enters only the network namespace (the
     * cgroups and mounts an agent uses stay the machine's, unlike {@code ip netns exec}) and execs the command,
     * so the process started is the command's own pid.
     */
    public List<String> on(String host) {
        return List.of("nsenter", "--net=/run/netns/" + tag + "-" + host);
    }

    /** The host's link goes down: nothing reaches it, it reaches nothing; its processes keep running. */
    public void cut(String host) throws IOException, InterruptedException {
        ip("link", "set", veth(host), "down");
    }

    public void heal(String host) throws IOException, InterruptedException {
        ip("link", "set", veth(host), "up");
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (String ns : namespaces) {
            removeNamespace(ns);
        }
        namespaces.clear();
        if (bridge) {
            quietly("link", "del", bridgeName());
            bridge = false;
        }
    }

    /** Removes the namespaces and bridges of test runs whose JVM is gone (a run killed before its clean-up). */
    public static void sweepStale() throws InterruptedException {
        for (String line : quietly("netns", "list").split("\n")) {
            String ns = line.split(" ")[0];
            if (ns.startsWith(PREFIX) && ns.contains("-") && !alive(ns.substring(PREFIX.length(), ns.indexOf('-')))) {
                removeNamespace(ns);
            }
        }
        for (String line : quietly("-o", "link", "show", "type", "bridge").split("\n")) {
            String[] fields = line.split(":\\s+");
            if (fields.length > 1 && fields[1].startsWith(PREFIX) && fields[1].endsWith("b")
                    && !alive(fields[1].substring(PREFIX.length(), fields[1].length() - 1))) {
                quietly("link", "del", fields[1]);
            }
        }
    }

    private static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not one of ours: leave it
        }
    }

    private static void removeNamespace(String ns) throws InterruptedException {
        for (int round = 0; round < 50; round++) {
            List<Long> pids = quietly("netns", "pids", ns).lines().filter(l -> !l.isBlank())
                    .map(l -> Long.parseLong(l.trim())).toList();
            if (pids.isEmpty()) {
                break;
            }
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            Thread.sleep(100);
        }
        quietly("netns", "del", ns); // its veth goes with it
    }

    private String bridgeName() {
        return tag + "b";
    }

    private String veth(String host) {
        return tag + host;
    }

    /** True when this process may make namespaces: root, and {@code ip netns} works. */
    public static boolean available() {
        try {
            return new ProcessBuilder("id", "-u").start().inputReader().readLine().trim().equals("0")
                    && run(List.of("ip", "netns", "list")).exit() == 0
                    && run(List.of("nsenter", "--version")).exit() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private record Ran(int exit, String out) {
    }

    private static Ran run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Ran(-1, out);
        }
        return new Ran(p.exitValue(), out);
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Ran ran = run(command);
        if (ran.exit() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + ran.exit() + "): " + ran.out().trim());
        }
    }

    private static String quietly(String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        try {
            return run(command).out();
        } catch (IOException e) {
            return "";
        }
    }
}

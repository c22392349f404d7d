package dev.skep.route;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real DNS server for tests: Debian's dnsmasq on a loopback port, serving only the TXT records given. */
public final class Dnsmasq implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/dnsmasq");

    private final Process process;
    public final int port;

    private Dnsmasq(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** {@code records}: name → TXT value; a value with '|' becomes several strings of one record. */
    public static Dnsmasq serving(Map<String, String> records) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("no " + BINARY + ": install it with apt-get install dnsmasq-base "
                    + "(.ci/run does)");
        }
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--keep-in-foreground", "--no-resolv",
                "--no-hosts", "--conf-file=/dev/null", "--local=/#/", "--bind-interfaces", "--listen-address=127.0.0.1",
                "--port=" + port, "--user=" + System.getProperty("user.name"), "--pid-file="));
        records.forEach((name, value) -> command.add("--txt-record=" + name + "," + value.replace('|', ',')));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Dnsmasq dns = new Dnsmasq(process, port);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) { // answering once a lookup of a name it holds succeeds
            if (!process.isAlive()) {
                throw new IllegalStateException("dnsmasq exited with " + process.exitValue());
            }
            try {
                if (!records.isEmpty() && !new DnsTxt(dns.server()).lookup(records.keySet().iterator().next()).isEmpty()) {
                    return dns;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        dns.close();
        throw new IllegalStateException("dnsmasq did not answer on port " + port + " within 10 s");
    }

    /** "127.0.0.1:PORT", for {@link DnsTxt} and skep's --dns. */
    public String server() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}

package dev.skep.server.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real 3-member ZooKeeper ensemble, each member its own JVM ({@code QuorumPeerMain} from the test's class path),
 * clients on {@code clientAddress}, the members talking to each other on loopback. Members can be killed
 * (SIGKILL) and started again on the same data and ports, as a host crash and its reboot.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {

    private static final int MEMBERS = 3;

    private final Path dir;
    private final String clientAddress;
    private final int[] clientPorts = new int[MEMBERS];
    private final Process[] members = new Process[MEMBERS];

    private ZooKeeperEnsemble(Path dir, String clientAddress) {
        this.dir = dir;
        this.clientAddress = clientAddress;
    }

    /** Writes the members' configs, starts them, and waits until a quorum serves. */
    public static ZooKeeperEnsemble start(Path dir, String clientAddress) throws IOException, InterruptedException {
        ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(dir, clientAddress);
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            ensemble.clientPorts[i] = SkepServerProcess.freePort();
            peers.add("server." + (i + 1) + "=127.0.0.1:" + SkepServerProcess.freePort() + ":" + SkepServerProcess.freePort());
        }
        try {
            for (int i = 0; i < MEMBERS; i++) {
                Path data = Files.createDirectories(dir.resolve("zk" + (i + 1)));
                Files.writeString(data.resolve("myid"), String.valueOf(i + 1));
                // tickTime 500: sessions of skep's 10 s (and shorter, --zk-session-timeout) fit between the 2-tick
                // minimum and the 20-tick maximum; srvr tells a leader
                Files.writeString(data.resolve("zoo.cfg"), String.join("\n", "tickTime=500", "initLimit=20",
                        "syncLimit=10", "dataDir=" + data, "clientPort=" + ensemble.clientPorts[i],
                        "clientPortAddress=" + clientAddress, "admin.enableServer=false",
                        "4lw.commands.whitelist=srvr", String.join("\n", peers)) + "\n");
                ensemble.startMember(i);
            }
            ensemble.awaitQuorum(Duration.ofSeconds(60));
        } catch (IOException | RuntimeException e) {
            ensemble.close();
            throw e;
        }
        return ensemble;
    }

    public String connectString() {
        List<String> hosts = new ArrayList<>();
        for (int port : clientPorts) {
            hosts.add(clientAddress + ":" + port);
        }
        return String.join(",", hosts);
    }

    /** Members numbered 0..2. */
    public void startMember(int i) throws IOException {
        Path data = dir.resolve("zk" + (i + 1));
        // an election's notifications back off from 200 ms doubling up to 60 s by default, so members that start
        // before the others listen look again ever later: the ensemble took 18.5 s to serve, 1.5 s with 1 s at most
        List<String> command = new ArrayList<>(TestJvm.command("org.apache.zookeeper.server.quorum.QuorumPeerMain",
                "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dzookeeper.log.dir=" + data,
                "-Dzookeeper.fastleader.maxNotificationInterval=1000"));
        command.add(data.resolve("zoo.cfg").toString());
        members[i] = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("out.log").toFile())).start();
    }

    /** SIGKILL: the member's host dies. */
    public void kill(int i) throws InterruptedException {
        if (members[i] != null) {
            members[i].destroyForcibly();
            members[i].waitFor();
        }
    }

    /** The member that leads now, or -1 when none answers "Mode: leader" (no quorum). */
    public int leader() {
        for (int i = 0; i < MEMBERS; i++) {
            if (srvr(i).contains("Mode: leader")) {
                return i;
            }
        }
        return -1;
    }

    /** True when every member serves (a leader and followers, none still looking). */
    public boolean allServing() {
        for (int i = 0; i < MEMBERS; i++) {
            String mode = srvr(i);
            if (!mode.contains("Mode: leader") && !mode.contains("Mode: follower")) {
                return false;
            }
        }
        return true;
    }

    public void awaitQuorum(Duration atMost) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!allServing()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the ZooKeeper ensemble did not serve with all 3 members within " + atMost
                        + "; see " + dir + "/zk*/out.log");
            }
            Thread.sleep(200);
        }
    }

    private String srvr(int i) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(clientAddress, clientPorts[i]), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process member : members) {
            if (member != null && member.isAlive()) {
                member.destroy();
                if (!member.waitFor(10, TimeUnit.SECONDS)) {
                    member.destroyForcibly();
                    member.waitFor();
                }
            }
        }
    }
}

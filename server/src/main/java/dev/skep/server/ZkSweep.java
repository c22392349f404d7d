package dev.skep.server;

import com.sun.management.OperatingSystemMXBean;
import dev.skep.state.EmbeddedZooKeeper;
import dev.skep.state.StateConnection;
import dev.skep.state.ZkAcl;
import dev.skep.state.ZkDataSize;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An embedded ZooKeeper whose data would not fit in this process's heap is swept first in a child JVM with room
 * for it: the child loads it, removes what is not skep's (junk an older skep let apps write at the root or under
 * /zookeeper), locks the tree and writes a compact snapshot; then this process loads what is left. Without it a
 * tree bigger than the heap killed skep at every start with an OutOfMemoryError until someone cleaned it by hand.
 */
@Command(name = "zk-sweep", hidden = true, description = "skep's own: sweeps an embedded ZooKeeper's data dir")
final class ZkSweep implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ZkSweep.class);
    private static final long MIB = 1024 * 1024;

    @Option(names = "--data-dir", required = true)
    Path data;

    /** Sweeps {@code zkDir} in a child JVM when its files come to half this heap or more; else does nothing. */
    static void ifTooBig(Path data, Path zkDir) throws IOException, InterruptedException {
        long heap = Runtime.getRuntime().maxMemory();
        if (ZkDataSize.fileBytes(zkDir) < heap / 2) {
            return; // the usual start: the files' sizes alone settle it, no log is walked
        }
        long bytes = ZkDataSize.loadBytes(zkDir);
        if (bytes < heap / 2) {
            return;
        }
        long physical = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        long childHeap = Math.min(Math.max(4 * bytes, 512 * MIB), physical * 3 / 4);
        log.warn("event=zookeeper.sweep-started data_mib={} heap_mib={} child_heap_mib={} why=\"the state's files are "
                + "more than half this heap: junk an older skep let apps write, most likely\"", bytes / MIB,
                heap / MIB, childHeap / MIB);
        long started = System.nanoTime();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-Xmx" + childHeap / MIB + "m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "zk-sweep", "--data-dir", data.toString()));
        Process child = new ProcessBuilder(command).inheritIO().start();
        if (!child.waitFor(30, TimeUnit.MINUTES)) {
            child.destroyForcibly().waitFor(); // then its exit value says it failed
        }
        if (child.exitValue() != 0) {
            throw new IllegalStateException("the embedded ZooKeeper's data in " + zkDir + " (" + bytes / MIB
                    + " MiB of files) does not fit in skep's heap (" + heap / MIB + " MiB), and sweeping it in a JVM"
                    + " of " + childHeap / MIB + " MiB failed (exit " + child.exitValue() + ", its log is above): give"
                    + " this host more memory, or move " + zkDir + " aside to start with an empty state");
        }
        log.info("event=zookeeper.swept data_mib_before={} data_mib_after={} took_ms={}", bytes / MIB,
                ZkDataSize.loadBytes(zkDir) / MIB, (System.nanoTime() - started) / 1_000_000);
    }

    /** The child's part: load, remove what is not skep's, lock, compact. */
    @Override
    public Integer call() throws Exception {
        ZkAcl acl = ZkAcl.inDataDir(data);
        try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(data.resolve("zk"),
                new InetSocketAddress("127.0.0.1", 0), false, true)) {
            try (StateConnection connection = StateConnection.open(server.connectString(), Duration.ofSeconds(10),
                    Duration.ofSeconds(60), acl)) {
                acl.secure(connection.client(), true);
            }
            server.compact();
        }
        return 0;
    }
}

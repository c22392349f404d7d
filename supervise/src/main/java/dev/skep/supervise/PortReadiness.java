package dev.skep.supervise;

import dev.skep.model.Assignment;
import dev.skep.model.HealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link InstanceReadiness} of a web process: polls, on a virtual thread of its own, until its own socket accepts on
 * the port and it answers HTTP there (see {@link ReadinessProbe}). An app that ignores PORT is found on the port its
 * process tree listens on.
 */
final class PortReadiness implements InstanceReadiness {

    private static final Logger log = LoggerFactory.getLogger(PortReadiness.class);
    /**
     * Node starts listening in 50-150 ms: polled briskly over the first second (a refused loopback connect costs
     * microseconds, and each poll's wait is latency added to every deploy), then at the slower pace.
     */
    private static final Duration FIRST_POLL = Duration.ofMillis(4);
    private static final int FIRST_POLLS = 250;
    private static final Duration READY_POLL = Duration.ofMillis(15);
    /** Looking for a port other than PORT reads /proc: about every 150 ms. */
    private static final int DISCOVER_EVERY_POLLS = 30;

    private final Assignment assignment;
    private final String id;
    private final Supplier<HealthCheck> checks;
    private volatile boolean foreignListenerLogged;

    PortReadiness(Assignment assignment, Supplier<HealthCheck> checks) {
        this.assignment = assignment;
        this.id = assignment.instance();
        this.checks = checks;
    }

    @Override
    public Probe await(InstanceProc proc, int port, Consumer<InstanceSignal> out) {
        Polling polling = new Polling(proc, port, out);
        polling.thread = Thread.ofVirtual().name("ready-" + id).start(polling::run);
        return polling;
    }

    private final class Polling implements Probe {
        private final InstanceProc proc;
        private final int port;
        private final Consumer<InstanceSignal> out;
        private volatile Thread thread;
        private volatile String lastWhy;
        private int effectivePort;
        private String note;

        Polling(InstanceProc proc, int port, Consumer<InstanceSignal> out) {
            this.proc = proc;
            this.port = port;
            this.out = out;
            this.effectivePort = port;
        }

        void run() {
            int polls = 0;
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    if (accepts(effectivePort) && listensItself() && healthyAtStart()) {
                        out.accept(new InstanceSignal.Ready(proc.generation(), effectivePort, note));
                        return;
                    }
                    if (++polls % DISCOVER_EVERY_POLLS == 0 && discoverPort()) {
                        continue;
                    }
                    Thread.sleep((polls < FIRST_POLLS ? FIRST_POLL : READY_POLL).toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closed: the process exited, or the start timed out
            }
        }

        @Override
        public String lastWhy() {
            return lastWhy;
        }

        @Override
        public void close() {
            thread.interrupt();
        }

        /**
         * Whether what accepted on the port is this instance and not another process that holds it (the
         * instance would then die with EADDRINUSE, or never listen, yet look ready). Unknown counts as yes:
         * when /proc does not show the process's sockets there is nothing better to go on.
         */
        private boolean listensItself() {
            if (!ProcessTree.socketsVisible(proc.pid())
                    // the process itself first (node listens in its own process): the tree is a walk of all of /proc,
                    // 3-10 ms on a busy host on every deploy's way to ready
                    || ProcessTree.listeningPorts(Set.of(proc.pid())).contains(effectivePort)
                    || ProcessTree.listeningPorts(ProcessTree.tree(proc.pid())).contains(effectivePort)) {
                return true;
            }
            if (!foreignListenerLogged) {
                foreignListenerLogged = true;
                log.warn("event=instance.port-taken app={} release={} instance={} port={} effect=\"not ready until the "
                        + "instance itself listens there\" fix=\"free the port or narrow the "
                        + "app port range\"", assignment.app(),
                        assignment.release().number(), id, effectivePort);
            }
            return false;
        }

        /** The instance answers HTTP on its port; why not is kept for the timeout's message. */
        private boolean healthyAtStart() {
            HealthProbe.Result result = ReadinessProbe.check(checks.get(), effectivePort);
            lastWhy = result.why();
            return result.healthy();
        }

        /** An app that ignores PORT: find what its process tree listens on. True when found a new port. */
        private boolean discoverPort() {
            Set<Integer> listening = ProcessTree.listeningPorts(ProcessTree.tree(proc.pid()));
            if (listening.isEmpty() || listening.contains(port) || listening.contains(effectivePort)) {
                return false;
            }
            effectivePort = listening.iterator().next();
            note = "ignores PORT " + port + ", listens on " + effectivePort;
            log.warn("event=instance.port-ignored app={} release={} instance={} port={} listening={} using={} "
                            + "fix=\"make the app listen on process.env.PORT\"", assignment.app(),
                    assignment.release().number(), id, port, listening, effectivePort);
            return true;
        }
    }

    /** A TCP connection to the port on loopback succeeds. */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

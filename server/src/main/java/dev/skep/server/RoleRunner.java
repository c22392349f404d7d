package dev.skep.server;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Runs a role until SIGTERM or SIGINT (a normal stop: everything closes in order, exit 0). */
final class RoleRunner {

    private static final Logger log = LoggerFactory.getLogger(RoleRunner.class);

    /** Starts a role's components into a lifecycle; throws what keeps them from starting. */
    @FunctionalInterface
    interface Starter {
        void start(Lifecycle life) throws Exception;
    }

    private RoleRunner() {
    }

    static int run(String role, Starter starter) throws InterruptedException {
        Lifecycle life = new Lifecycle();
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            starter.start(life);
        } catch (Exception e) {
            life.close();
            log.error("event={}.start-failed error=\"{}\"", role, e.getMessage(), e);
            System.err.println("skep " + role + ": cannot start: " + e.getMessage());
            return 1;
        }
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stopped.countDown());
        }
        stopped.await();
        log.info("event={}.stopping", role);
        life.close();
        log.info("event={}.stopped", role);
        return 0;
    }
}

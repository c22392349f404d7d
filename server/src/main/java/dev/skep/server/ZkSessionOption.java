package dev.skep.server;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How long the ensemble waits on a silent role before its session ends (its nodes go, its work moves): one flag of
 * every role that opens a session (server, controller, agent, router, edge). Shorter finds a dead or cut-off host
 * sooner; longer rides out longer pauses (a stalled VM, a long GC) without a re-registration.
 */
final class ZkSessionOption {

    static final int DEFAULT_SECONDS = 10;
    /** ZooKeeper pings at a third of the timeout and must reconnect within two thirds: below 2 s a busy host's
     *  scheduling delay alone ends sessions. */
    static final int MIN_SECONDS = 2;
    /** Past a minute, a dead agent's instances wait that long to move: more likely a mistake than a wish. */
    static final int MAX_SECONDS = 60;

    @Option(names = "--zk-session-timeout", defaultValue = "" + DEFAULT_SECONDS, paramLabel = "SECONDS",
            description = "seconds ZooKeeper waits on this role when it falls silent before its session ends and its "
                    + "nodes go (" + MIN_SECONDS + "-" + MAX_SECONDS + "; an ensemble may narrow it to its own "
                    + "min/maxSessionTimeout; give every role of a cluster the same; default: ${DEFAULT-VALUE})")
    int seconds = DEFAULT_SECONDS;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The timeout; out of range is a usage error naming the flag. */
    Duration timeout() {
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            throw FlagError.of(command, "--zk-session-timeout must be " + MIN_SECONDS + " to " + MAX_SECONDS
                    + " seconds, found " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }
}

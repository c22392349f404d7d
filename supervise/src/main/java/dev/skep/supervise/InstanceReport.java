package dev.skep.supervise;

import dev.skep.model.InstanceState;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Where an {@link InstanceMachine} tells what happens: the record for re-adoption, the status, the events. */
interface InstanceReport {

    /** What the status and events carry besides the state. */
    record Facts(int port, int restarts, String lastExit, String message) {
    }

    /** Writes the record a later agent re-adopts {@code proc} from. */
    void save(InstanceProc proc, int restarts);

    /** Publishes the instance's status; {@code proc} is null when no process runs. */
    void publish(InstanceState state, InstanceProc proc, Instant since, Facts facts);

    void event(String type, String text, Facts facts, Map<String, String> data);

    /** Waits (at most {@code wait}) until the process's last output is in its log, which a failure report quotes. */
    void logsCaughtUp(Duration wait) throws InterruptedException;
}

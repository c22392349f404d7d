package dev.skep.supervise;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The one timer an {@link InstanceMachine} has armed at a time (start timeout, settle, unhealthy grace, back-off,
 * slug retry). Arming again or cancelling makes the {@link InstanceSignal.Due} of an earlier arm stale, even when
 * it is already in the mailbox.
 */
final class Alarm {

    private final Timers timers;
    private final Consumer<InstanceSignal> post;
    private Timers.Cancellable timer;
    private int token;

    Alarm(Timers timers, Consumer<InstanceSignal> post) {
        this.timers = timers;
        this.post = post;
    }

    void arm(Duration delay) {
        cancel();
        int armed = ++token;
        Duration wait = delay.isNegative() ? Duration.ZERO : delay;
        timer = timers.after(wait, () -> post.accept(new InstanceSignal.Due(armed)));
    }

    void cancel() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** True, once, when {@code due} is of the arm in force. */
    boolean rings(InstanceSignal.Due due) {
        if (due.token() != token || timer == null) {
            return false;
        }
        timer = null;
        return true;
    }
}

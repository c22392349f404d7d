package dev.skep.supervise;

/**
 * What an {@link InstanceMachine} is told: the agent's commands, and what its steps and timers saw. Signals of a
 * process carry its generation, so that one of an older process (a late exit, a last health turn) is dropped.
 */
sealed interface InstanceSignal {

    /** The agent's orders. */
    enum Command implements InstanceSignal { STOP, RESTART, DETACH }

    /** Process {@code generation} ended. */
    record Exited(int generation, String how) implements InstanceSignal {
    }

    /**
     * Process {@code generation} answers on {@code port}; {@code note} says why that is not the port it was given
     * (it ignores PORT), or is null.
     */
    record Ready(int generation, int port, String note) implements InstanceSignal {
    }

    /** The health watch of process {@code generation} saw it turn healthy or unhealthy. */
    record Health(int generation, boolean healthy, String why) implements InstanceSignal {
    }

    /** The timer armed as {@code token} ran out; a later arm or a cancel makes it stale. */
    record Due(int token) implements InstanceSignal {
    }
}

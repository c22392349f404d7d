package dev.skep.supervise;

import java.util.function.Consumer;

/** The step that tells when a web process answers: it posts one {@link InstanceSignal.Ready}, or nothing. */
interface InstanceReadiness {

    /** A probe in progress; closing it stops it. */
    interface Probe extends AutoCloseable {
        /** What the last check answered when it failed (for the timeout's message), or null. */
        String lastWhy();

        @Override
        void close();
    }

    Probe await(InstanceProc proc, int port, Consumer<InstanceSignal> out);
}

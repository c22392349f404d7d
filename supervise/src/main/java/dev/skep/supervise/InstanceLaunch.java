package dev.skep.supervise;

import dev.skep.model.limits.ResourceLimits;

import java.io.IOException;
import java.util.Optional;

/** The step that gets an instance's process running: its slug here, a workspace, a spawn, or an adoption. */
interface InstanceLaunch {

    /** Gets the release's slug here before the first launch; throws saying why it cannot be had now. */
    void fetchSlug() throws IOException;

    /** Prepares a fresh workspace and starts process {@code generation}. */
    InstanceProc launch(int generation) throws IOException;

    /** Watches the process that a former agent started and left running (its record). */
    InstanceProc adopt(int generation);

    /** After an exit: the limits whose memory the kernel's OOM killer enforced on it since the last look, if it did. */
    Optional<ResourceLimits> oomKilled();
}

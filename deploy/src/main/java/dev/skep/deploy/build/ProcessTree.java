package dev.skep.deploy.build;

import java.util.List;

/** Kills a process and everything it started. */
final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * SIGKILLs the root first, so it cannot start more, then every descendant seen just before.
     * A grandchild forked in the microseconds between the two steps could escape; a cgroup
     * would close that gap where one is available.
     */
    static void kill(ProcessHandle root) {
        List<ProcessHandle> descendants = root.descendants().toList();
        root.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}

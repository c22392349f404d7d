package dev.skep.supervise;

import dev.skep.model.InstanceIds;
import dev.skep.model.fs.RecursiveDelete;
import dev.skep.supervise.workspace.AppDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a former agent process left of instances it no longer recorded (it died before removing them), cleared at
 * re-adoption: their copies and overlay layers go, and a process still running among them is killed first. Their
 * mounts, if any, lived in the instances' own namespaces and went with their processes.
 */
final class StaleWorkspaces {

    private static final Logger log = LoggerFactory.getLogger(StaleWorkspaces.class);

    private StaleWorkspaces() {
    }

    /** Removes every instance copy under the layout's work dir, and every layer on the disks, not in records. */
    static void remove(String agentId, AgentLayout layout, AppDisks disks, List<InstanceRecord> records) {
        Set<String> known = new HashSet<>();
        records.forEach(r -> known.add(r.instance()));
        try (var dirs = Files.list(layout.work())) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                if (!known.contains(name) && InstanceIds.isValid(name)) {
                    killStray(agentId, name);
                    RecursiveDelete.delete(dir);
                    log.info("event=workspace.stale-removed agent={} instance={}", agentId, name);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("event=workspace.stale-not-removed agent={} error={}", agentId, e.toString());
        }
        disks.removeStaleLayers(known);
    }

    /**
     * Processes of an instance this agent has no record of: a kill of the agent between starting the process and
     * recording it leaves one running, unrouted and unknown (CrashConsistencyTest caught one). Found by the
     * SKEP_INSTANCE every instance is started with, they get SIGKILL before the instance's copy goes.
     */
    private static void killStray(String agentId, String instance) {
        Set<Long> stray = ProcessTree.withEnvironment("SKEP_INSTANCE", instance);
        if (!stray.isEmpty()) {
            log.warn("event=instance.stray-killed agent={} instance={} pids={} reason=\"running without a record: the "
                    + "agent stopped between starting it and recording it\"", agentId, instance, stray);
            ProcessTree.killAll(stray);
        }
    }
}

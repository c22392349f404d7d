package dev.skep.supervise;

import dev.skep.supervise.workspace.AppDisks;
import dev.skep.supervise.workspace.CopyWorkspaces;
import dev.skep.supervise.workspace.LoopDisks;
import dev.skep.supervise.workspace.MeasuredDisks;
import dev.skep.supervise.workspace.OverlayWorkspaces;
import dev.skep.supervise.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where an agent's instances get their writable copies and their volumes: chosen once, at its start, and said. */
final class AgentStorage {

    private static final Logger log = LoggerFactory.getLogger(Agent.class); // the agent's start says it

    private AgentStorage() {
    }

    /**
     * Overlays when root and the host lets us mount them, else copies (said once, here: each start
     * then costs a copy of the slug).
     */
    static Workspaces workspaces(AgentConfig config, AgentLayout layout, boolean root, boolean overlay,
                                 AppDisks disks) {
        if (overlay) {
            log.info("event=workspace.overlay agent={}: each instance runs in an overlay of its slug, in a mount "
                    + "namespace of its own", config.agentId());
            return new OverlayWorkspaces(layout.work(), disks::layers);
        }
        log.warn("event=workspace.copy agent={} reason=\"{}\": each instance start copies its slug (cp --reflink=auto); "
                + "run skep as root on a host with overlayfs for copy-free starts", config.agentId(),
                root ? "overlayfs cannot be mounted here" : "not root");
        return new CopyWorkspaces(layout.work());
    }

    /**
     * A filesystem image per app when root with overlays and the host lets us loop-mount (the kernel holds the
     * quota), else the data dir, measured. Probed once, said once.
     */
    static AppDisks disks(AgentConfig config, AgentLayout layout, boolean overlay) {
        long quota = config.diskQuota();
        StringBuilder why = new StringBuilder();
        if (!overlay) {
            why.append(AppUsers.runningAsRoot() && config.isolateWhenRoot() ? "no overlay workspaces here"
                    : "not root");
        } else {
            try {
                Files.createDirectories(layout.disks());
                if (LoopDisks.works(layout.disks(), why)) {
                    log.info("event=disk.quota agent={} mode=loop quota_bytes={}: each app's volumes and writable "
                            + "copies are on a filesystem image of that size; writes past it fail", config.agentId(),
                            quota);
                    return new LoopDisks(layout.disks(), layout::appVolumes, quota).keepingSpare();
                }
            } catch (IOException e) {
                why.append(e.getMessage());
            }
        }
        log.warn("event=disk.quota agent={} mode=measured quota_bytes={} reason=\"{}\": each app's volumes and "
                + "writable copies are measured every {} s and app.disk-full said at 90%; nothing stops a write",
                config.agentId(), quota, why.toString().strip().replace('"', '\''), DiskWatch.INTERVAL.toSeconds());
        return new MeasuredDisks(layout.volumes(), layout::appVolumes, quota);
    }
}

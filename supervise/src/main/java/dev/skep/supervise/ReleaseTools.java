package dev.skep.supervise;

import dev.skep.model.Release;
import dev.skep.model.node.NodeInstalls;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Node and npm a release was built with, on this host: fetched (once) when it lacks them (a release built elsewhere). */
final class ReleaseTools {

    private static final Logger log = LoggerFactory.getLogger(ReleaseTools.class);

    private final String agentId;
    private final NodeInstalls nodes;

    ReleaseTools(String agentId, NodeInstalls nodes) {
        this.agentId = agentId;
        this.nodes = nodes;
    }

    /** The release's node binary; one this host lacks is fetched first. */
    Path node(Release release) {
        if (!nodes.present(release.node())) {
            log.info("event=node.fetch agent={} app={} release={} node={}: this host lacks the release's Node",
                    agentId, release.app(), release.number(), release.node());
        }
        return nodes.binaryFor(release.node());
    }

    /**
     * The bin dir of the release's npm (one built on a fetched Node), fetched first if this host lacks it; null: the
     * host's. A fetch that fails does not keep the instance from starting (node starts it, not npm): its npm and npx
     * are the host's then, as they were before releases named theirs.
     */
    Path npmBin(Release release) {
        try {
            return nodes.npmBinFor(release.npm());
        } catch (RuntimeException e) {
            log.warn("event=npm.fetch-failed agent={} app={} release={} npm={} error=\"{}\" effect=\"its npm and "
                    + "npx are the host's\"", agentId, release.app(), release.number(), release.npm(),
                    e.getMessage());
            return null;
        }
    }
}

package dev.skep.model.node;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Node binaries of one host: its own node, and the releases in its {@link NodeCache}. Deploys
 * choose a version with it; agents find (or fetch) the binary a release names with it, so a release
 * built on one host runs with the same Node on every other.
 */
public final class NodeInstalls {

    private final Path hostNode;
    private final NodeCache cache;
    /** npm releases, beside the Node ones ({@code ../npm}): the npm a release on a fetched Node runs */
    private final NodeCache npms;
    private volatile NodeVersion hostVersion;

    /** @param hostNode the host's node binary, absolute */
    public NodeInstalls(Path hostNode, NodeCache cache) {
        this.hostNode = hostNode;
        this.cache = cache;
        this.npms = NodeCache.npm(cache.dir().resolveSibling("npm"), cache.dist().forPackage("npm"));
    }

    public Path hostNode() {
        return hostNode;
    }

    public NodeCache cache() {
        return cache;
    }

    /** The npm releases kept on this host (those of builds on fetched Nodes). */
    public NodeCache npms() {
        return npms;
    }

    /** What {@code node --version} of the host's node says, asked once. */
    public NodeVersion hostVersion() {
        NodeVersion v = hostVersion;
        if (v == null) {
            String said = Command.run(List.of(hostNode.toString(), "--version"), Path.of("/"), Duration.ofSeconds(30))
                    .strip();
            v = NodeVersion.parse(said).orElseThrow(() -> new SkepException(Kind.FAILED,
                    hostNode + " --version said \"" + said + "\"", "install Node.js on this host"));
            hostVersion = v;
        }
        return v;
    }

    /** The host's node, or the newest release that satisfies the requirement (not downloaded yet). */
    public NodeChoice choose(NodeRequirement wanted) {
        return NodeResolver.choose(wanted, hostVersion(), cache::available);
    }

    /** The binary of that version: the host's own, else the cached release, downloaded first if need be. */
    public Path binary(NodeVersion version) {
        return version.equals(hostVersion()) ? hostNode : cache.ensure(version);
    }

    /** True when the binary a release names is here without a download. */
    public boolean present(String releaseNode) {
        if (releaseNode == null || releaseNode.isBlank()) {
            return true;
        }
        return NodeVersion.parse(releaseNode).map(v -> v.equals(hostVersion()) || cache.has(v)).orElse(false);
    }

    /**
     * The binary a release names ("22.23.5"); the host's for releases made before skep recorded
     * the version (null or blank).
     */
    public Path binaryFor(String releaseNode) {
        if (releaseNode == null || releaseNode.isBlank()) {
            return hostNode;
        }
        NodeVersion version = NodeVersion.parse(releaseNode).orElseThrow(() -> new SkepException(Kind.FAILED,
                "the release names Node \"" + releaseNode + "\", which is not a version", "deploy the app again"));
        return binary(version);
    }

    /**
     * What goes first on the PATH of a build or an instance on a fetched Node: its npm's bin dir (null: none),
     * then its node's dir, so {@code npm}, {@code npx} and {@code node} are the release's and not the host's.
     */
    public static String pathPrefix(Path node, Path npmBin) {
        return (npmBin == null ? "" : npmBin + File.pathSeparator) + node.toAbsolutePath().getParent();
    }

    /**
     * The bin dir of the npm a release names ("8.19.4": its {@code npm} and {@code npx}), fetched first if this
     * host lacks it; null for a release that names none (it runs with the host's npm).
     */
    public Path npmBinFor(String releaseNpm) {
        if (releaseNpm == null || releaseNpm.isBlank()) {
            return null;
        }
        NodeVersion version = NodeVersion.parse(releaseNpm).orElseThrow(() -> new SkepException(Kind.FAILED,
                "the release names npm \"" + releaseNpm + "\", which is not a version", "deploy the app again"));
        return npms.ensure(version).getParent();
    }
}

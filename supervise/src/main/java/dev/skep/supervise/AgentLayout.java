package dev.skep.supervise;

import dev.skep.model.AppId;
import dev.skep.model.InstanceIds;
import dev.skep.model.VolumePaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The agent's data dir, the one place that builds paths from instance ids:
 *
 * <pre>
 *  {dataDir}/instances/{instance}.json     what to re-adopt after an agent restart
 *  {dataDir}/run/{instance}/stdout|stderr  raw capture the app writes to (append mode)
 *  {dataDir}/logs/{user}/{app}/{instance}.log[.N]  timestamped, rotated logs
 *  {dataDir}/uids.json                     app -> uid, when isolation is on
 *  {dataDir}/work/{instance}/              the instance's writable copy of its slug (see workspace/)
 *  {dataDir}/volumes/{user}.{app}/{name}   the app's volumes, name from VolumePaths.storageName (quota measured)
 *  {dataDir}/disks/{user}.{app}.img        as root: the app's filesystem image, its quota's size (see LoopDisks),
 *  {dataDir}/disks/{user}.{app}/           mounted here, with its volumes and its copies' overlay layers
 * </pre>
 */
public final class AgentLayout {

    private final Path root;

    public AgentLayout(Path dataDir) {
        this.root = dataDir.toAbsolutePath().normalize();
    }

    /**
     * Creates the layout with modes that keep apps out: the root and run/ 0711 (an app passes
     * through to its own run dir, 0700 and its own), instances/ (records hold env values) and
     * logs/ 0700 (apps read their logs through the API, never each other's).
     */
    public void create() {
        try {
            Files.createDirectories(instances());
            Files.createDirectories(root.resolve("run"));
            Files.createDirectories(logs());
            Files.createDirectories(work());
            Files.createDirectories(volumes());
            mode(root, "rwx--x--x");
            mode(work(), "rwx--x--x"); // an app passes through to its own copy
            mode(volumes(), "rwx--x--x"); // pass-through only: each volume is 0700 and its app's
            mode(root.resolve("run"), "rwx--x--x");
            mode(instances(), "rwx------");
            mode(logs(), "rwx------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the agent data dir " + root + ": " + e.getMessage(), e);
        }
    }

    private static void mode(Path dir, String mode) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
    }

    public Path root() {
        return root;
    }

    public Path instances() {
        return root.resolve("instances");
    }

    public Path record(String instance) {
        return instances().resolve(requireInstance(instance) + ".json");
    }

    /** Where each instance's raw output is captured, one dir per instance. */
    public Path runs() {
        return root.resolve("run");
    }

    public Path runDir(String instance) {
        return runs().resolve(requireInstance(instance));
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path appLogDir(AppId app) {
        return logs().resolve(app.user()).resolve(app.name());
    }

    public Path logFile(String instance) {
        return appLogDir(InstanceIds.app(instance)).resolve(requireInstance(instance) + ".log");
    }

    public Path work() {
        return root.resolve("work");
    }

    public Path workDir(String instance) {
        return work().resolve(requireInstance(instance));
    }

    public Path volumes() {
        return root.resolve("volumes");
    }

    public Path appVolumes(AppId app) {
        return volumes().resolve(app.user() + "." + app.name());
    }

    /** Where the volume at {@code path} of {@code app} is stored on this host. */
    public Path volume(AppId app, String path) {
        return appVolumes(app).resolve(VolumePaths.storageName(path));
    }

    public Path disks() {
        return root.resolve("disks");
    }

    public Path uids() {
        return root.resolve("uids.json");
    }

    public static String requireInstance(String instance) {
        InstanceIds.app(instance); // throws for an invalid id
        return instance;
    }
}

package dev.skep.supervise.workspace;

import dev.skep.model.AppId;
import dev.skep.model.fs.RecursiveDelete;
import dev.skep.model.fs.TreeSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.function.Function;

/**
 * The quota where the kernel cannot hold it (not root, or no loop devices): the app's files stay in the
 * data dir ({@code volumes/{user}.{app}/}) and are measured; nothing stops a write, the agent warns.
 */
public final class MeasuredDisks implements AppDisks {

    private final Path volumesRoot;
    private final Function<AppId, Path> volumes;
    private final long quota;

    /**
     * @param volumesRoot the dir holding every app's volumes dir
     * @param volumes     an app's volumes dir
     */
    public MeasuredDisks(Path volumesRoot, Function<AppId, Path> volumes, long quota) {
        this.volumesRoot = volumesRoot;
        this.volumes = volumes;
        this.quota = quota;
    }

    @Override
    public Path prepare(AppId app) {
        return volumes.apply(app);
    }

    @Override
    public Path volumes(AppId app) {
        return volumes.apply(app);
    }

    @Override
    public Path layers(String instance) {
        return null;
    }

    @Override
    public Usage usage(AppId app, Collection<String> instances, Workspaces workspaces) throws IOException {
        long used = TreeSize.bytes(volumes.apply(app));
        for (String instance : instances) {
            used += workspaces.written(instance);
        }
        return new Usage(used, quota);
    }

    @Override
    public Set<AppId> apps() throws IOException {
        return AppDirNames.appsIn(volumesRoot, "");
    }

    @Override
    public void remove(AppId app) throws IOException {
        RecursiveDelete.delete(volumes.apply(app));
    }

    @Override
    public long quota() {
        return quota;
    }

    @Override
    public String mode() {
        return "measured";
    }
}

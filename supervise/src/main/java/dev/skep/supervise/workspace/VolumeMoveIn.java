package dev.skep.supervise.workspace;

import dev.skep.model.AppId;
import dev.skep.model.fs.RecursiveDelete;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volumes an older skep kept outside the app's disk image ({@code volumes/{user}.{app}}) moved into it, once:
 * each copied in, and the old copy deleted only once the copy is whole.
 */
final class VolumeMoveIn {

    private static final Logger log = LoggerFactory.getLogger(VolumeMoveIn.class);

    private VolumeMoveIn() {
    }

    /** Moves the volumes under {@code old} (if any) into {@code volumes}, then deletes {@code old}. */
    static void move(AppId app, Path old, Path volumes) throws IOException {
        if (!Files.isDirectory(old, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var entries = Files.list(old)) {
            for (Path from : (Iterable<Path>) entries::iterator) {
                String name = from.getFileName().toString();
                if (name.startsWith(".new-") || !Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                    continue; // a half-seeded volume (VolumeDirs' staging) was never mounted
                }
                Path to = volumes.resolve(name);
                if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                    log.warn("event=disk.move-skipped app={} volume={} reason=\"already in the image\" old={}", app,
                            name, from);
                    continue;
                }
                Path staging = volumes.resolve(".move-" + name);
                RecursiveDelete.delete(staging);
                try {
                    FileTrees.copy(from, staging);
                } catch (IOException e) {
                    RecursiveDelete.delete(staging);
                    throw new IOException("cannot move volume " + name + " of " + app + " into its disk image ("
                            + e.getMessage() + "); its data is still in " + from + ". Raise --app-disk above its size "
                            + "and restart skep", e);
                }
                Files.move(staging, to, StandardCopyOption.ATOMIC_MOVE);
                RecursiveDelete.delete(from);
                log.info("event=disk.volume-moved app={} volume={} from={} to={}", app, name, from, to);
            }
        }
        RecursiveDelete.delete(old);
    }
}

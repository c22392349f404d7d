package dev.skep.api;

import dev.skep.model.AppId;
import dev.skep.model.view.VolumesView;
import java.nio.file.Path;
import java.util.Optional;

/** The volumes of the agent in this process, if one runs here (`skep server`): what the API can size and export. */
public interface LocalVolumes {

    /** This process's agent id, or null when none runs here (a controller alone). */
    String agent();

    /** Where that agent keeps the volume at {@code path} of {@code app} (it may not exist yet). */
    Path dir(AppId app, String path);

    /** What the app holds on that agent against its disk quota; empty where none runs here. */
    default Optional<VolumesView.Disk> disk(AppId app) {
        return Optional.empty();
    }

    static LocalVolumes none() {
        return new LocalVolumes() {
            @Override
            public String agent() {
                return null;
            }

            @Override
            public Path dir(AppId app, String path) {
                throw new IllegalStateException("no agent runs here");
            }
        };
    }
}

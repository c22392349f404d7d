package dev.skep.api;

import dev.skep.deploy.BuildLogs.BuildFacts;
import dev.skep.model.AppId;
import java.util.Map;

/** What is known about an app's releases beyond the releases themselves: why some failed, how each was built. */
public interface ReleaseHistory {

    ReleaseHistory NONE = new ReleaseHistory() {
        @Override
        public Map<Integer, String> failures(AppId app) {
            return Map.of();
        }

        @Override
        public Map<Integer, BuildFacts> builds(AppId app) {
            return Map.of();
        }
    };

    /** Why each failed release failed, by number. */
    Map<Integer, String> failures(AppId app);

    /** Build facts of the releases the answering controller built, by number. */
    Map<Integer, BuildFacts> builds(AppId app);
}

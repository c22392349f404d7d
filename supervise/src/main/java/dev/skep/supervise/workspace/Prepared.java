package dev.skep.supervise.workspace;

import java.nio.file.Path;
import java.util.List;

/**
 * An instance's app dir for one launch.
 *
 * @param appDir where the app runs (its cwd and HOME)
 * @param head   what goes first in its exec chain (after setsid) to put the copy and the volumes in place;
 *               empty when they are in place already
 */
public record Prepared(Path appDir, List<String> head) {

    public Prepared {
        head = List.copyOf(head);
    }
}

package dev.skep.model;

import java.io.IOException;
import java.nio.file.Path;

/** Where built apps (slugs: the app with its node_modules) live, by slug id. */
public interface SlugStore {

    /** A local directory holding the unpacked slug, fetched first when it lives elsewhere. */
    Path checkout(String slug) throws IOException;
}

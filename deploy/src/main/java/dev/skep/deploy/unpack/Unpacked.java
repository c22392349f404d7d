package dev.skep.deploy.unpack;

import java.nio.file.Path;

/**
 * An upload unpacked on disk.
 *
 * @param appRoot the directory holding the app: the destination, or the single top folder in it
 * @param bytes   bytes of file content written
 * @param entries tar entries read (files, directories, links)
 */
public record Unpacked(Path appRoot, long bytes, int entries) {
}

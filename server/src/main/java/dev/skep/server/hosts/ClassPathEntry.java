package dev.skep.server.hosts;

import dev.skep.model.hash.Sha256;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * One piece of the running skep's class path (a jar, or a classes directory when run from a build), with the
 * name it gets on a remote host and a digest of its content: what `skep hosts add` copies, and what a second
 * run compares to leave unchanged pieces alone.
 */
record ClassPathEntry(Path local, String remoteName, String sha256) {

    boolean directory() {
        return Files.isDirectory(local);
    }

    /**
     * This JVM's class path with digests; those of pieces unchanged since the last run (same size, file count and
     * newest modification time) are read from {@code cache} instead of hashing ~50 MiB of jars again, which costs
     * seconds on a busy machine for every add and upgrade. The cache is rewritten with what this run found.
     */
    static List<ClassPathEntry> ofThisJvm(Path cache) throws IOException {
        Map<String, String> known = new HashMap<>(); // "stamp path" -> sha256
        if (Files.isRegularFile(cache)) {
            for (String line : Files.readAllLines(cache)) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    known.put(line.substring(space + 1), line.substring(0, space));
                }
            }
        }
        List<ClassPathEntry> entries = new ArrayList<>();
        StringBuilder next = new StringBuilder();
        for (Named piece : pieces()) {
            String key = stamp(piece.path()) + " " + piece.path();
            String sha = known.get(key);
            if (sha == null) {
                sha = digest(piece.path());
            }
            next.append(sha).append(' ').append(key).append('\n');
            entries.add(new ClassPathEntry(piece.path(), piece.remoteName(), sha));
        }
        try { // a temp file of its own: two adds at once each replace the cache whole
            Path parent = Files.createDirectories(cache.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(parent, cache.getFileName().toString(), ".tmp");
            Files.writeString(tmp, next);
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // only a cache: the next run hashes again
        }
        return entries;
    }

    /** Size, file count and newest modification time of a file or a tree: what changes when its content does. */
    static String stamp(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return Files.size(path) + ":1:" + Files.getLastModifiedTime(path).toMillis();
        }
        long size = 0;
        long count = 0;
        long newest = 0;
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                size += Files.size(file);
                count++;
                newest = Math.max(newest, Files.getLastModifiedTime(file).toMillis());
            }
        }
        return size + ":" + count + ":" + newest;
    }

    private record Named(Path path, String remoteName) {
    }

    /** This JVM's class path, jars' manifest Class-Path followed (skep.jar names lib/*.jar so), in order. */
    private static List<Named> pieces() throws IOException {
        Set<Path> paths = new LinkedHashSet<>();
        for (String part : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!part.isBlank()) {
                add(Path.of(part).toAbsolutePath().normalize(), paths);
            }
        }
        List<Named> pieces = new ArrayList<>();
        int index = 0;
        for (Path path : paths) {
            String base = path.getFileName().toString();
            if (Files.isDirectory(path) && path.getParent() != null && path.getParent().getParent() != null) {
                base = path.getParent().getParent().getFileName() + "-" + base; // server/target/classes: server-classes
            }
            pieces.add(new Named(path, String.format("%03d-%s", index++, base)));
        }
        return pieces;
    }

    private static void add(Path path, Set<Path> paths) throws IOException {
        if (!Files.exists(path) || paths.contains(path)) {
            return;
        }
        if (Files.isDirectory(path)) {
            paths.add(path);
            return;
        }
        boolean hasClasses;
        List<Path> referenced = new ArrayList<>();
        try (JarFile jar = new JarFile(path.toFile())) {
            hasClasses = jar.stream().anyMatch(e -> !e.getName().startsWith("META-INF/"));
            var manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath != null) {
                URI base = path.getParent().toUri();
                for (String ref : classPath.trim().split("\\s+")) {
                    URI uri = base.resolve(ref);
                    if ("file".equals(uri.getScheme())) {
                        referenced.add(Path.of(uri).normalize());
                    }
                }
            }
        }
        if (hasClasses) { // a manifest-only jar (a test runner's) would point the remote host at our paths
            paths.add(path);
        }
        for (Path ref : referenced) {
            add(ref, paths);
        }
    }

    /** SHA-256 of a file, or of a directory's relative names and contents in name order. */
    static String digest(Path path) throws IOException {
        MessageDigest sha = Sha256.newDigest();
        if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                    sha.update(path.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                    update(sha, file);
                }
            }
        } else {
            update(sha, path);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, Path file) throws IOException {
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
    }
}

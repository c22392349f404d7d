package dev.skep.model.pack;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Packs an app directory as a .tar.gz for {@code skep deploy} (and for a {@code git push}, from the pushed tree): entries named relative to the
 * directory ("package.json", "lib/", no "./"), in a stable order, with their permission bits and
 * times, owned by 0:0. Symbolic links stay links when they point inside the directory; others are
 * left out with a warning, as are sockets and devices. What {@link IgnoreRules} names is left out.
 */
public final class Tarball {

    /**
     * What went in, and what was left out that the user may want to know about.
     *
     * @param topLevel bytes under each entry of the app's root, for a user looking for what made it big
     * @param rootNames the names at the app's root that went in
     */
    public record Summary(int files, long bytes, List<String> warnings, Map<String, Long> topLevel,
                          Set<String> rootNames) {

        /** The largest root entries, "public/ 580 MB, dist/ 12 MB", at most {@code n}. */
        public String largest(int n, LongFunction<String> format) {
            return topLevel.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                    .map(e -> e.getKey() + " " + format.apply(e.getValue())).collect(Collectors.joining(", "));
        }

        /** Whether what went in can be an app: package.json or a Procfile at its root (else nothing to deploy). */
        public boolean hasAppRoot() {
            return rootNames.contains("package.json") || rootNames.contains("Procfile");
        }
    }

    /** Why a directory or a pushed branch is no app: said alike by {@code skep deploy} and a {@code git push}. */
    public static final String NO_APP_ROOT = "has neither package.json nor Procfile: it is not a Node app's root";

    private final Path root;
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, Long> topLevel = new HashMap<>();
    private final Set<String> rootNames = new TreeSet<>();
    private int files;
    private long bytes;

    private Tarball(Path root) {
        this.root = root;
    }

    /** Writes DIR as tar.gz to target (created or replaced). */
    public static Summary pack(Path dir, Path target) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16)) {
            return pack(dir, out);
        }
    }

    /** Writes DIR as tar.gz to out, which is finished but not closed. */
    public static Summary pack(Path dir, OutputStream out) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        Tarball tarball = new Tarball(root);
        IgnoreRules rules = IgnoreRules.load(root);
        try (TarArchiveOutputStream tar = TarGz.open(out)) {
            tar.setAddPaxHeadersForNonAsciiNames(true);
            tarball.addChildren(tar, root, "", rules);
            tar.finish();
        }
        return new Summary(tarball.files, tarball.bytes, List.copyOf(tarball.warnings), Map.copyOf(tarball.topLevel),
                Set.copyOf(tarball.rootNames));
    }

    private void addChildren(TarArchiveOutputStream tar, Path dir, String prefix, IgnoreRules rules)
            throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            String name = prefix + child.getFileName();
            BasicFileAttributes attributes = Files.readAttributes(child, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (rules.ignored(name, attributes.isDirectory())) {
                continue;
            }
            if (attributes.isDirectory() && IgnoreRules.isSkepDataDir(child)) {
                warnings.add("left out " + name + "/: a skep data dir (it holds tokens)");
                continue;
            }
            if (prefix.isEmpty()) {
                rootNames.add(child.getFileName().toString());
            }
            if (attributes.isDirectory()) {
                TarArchiveEntry entry = entry(child, name + "/", attributes, TarArchiveEntry.DEFAULT_DIR_MODE, 040000);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
                addChildren(tar, child, name + "/", rules.enter(name + "/", child));
            } else if (attributes.isRegularFile()) {
                TarArchiveEntry entry = entry(child, name, attributes, TarArchiveEntry.DEFAULT_FILE_MODE, 0100000);
                entry.setSize(attributes.size());
                tar.putArchiveEntry(entry);
                Files.copy(child, tar);
                tar.closeArchiveEntry();
                files++;
                bytes += attributes.size();
                int slash = name.indexOf('/');
                topLevel.merge(slash < 0 ? name : name.substring(0, slash + 1), attributes.size(), Long::sum);
            } else if (attributes.isSymbolicLink()) {
                addLink(tar, child, name);
            } else {
                warnings.add("left out " + name + ": not a file, directory or link");
            }
        }
    }

    private void addLink(TarArchiveOutputStream tar, Path link, String name) throws IOException {
        Path target = Files.readSymbolicLink(link);
        Path resolved = link.getParent().resolve(target).normalize();
        if (target.isAbsolute() || !resolved.startsWith(root)) {
            warnings.add("left out " + name + ": a link to " + target + ", outside the app");
            return;
        }
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(target.toString().replace('\\', '/'));
        entry.setMode(0120777);
        owner(entry);
        entry.setModTime(Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS));
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(Path path, String name, BasicFileAttributes attributes, int defaultMode,
                                         int type) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(type | TarGz.permissions(path, defaultMode & 07777));
        entry.setModTime(attributes.lastModifiedTime());
        owner(entry);
        return entry;
    }

    private static void owner(TarArchiveEntry entry) {
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
    }
}

package dev.skep.supervise;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.skep.model.AppId;
import dev.skep.model.DataDirs;
import dev.skep.model.fs.PrivateFile;
import dev.skep.model.limits.UidProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * The numeric uid (= gid) each app runs under when the agent is root: derived from a hash of the
 * app id and this install's directory into [base, base + span), probed linearly past collisions (with this
 * install's apps, and with any uid that has a running process: two skep installs on one host, say staging and
 * production, must never share a uid, or deleting {@code acme/web} in one would kill it in the other), and recorded in
 * {@code uids.json} (0600: which apps a host runs is nobody else's business) so it never changes
 * for an app on this host. Thread-safe.
 *
 * <p>The range is 1900000000-1900059999: above Debian's subordinate ids (/etc/subuid gives users
 * 100000 + 65536 n, up to 600100000) and below systemd's reserved top ranges. Apps recorded with an
 * uid from the former range (100000-159999) keep it: their files are owned by it.
 */
public final class AppUsers {

    /** A uid/gid pair an app runs as. */
    public record AppUser(int uid, int gid) {
    }

    public static final int BASE = 1_900_000_000;
    public static final int SPAN = 60_000;
    static final Path SUBUID = Path.of("/etc/subuid");
    static final Path SUBGID = Path.of("/etc/subgid");

    private final Path file;
    /** Salts the hash so that other installs on this host start probing elsewhere. */
    private final String install;
    private final Map<String, Integer> byApp;

    /** @throws IllegalStateException when /etc/subuid or /etc/subgid hands out part of the app range */
    public AppUsers(Path file) {
        this(file, SUBUID, SUBGID);
    }

    AppUsers(Path file, Path subuid, Path subgid) {
        List<SubordinateIds.Range> clash = SubordinateIds.overlapping(BASE, SPAN, subuid, subgid);
        if (!clash.isEmpty()) {
            throw new IllegalStateException("app uids " + BASE + "-" + (BASE + SPAN - 1) + " overlap subordinate ids ("
                    + clash.stream().map(Object::toString).collect(Collectors.joining("; "))
                    + "): apps would share files and processes with those users' containers; move those ranges "
                    + "elsewhere (usermod --del-subuids/--add-subuids) and start skep again");
        }
        this.file = file;
        this.install = file.toAbsolutePath().normalize().getParent().toString();
        this.byApp = load(file);
        if (Files.exists(file)) {
            restrict(file);
        }
    }

    public synchronized AppUser forApp(AppId app) {
        Integer known = byApp.get(app.toString());
        if (known != null) {
            return new AppUser(known, known);
        }
        Collection<Integer> taken = new HashSet<>(byApp.values());
        CRC32 crc = new CRC32();
        crc.update((app + "@" + install).getBytes(StandardCharsets.UTF_8));
        int offset = (int) (crc.getValue() % SPAN);
        for (int i = 0; i < SPAN; i++) {
            int uid = BASE + (offset + i) % SPAN;
            if (!taken.contains(uid) && !UidProcesses.anyRunAs(uid)) {
                byApp.put(app.toString(), uid);
                save();
                return new AppUser(uid, uid);
            }
        }
        throw new IllegalStateException("no free app uid in " + BASE + "-" + (BASE + SPAN - 1));
    }

    public synchronized Optional<AppUser> known(AppId app) {
        return Optional.ofNullable(byApp.get(app.toString())).map(uid -> new AppUser(uid, uid));
    }

    /** True when this JVM runs as uid 0, read from /proc/self/status. */
    public static boolean runningAsRoot() {
        return DataDirs.runningAsRoot();
    }

    private void save() {
        try {
            PrivateFile.write(file, InstanceStore.JSON.writeValueAsBytes(byApp));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** An older skep wrote it 0644: make it root's alone. */
    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + file + " 0600: " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> load(Path file) {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            return new TreeMap<>(InstanceStore.JSON.readValue(file.toFile(), new TypeReference<Map<String, Integer>>() {
            }));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage()
                    + "; fix or delete it (apps then get new uids)", e);
        }
    }
}

package dev.skep.supervise;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.skep.model.AppId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The numeric uid (= gid) each app runs under when the agent is root: derived from a hash of the
 * app id into [base, base + span), probed linearly past collisions, and recorded in
 * {@code uids.json} so it never changes for an app on this host. Thread-safe.
 */
public final class AppUsers {

    /** A uid/gid pair an app runs as. */
    public record AppUser(int uid, int gid) {
    }

    public static final int BASE = 100_000;
    public static final int SPAN = 60_000;

    private final Path file;
    private final Map<String, Integer> byApp;

    public AppUsers(Path file) {
        this.file = file;
        this.byApp = load(file);
    }

    public synchronized AppUser forApp(AppId app) {
        Integer known = byApp.get(app.toString());
        if (known != null) {
            return new AppUser(known, known);
        }
        Collection<Integer> taken = new HashSet<>(byApp.values());
        CRC32 crc = new CRC32();
        crc.update(app.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int offset = (int) (crc.getValue() % SPAN);
        for (int i = 0; i < SPAN; i++) {
            int uid = BASE + (offset + i) % SPAN;
            if (!taken.contains(uid)) {
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
        return dev.skep.model.DataDirs.runningAsRoot();
    }

    private void save() {
        try {
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temp, InstanceStore.JSON.writeValueAsBytes(byApp));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
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

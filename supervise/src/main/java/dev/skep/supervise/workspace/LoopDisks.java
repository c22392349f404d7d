package dev.skep.supervise.workspace;

import dev.skep.model.AppId;
import dev.skep.model.InstanceIds;
import dev.skep.model.fs.RecursiveDelete;
import dev.skep.supervise.AgentLayout;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Root's quota: each app gets a sparse ext4 image of the quota's size, loop-mounted in the host's mount
 * namespace, holding its volumes and its instances' overlay upper and work dirs (overlay wants both on one
 * filesystem). A write past the quota gets ENOSPC from the kernel, and no other app nor skep notices.
 *
 * <pre>
 *  disks/{user}.{app}.img              the image (sparse: costs what the app wrote), root's, 0600
 *  disks/{user}.{app}/                 its mount point, 0711 root
 *  disks/{user}.{app}/volumes/{name}   the app's volumes, each 0700 and the app's
 *  disks/{user}.{app}/layers/{instance} each launch's overlay upper and work dirs, 0700 root
 * </pre>
 * Mounted at the app's first launch after a boot, found mounted after a skep restart; instances mount
 * their overlays in namespaces of their own, copied from the host's, so the image must be mounted before.
 * Volumes an older skep kept in {@code volumes/{user}.{app}} move in once.
 */
public final class LoopDisks implements AppDisks {

    private static final Logger log = LoggerFactory.getLogger(LoopDisks.class);
    private static final String IMAGE = ".img";
    /** A blank image of the quota's size made ahead of need (a dot name: never taken for an app's). */
    private static final String SPARE = ".spare" + IMAGE;
    /** The spare is remade this long after one is taken: not on the CPU the launch that took it needs. */
    static final long SPARE_DELAY_MS = 2_000;

    private final Path root;
    private final Function<AppId, Path> oldVolumes;
    private final long quota;
    private final Map<AppId, Object> locks = new ConcurrentHashMap<>();
    private final Object spareLock = new Object();
    private boolean keepSpare; // guarded by spareLock
    private Thread spareMaker; // guarded by spareLock

    /**
     * @param root       where the images and their mount points go ({@code {dataDir}/disks})
     * @param oldVolumes where an app's volumes were kept before (moved in at its first mount)
     */
    public LoopDisks(Path root, Function<AppId, Path> oldVolumes, long quota) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.oldVolumes = oldVolumes;
        this.quota = quota;
        Files.createDirectories(this.root);
        Files.setPosixFilePermissions(this.root, PosixFilePermissions.fromString("rwx--x--x"));
    }

    /**
     * True when this host lets root make and loop-mount an ext4 image under {@code root} (a container without
     * loop devices, or without mkfs.ext4, says no); {@code why} gets the reason when not.
     */
    public static boolean works(Path root, StringBuilder why) {
        Path image = root.resolve(".probe-" + ProcessHandle.current().pid() + IMAGE);
        Path mountPoint = root.resolve(".probe-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(mountPoint);
            format(image, 8L << 20);
            mount(image, mountPoint);
            try {
                Files.writeString(mountPoint.resolve("probe"), "y");
            } finally {
                unmount(mountPoint);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            why.append(e.getMessage());
            return false;
        } finally {
            try {
                if (!MountTable.mounted(mountPoint)) {
                    Files.deleteIfExists(mountPoint);
                    Files.deleteIfExists(image);
                }
            } catch (IOException ignored) {
                // a probe left behind is harmless
            }
        }
    }

    @Override
    public Path prepare(AppId app) throws IOException {
        synchronized (lock(app)) {
            Path mountPoint = mountPoint(app);
            if (!MountTable.mounted(mountPoint)) {
                Path image = image(app);
                boolean fresh = !Files.exists(image);
                if (fresh) {
                    if (!takeSpare(image)) {
                        format(image, quota);
                    }
                } else {
                    grow(app, image);
                }
                Files.createDirectories(mountPoint);
                Files.setPosixFilePermissions(mountPoint, PosixFilePermissions.fromString("rwx------"));
                // a fresh image (made here or the spare, never mounted) has no loop device to look for
                mount(image, mountPoint, !fresh);
                // mounted now, so nothing ran on it: what former launches left there is garbage
                RecursiveDelete.delete(mountPoint.resolve("layers"));
                log.info("event=disk.mounted app={} image={} quota_bytes={} fresh={}", app, image,
                        Files.size(image), fresh);
            }
            Files.setPosixFilePermissions(mountPoint, PosixFilePermissions.fromString("rwx--x--x"));
            Path volumes = Files.createDirectories(mountPoint.resolve("volumes"));
            Files.setPosixFilePermissions(volumes, PosixFilePermissions.fromString("rwx--x--x"));
            Path layers = Files.createDirectories(mountPoint.resolve("layers"));
            Files.setPosixFilePermissions(layers, PosixFilePermissions.fromString("rwx------"));
            moveIn(app, volumes);
            return volumes;
        }
    }

    /** A quota raised since the image was made: the image grows to it (never shrinks: data could be lost). */
    private void grow(AppId app, Path image) throws IOException {
        long size = Files.size(image);
        if (size < quota) {
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                f.setLength(quota);
            }
            FileTrees.run(List.of(tool("e2fsck"), "-f", "-p", image.toString()));
            FileTrees.run(List.of(tool("resize2fs"), image.toString()));
            log.info("event=disk.grown app={} from_bytes={} to_bytes={}", app, size, quota);
        } else if (size > quota) {
            log.warn("event=disk.not-shrunk app={} image_bytes={} quota_bytes={}: an image is never shrunk; delete "
                    + "its data (or the app) to apply the smaller quota", app, size, quota);
        }
    }

    /** Volumes of an older install: copied in, and the old copy deleted only once the copy is whole. */
    private void moveIn(AppId app, Path volumes) throws IOException {
        Path old = oldVolumes.apply(app);
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

    @Override
    public Path volumes(AppId app) {
        Path volumes = mountPoint(app).resolve("volumes");
        synchronized (lock(app)) {
            try {
                if (Files.exists(image(app)) && !MountTable.mounted(mountPoint(app))) {
                    prepare(app); // after a boot, before any launch: the data is in the image
                }
            } catch (IOException e) {
                log.warn("event=disk.not-mounted app={} error=\"{}\"", app, e.getMessage());
            }
        }
        return volumes;
    }

    @Override
    public Path layers(String instance) {
        return mountPoint(AgentLayout.appOf(instance)).resolve("layers").resolve(instance);
    }

    @Override
    public Usage usage(AppId app, Collection<String> instances, Workspaces workspaces) throws IOException {
        Path mountPoint = mountPoint(app);
        if (!MountTable.mounted(mountPoint)) {
            return new Usage(0, quota);
        }
        FileStore store = Files.getFileStore(mountPoint);
        long total = store.getTotalSpace();
        return new Usage(total - store.getUnallocatedSpace(), total);
    }

    @Override
    public Set<AppId> apps() throws IOException {
        Set<AppId> apps = new TreeSet<>(Comparator.comparing(AppId::toString));
        try (var entries = Files.list(root)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                AppId app = appOf(name.endsWith(IMAGE) ? name.substring(0, name.length() - IMAGE.length()) : name);
                if (app != null) {
                    apps.add(app);
                }
            }
        }
        return apps;
    }

    @Override
    public void remove(AppId app) throws IOException {
        synchronized (lock(app)) {
            Path mountPoint = mountPoint(app);
            if (MountTable.mounted(mountPoint)) {
                unmount(mountPoint);
            }
            Files.deleteIfExists(image(app));
            if (Files.isDirectory(mountPoint, LinkOption.NOFOLLOW_LINKS) && !MountTable.mounted(mountPoint)) {
                RecursiveDelete.delete(mountPoint);
            }
            RecursiveDelete.delete(oldVolumes.apply(app));
        }
        locks.remove(app);
    }

    @Override
    public void removeStaleLayers(Set<String> known) {
        try {
            for (AppId app : apps()) {
                synchronized (lock(app)) {
                    Path layers = mountPoint(app).resolve("layers");
                    if (!MountTable.mounted(mountPoint(app)) || !Files.isDirectory(layers)) {
                        continue;
                    }
                    try (var dirs = Files.list(layers)) {
                        for (Path d : (Iterable<Path>) dirs::iterator) {
                            String name = d.getFileName().toString();
                            if (!known.contains(name) && InstanceIds.isValid(name)) {
                                RecursiveDelete.delete(d);
                                log.info("event=disk.stale-layers-removed app={} instance={}", app, name);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.warn("event=disk.stale-layers-not-removed error=\"{}\"", e.getMessage());
        }
    }

    @Override
    public void release() {
        stopSpares();
        try {
            for (AppId app : apps()) {
                synchronized (lock(app)) {
                    Path mountPoint = mountPoint(app);
                    if (MountTable.mounted(mountPoint)) {
                        try {
                            unmount(mountPoint);
                        } catch (IOException e) {
                            log.warn("event=disk.still-mounted app={} error=\"{}\"", app, e.getMessage());
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.warn("event=disk.release-failed error=\"{}\"", e.getMessage());
        }
    }

    @Override
    public long quota() {
        return quota;
    }

    @Override
    public String mode() {
        return "loop";
    }

    /**
     * Keeps one blank image of the quota's size ready, so that an app's first launch (a first deploy) mounts it
     * instead of waiting for mkfs, the slowest step of a fresh disk. Made now, in the background, and again a
     * moment after each one is taken.
     */
    public LoopDisks keepingSpare() {
        synchronized (spareLock) {
            keepSpare = true;
        }
        makeSpareIn(0);
        return this;
    }

    /** Moves the spare into place as {@code image}; false when there is none of the quota's size. */
    private boolean takeSpare(Path image) {
        synchronized (spareLock) {
            if (!keepSpare) {
                return false;
            }
            Path spare = root.resolve(SPARE);
            boolean taken = false;
            try {
                if (Files.isRegularFile(spare, LinkOption.NOFOLLOW_LINKS)) {
                    if (Files.size(spare) == quota) {
                        Files.move(spare, image, StandardCopyOption.ATOMIC_MOVE);
                        taken = true;
                    } else {
                        Files.delete(spare); // made for another quota
                    }
                }
            } catch (IOException e) {
                log.warn("event=disk.spare-not-taken image={} error=\"{}\" effect=\"this app's image is made now\"",
                        image, e.getMessage());
            }
            makeSpareIn(SPARE_DELAY_MS);
            return taken;
        }
    }

    private void makeSpareIn(long delayMs) {
        synchronized (spareLock) {
            if (!keepSpare || (spareMaker != null && spareMaker.isAlive())) {
                return;
            }
            spareMaker = Thread.ofVirtual().name("disk-spare").start(() -> {
                Path part = root.resolve(SPARE + ".part");
                try {
                    Thread.sleep(delayMs);
                    synchronized (spareLock) {
                        Path spare = root.resolve(SPARE);
                        if (Files.isRegularFile(spare, LinkOption.NOFOLLOW_LINKS) && Files.size(spare) == quota) {
                            return;
                        }
                        Files.deleteIfExists(spare); // none, or made for another quota
                    }
                    format(part, quota);
                    synchronized (spareLock) {
                        if (keepSpare) {
                            Files.move(part, root.resolve(SPARE), StandardCopyOption.ATOMIC_MOVE,
                                    StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        return; // stopping
                    }
                    log.warn("event=disk.spare-failed error=\"{}\" effect=\"a new app's first launch makes its "
                            + "image itself\"", e.getMessage());
                } finally {
                    try {
                        Files.deleteIfExists(part);
                    } catch (IOException e) {
                        log.debug("spare part not removed: {}", e.toString());
                    }
                }
            });
        }
    }

    /** Stops making spares and waits for one being made; the spare on disk stays for the next start. */
    private void stopSpares() {
        Thread maker;
        synchronized (spareLock) {
            keepSpare = false;
            maker = spareMaker;
        }
        if (maker != null) {
            maker.interrupt();
            try {
                maker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    Path mountPoint(AppId app) {
        return root.resolve(app.user() + "." + app.name());
    }

    Path image(AppId app) {
        return root.resolve(app.user() + "." + app.name() + IMAGE);
    }

    private Object lock(AppId app) {
        return locks.computeIfAbsent(app, a -> new Object());
    }

    /** "alice.shop" as an app, or null for a name that is none. */
    static AppId appOf(String name) {
        int dot = name.indexOf('.');
        if (dot < 1 || name.indexOf('.', dot + 1) >= 0) {
            return null;
        }
        try {
            return new AppId(name.substring(0, dot), name.substring(dot + 1));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A sparse file of {@code size} bytes with an empty ext4 on it, no blocks reserved for root. */
    static void format(Path image, long size) throws IOException {
        Files.deleteIfExists(image);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
        }
        Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("rw-------"));
        try {
            FileTrees.run(List.of(tool("mkfs.ext4"), "-q", "-F", "-m", "0", image.toString()));
        } catch (IOException e) {
            Files.deleteIfExists(image);
            throw e;
        }
    }

    /**
     * Mounts the image's loop device if it has one still (instances that outlived their skep hold it in their
     * own mount namespaces: a second loop device on the same file would be two kernels' views of one ext4,
     * and corrupt it), else a new one.
     */
    static void mount(Path image, Path mountPoint) throws IOException {
        mount(image, mountPoint, true);
    }

    private static void mount(Path image, Path mountPoint, boolean mayHaveDevice) throws IOException {
        String device = mayHaveDevice ? loopDeviceOf(image) : null;
        if (device != null) {
            FileTrees.run(List.of(tool("mount"), "-o", "nosuid,nodev", device, mountPoint.toString()));
        } else {
            FileTrees.run(List.of(tool("mount"), "-o", "loop,nosuid,nodev", image.toString(), mountPoint.toString()));
        }
    }

    /** The loop device backed by {@code image} ({@code losetup -j}), or null. */
    static String loopDeviceOf(Path image) throws IOException {
        Process p = new ProcessBuilder(tool("losetup"), "-j", image.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted asking losetup about " + image, e);
        }
        for (String line : out.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.startsWith("/dev/")) {
                return line.substring(0, colon);
            }
        }
        return null;
    }

    static void unmount(Path mountPoint) throws IOException {
        FileTrees.run(List.of(tool("umount"), mountPoint.toString()));
    }

    /** e2fsprogs live in sbin, which a service's PATH may lack. */
    static String tool(String name) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return name;
    }
}

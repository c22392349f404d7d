package dev.skep.supervise.workspace;

import dev.skep.model.AppId;
import dev.skep.model.InstanceIds;
import dev.skep.model.fs.RecursiveDelete;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
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

    private final Path root;
    private final Function<AppId, Path> oldVolumes;
    private final long quota;
    private final Map<AppId, Object> locks = new ConcurrentHashMap<>();
    private final SpareImage spare;

    /**
     * @param root       where the images and their mount points go ({@code {dataDir}/disks})
     * @param oldVolumes where an app's volumes were kept before (moved in at its first mount)
     */
    public LoopDisks(Path root, Function<AppId, Path> oldVolumes, long quota) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.oldVolumes = oldVolumes;
        this.quota = quota;
        this.spare = new SpareImage(this.root.resolve(SPARE), quota);
        Files.createDirectories(this.root);
        Files.setPosixFilePermissions(this.root, PosixFilePermissions.fromString("rwx--x--x"));
    }

    /**
     * True when this host lets root make and loop-mount an ext4 image under {@code root} (a container without
     * loop devices, or without mkfs.ext4, says no); {@code why} gets the reason when not.
     */
    public static boolean works(Path root, StringBuilder why) {
        return Ext4Images.work(root, why);
    }

    @Override
    public Path prepare(AppId app) throws IOException {
        synchronized (lock(app)) {
            Path mountPoint = mountPoint(app);
            boolean mounted = MountTable.mounted(mountPoint);
            if (mounted && Ext4Images.wentReadOnly(mountPoint)) {
                repair(app, mountPoint, image(app)); // unmounted now, or it threw
                mounted = false;
            }
            if (!mounted) {
                Path image = image(app);
                boolean fresh = !Files.exists(image);
                if (fresh) {
                    if (!spare.takeAs(image)) {
                        Ext4Images.format(image, quota);
                    }
                } else {
                    grow(app, image);
                }
                Files.createDirectories(mountPoint);
                Files.setPosixFilePermissions(mountPoint, PosixFilePermissions.fromString("rwx------"));
                // a fresh image (made here or the spare, never mounted) has no loop device to look for
                Ext4Images.mount(image, mountPoint, !fresh);
                // mounted now, so nothing ran on it: what former launches left there is garbage
                RecursiveDelete.delete(mountPoint.resolve("layers"));
                log.info("event=disk.mounted app={} image={} quota_bytes={} fresh={}", app, image,
                        Files.size(image), fresh);
            }
            try {
                return ready(app, mountPoint);
            } catch (IOException e) {
                if (MountTable.readOnly(mountPoint)) { // it turned read-only since the look above
                    log.warn("event=disk.read-only app={} image={} error=\"{}\" next=\"checked at its next launch\"",
                            app, image(app), e.getMessage());
                    throw wentReadOnly(app, image(app), e);
                }
                throw e;
            }
        }
    }

    /** The mounted disk's dirs as a launch wants them; returns its volumes dir. */
    private Path ready(AppId app, Path mountPoint) throws IOException {
        Files.setPosixFilePermissions(mountPoint, PosixFilePermissions.fromString("rwx--x--x"));
        Path volumes = Files.createDirectories(mountPoint.resolve("volumes"));
        Files.setPosixFilePermissions(volumes, PosixFilePermissions.fromString("rwx--x--x"));
        Path layers = Files.createDirectories(mountPoint.resolve("layers"));
        Files.setPosixFilePermissions(layers, PosixFilePermissions.fromString("rwx------"));
        VolumeMoveIn.move(app, oldVolumes.apply(app), volumes);
        return volumes;
    }

    /**
     * ext4 turns itself read-only when a write to its device fails, and stays so: an app's image is sparse, so a
     * write into it fails when the filesystem under skep's data dir is full. Once none of the app's instances holds
     * the image (each holds it in its own mount namespace), it is unmounted, checked and fixed here, and mounted
     * again by the caller; while one does, the launch fails saying how to get there. The copies other apps'
     * instances hold (their namespaces copied the host's mounts) are unmounted first: they do not use it.
     */
    private void repair(AppId app, Path mountPoint, Path image) throws IOException {
        log.warn("event=disk.read-only app={} image={} free_bytes_under_it={} cause=\"a write to the image failed "
                + "(was the filesystem under skep's data dir full?)\"", app, image, root.toFile().getUsableSpace());
        MountTable.Options was = MountTable.options(mountPoint);
        Ext4Images.unmount(mountPoint);
        int copies = MountCopies.unmountElsewhere(mountPoint); // other apps' instances hold it too
        log.info("event=disk.copies-unmounted app={} namespaces={}", app, copies);
        if (stillAttached(image)) {
            // as it was, for what reads the app's volumes meanwhile
            Ext4Images.mountReadOnly(image, mountPoint, was != null && was.superblockReadOnly());
            throw wentReadOnly(app, image, null);
        }
        Ext4Images.check(image);
        log.info("event=disk.repaired app={} image={}", app, image);
    }

    /** What failed, why, and the way out, for the launch that met the read-only disk ({@code cause}: its write). */
    private static IOException wentReadOnly(AppId app, Path image, IOException cause) {
        return new IOException(AppDisks.readOnlyMessage(app, image.toString()), cause);
    }

    /** The image's loop device outlives the host's mount while an instance's mount namespace holds it. */
    private static boolean stillAttached(Path image) throws IOException {
        long until = System.nanoTime() + 1_000_000_000L; // the device detaches as its last mount goes, a moment later
        while (Ext4Images.loopDeviceOf(image) != null) {
            if (System.nanoTime() > until) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while unmounting " + image, e);
            }
        }
        return false;
    }

    /** A quota raised since the image was made: the image grows to it (never shrinks: data could be lost). */
    private void grow(AppId app, Path image) throws IOException {
        long size = Files.size(image);
        if (size < quota) {
            Ext4Images.grow(image, quota);
            log.info("event=disk.grown app={} from_bytes={} to_bytes={}", app, size, quota);
        } else if (size > quota) {
            log.warn("event=disk.not-shrunk app={} image_bytes={} quota_bytes={}: an image is never shrunk; delete "
                    + "its data (or the app) to apply the smaller quota", app, size, quota);
        }
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
        return mountPoint(InstanceIds.app(instance)).resolve("layers").resolve(instance);
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
    public boolean readOnly(AppId app) throws IOException {
        return MountTable.readOnly(mountPoint(app)); // false when not mounted
    }

    @Override
    public Set<AppId> apps() throws IOException {
        return AppDirNames.appsIn(root, IMAGE);
    }

    @Override
    public void remove(AppId app) throws IOException {
        synchronized (lock(app)) {
            Path mountPoint = mountPoint(app);
            if (MountTable.mounted(mountPoint)) {
                Ext4Images.unmount(mountPoint);
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
    public void stopBackground() {
        spare.stop();
    }

    @Override
    public void release() {
        stopBackground();
        try {
            for (AppId app : apps()) {
                synchronized (lock(app)) {
                    Path mountPoint = mountPoint(app);
                    if (MountTable.mounted(mountPoint)) {
                        try {
                            Ext4Images.unmount(mountPoint);
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

    /** Keeps a blank image of the quota's size ready for the next new app (see {@link SpareImage}). */
    public LoopDisks keepingSpare() {
        spare.keep();
        return this;
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
}

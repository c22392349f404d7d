package dev.skep.supervise.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import dev.skep.model.DataDirs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Root only, real loop mounts: the kernel holds each app to its image's size. */
class LoopDisksTest {

    static final long QUOTA = 24L << 20;

    @TempDir
    Path dir;

    final AppId shop = new AppId("alice", "shop");
    final AppId blog = new AppId("bob", "blog");
    final AppId cms = new AppId("carol", "cms");
    LoopDisks disks;

    @BeforeEach
    void root() throws IOException {
        Assumptions.assumeTrue(DataDirs.runningAsRoot(), "loop mounts need root");
        Path root = Files.createDirectories(dir.resolve("disks"));
        StringBuilder why = new StringBuilder();
        Assumptions.assumeTrue(LoopDisks.works(root, why), "no loop mounts here: " + why);
        disks = disks(QUOTA);
    }

    LoopDisks disks(long quota) throws IOException {
        return new LoopDisks(dir.resolve("disks"), app -> dir.resolve("volumes").resolve(app.user() + "." + app.name()),
                quota);
    }

    @AfterEach
    void unmount() throws IOException {
        if (disks != null) {
            for (AppId app : List.of(shop, blog, cms)) {
                disks.remove(app);
            }
        }
    }

    /** Writes {@code mib} MiB to {@code file}; the IOException the kernel gives, if any. */
    static IOException fill(Path file, int mib) {
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                out.write(block);
            }
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    @Test
    void aWritePastTheQuotaGetsNoSpaceAndOtherAppsDoNotNotice() throws Exception {
        Path shopVolumes = disks.prepare(shop);
        Path blogVolumes = disks.prepare(blog);
        assertThat(MountTable.mounted(disks.mountPoint(shop))).isTrue();
        assertThat(shopVolumes).isEqualTo(disks.mountPoint(shop).resolve("volumes"));
        // sparse: the image costs what was written, not its size
        assertThat(Files.size(disks.image(shop))).isEqualTo(QUOTA);
        assertThat((Long) Files.getAttribute(disks.image(shop), "unix:size")).isEqualTo(QUOTA);

        IOException refused = fill(shopVolumes.resolve("big"), 40);
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("No space left on device");
        AppDisks.Usage usage = disks.usage(shop, List.of(), null);
        assertThat(usage.atLeast(0.9)).as(usage.toString()).isTrue();
        assertThat(usage.limit()).isLessThanOrEqualTo(QUOTA);

        assertThat(fill(blogVolumes.resolve("small"), 4)).isNull();
        assertThat(disks.usage(blog, List.of(), null).atLeast(0.9)).isFalse();
        assertThat(disks.apps()).containsExactlyInAnyOrder(shop, blog);
    }

    @Test
    void aNewAppTakesTheSpareImageAndAnotherIsMadeForTheNext() throws Exception {
        Path spare = dir.resolve("disks/.spare.img");
        Files.writeString(spare, "made for another quota"); // the wrong size: dropped, never mounted
        disks.keepingSpare();
        try {
            awaitSpareOfQuota(spare);
            Object made = fileKey(spare);
            Path volumes = disks.prepare(shop);
            assertThat(fileKey(disks.image(shop))).as("the spare became shop's image").isEqualTo(made);
            assertThat(Files.size(disks.image(shop))).isEqualTo(QUOTA);
            assertThat(fill(volumes.resolve("big"), 40)).isNotNull(); // the quota holds on it
            awaitSpareOfQuota(spare); // remade after the delay, for the next new app
            assertThat(disks.apps()).containsExactly(shop);
            disks.prepare(blog);
            assertThat(fill(disks.volumes(blog).resolve("small"), 4)).isNull(); // blog's own, empty filesystem
            assertThat(disks.volumes(blog).resolve("big")).doesNotExist();
        } finally {
            disks.release();
        }
    }

    @Test
    void aBurstOfNewAppsEachTakesASpareAndAllAreRemade() throws Exception {
        List<Path> spares = List.of(dir.resolve("disks/.spare.img"), dir.resolve("disks/.spare-2.img"),
                dir.resolve("disks/.spare-3.img"));
        disks.keepingSpare();
        try {
            List<Object> made = new ArrayList<>();
            for (Path spare : spares) {
                awaitSpareOfQuota(spare);
                made.add(fileKey(spare));
            }
            List<AppId> burst = List.of(shop, blog, cms);
            for (AppId app : burst) {
                disks.prepare(app);
            }
            List<Object> taken = new ArrayList<>();
            for (AppId app : burst) {
                taken.add(fileKey(disks.image(app)));
            }
            assertThat(taken).as("each new app's image is one of the spares").containsExactlyInAnyOrderElementsOf(made);
            for (AppId app : burst) {
                assertThat(Files.size(disks.image(app))).isEqualTo(QUOTA);
                assertThat(fill(disks.volumes(app).resolve("small"), 4)).isNull();
            }
            for (Path spare : spares) {
                awaitSpareOfQuota(spare); // all made again, for the next burst
            }
        } finally {
            disks.release();
        }
    }

    void awaitSpareOfQuota(Path spare) throws Exception {
        long until = System.nanoTime() + 30_000_000_000L;
        while (sizeOrNone(spare) != QUOTA) {
            assertThat(System.nanoTime()).as("a spare image of the quota's size within 30 s").isLessThan(until);
            Thread.sleep(50);
        }
    }

    /** The file's identity (device and inode): a file moved elsewhere keeps it. */
    static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    /** The file's size, or -1 while there is none (the maker deletes a spare of the wrong size as we look). */
    static long sizeOrNone(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Test
    void foundMountedAfterARestartAndMountedAgainAfterABootWithItsData() throws Exception {
        Path volumes = disks.prepare(shop);
        Files.writeString(Files.createDirectories(volumes.resolve("data")).resolve("notes.txt"), "kept\n");

        // a new skep process: the image is mounted already, and not mounted twice
        LoopDisks again = disks(QUOTA);
        assertThat(again.prepare(shop)).isEqualTo(volumes);
        String mountPoint = disks.mountPoint(shop).toString();
        assertThat(Files.readAllLines(MountTable.MOUNTINFO).stream().filter(l -> l.split(" ")[4].equals(mountPoint)))
                .hasSize(1);

        // a boot: nothing mounted; the API's first look mounts it, data and all
        Ext4Images.unmount(disks.mountPoint(shop));
        assertThat(MountTable.mounted(disks.mountPoint(shop))).isFalse();
        assertThat(again.volumes(shop).resolve("data/notes.txt")).hasContent("kept");
    }

    /**
     * Another app's instance holds a copy of the mount (its namespace copied the host's): it does not keep the disk's
     * loop device and blocks, because deleting the mount point detaches the copies mounted on it elsewhere (Linux).
     */
    @Test
    void removeLeavesNoMountNoImageNoLoopDeviceAndNoOldVolumes() throws Exception {
        disks.prepare(shop);
        String device = Ext4Images.loopDeviceOf(disks.image(shop));
        assertThat(device).isNotNull();
        Path backing = Path.of("/sys/block", Path.of(device).getFileName().toString(), "loop", "backing_file");
        Process other = holder(null);
        try {
            disks.remove(shop);
            assertThat(MountTable.mounted(disks.mountPoint(shop))).isFalse();
            assertThat(disks.image(shop)).doesNotExist();
            assertThat(disks.mountPoint(shop)).doesNotExist();
            assertThat(disks.apps()).isEmpty();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(backing)
                    || !Files.readString(backing).contains(disks.image(shop).toString()));
            assertThat(other.isAlive()).isTrue();
        } finally {
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    void volumesOfAnOlderInstallMoveInOnce() throws Exception {
        Path old = Files.createDirectories(dir.resolve("volumes/alice.shop/data"));
        Files.writeString(old.resolve("notes.txt"), "from before\n");
        Path volumes = disks.prepare(shop);
        assertThat(volumes.resolve("data/notes.txt")).hasContent("from before");
        assertThat(dir.resolve("volumes/alice.shop")).doesNotExist();
    }

    @Test
    void anOldVolumeTooBigForTheQuotaStaysWhereItWas() throws Exception {
        Path old = Files.createDirectories(dir.resolve("volumes/alice.shop/data"));
        assertThat(fill(old.resolve("big"), 40)).isNull();
        assertThatThrownBy(() -> disks.prepare(shop)).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot move volume data of alice/shop").hasMessageContaining("--app-disk");
        assertThat(Files.size(old.resolve("big"))).isEqualTo(40L << 20);
        assertThat(disks.mountPoint(shop).resolve("volumes/data")).doesNotExist();
    }

    @Test
    void aRaisedQuotaGrowsTheImageAtItsNextMount() throws Exception {
        Files.writeString(disks.prepare(shop).resolve("f"), "x");
        Ext4Images.unmount(disks.mountPoint(shop));
        disks = disks(2 * QUOTA);
        Path volumes = disks.prepare(shop);
        assertThat(volumes.resolve("f")).hasContent("x");
        assertThat(disks.usage(shop, List.of(), null).limit()).isGreaterThan(QUOTA);
    }

    @Test
    void layersOfLaunchesNoLongerKnownGoAndAFreshMountStartsWithNone() throws Exception {
        disks.prepare(shop);
        String live = "alice.shop.3.web.1.a1b2c3";
        String dead = "alice.shop.2.web.1.d4e5f6";
        Files.createDirectories(disks.layers(live).resolve("l1/upper"));
        Files.createDirectories(disks.layers(dead).resolve("l1/upper"));
        assertThat(disks.layers(live).getParent()).isEqualTo(disks.mountPoint(shop).resolve("layers"));
        disks.removeStaleLayers(Set.of(live));
        assertThat(disks.layers(live)).isDirectory();
        assertThat(disks.layers(dead)).doesNotExist();

        Ext4Images.unmount(disks.mountPoint(shop)); // a boot: nothing runs on it any more
        disks.prepare(shop);
        assertThat(disks.layers(live)).doesNotExist();
        assertThat(disks.mountPoint(shop).resolve("layers")).isDirectory();
    }

    @Test
    void anImageStillHeldByAnInstancesNamespaceIsMountedThroughTheSameLoopDevice() throws Exception {
        Path volumes = disks.prepare(shop);
        String device = Ext4Images.loopDeviceOf(disks.image(shop));
        assertThat(device).startsWith("/dev/loop");
        // a process in a mount namespace of its own keeps a copy of the mount (an instance that outlived skep)
        Process holder = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sleep", "60").start();
        try {
            Thread.sleep(300);
            Ext4Images.unmount(disks.mountPoint(shop));
            assertThat(Ext4Images.loopDeviceOf(disks.image(shop))).isEqualTo(device);
            Files.writeString(disks.prepare(shop).resolve("after"), "x");
            assertThat(Ext4Images.loopDeviceOf(disks.image(shop))).isEqualTo(device);
            assertThat(volumes.resolve("after")).hasContent("x");
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    /**
     * A disk ext4 turned read-only (as it does when a write into its sparse image failed because the filesystem under
     * skep's data dir was full; here a read-only remount stands in): the next launch's prepare checks and mounts it
     * again, data kept, once no instance of the app uses it; while one does, it fails saying what to do. Another
     * app's instance, whose namespace holds a copy of the mount it does not use, does not stand in the way.
     */
    @Test
    void aReadOnlyDiskIsRepairedOnceNoInstanceHoldsItAndRefusedWithTheWayThereWhileOneDoes() throws Exception {
        Path volumes = disks.prepare(shop);
        Files.writeString(volumes.resolve("kept"), "data");
        Path mountPoint = disks.mountPoint(shop);
        Process other = holder(null);
        Process holder = holder(volumes);
        try {
            assertThat(disks.readOnly(shop)).isFalse();
            run("mount", "-o", "remount,ro", mountPoint.toString());
            assertThat(Files.getFileStore(mountPoint).isReadOnly()).isTrue();
            assertThat(disks.readOnly(shop)).as("what the disk watch tells").isTrue();

            assertThatThrownBy(() -> disks.prepare(shop)).isInstanceOf(IOException.class)
                    .hasMessageContaining("went read-only after a write to it failed")
                    .hasMessageContaining("skep stop alice/shop");
            assertThat(MountTable.mounted(mountPoint)).as("mounted again, for reads").isTrue();
            holder.destroyForcibly().waitFor();

            assertThat(disks.prepare(shop)).isEqualTo(volumes);
            assertThat(other.isAlive()).isTrue();
        } finally {
            holder.destroyForcibly().waitFor();
            other.destroyForcibly().waitFor();
        }
        assertThat(Files.getFileStore(mountPoint).isReadOnly()).isFalse();
        assertThat(disks.readOnly(shop)).isFalse();
        assertThat(Files.readString(volumes.resolve("kept"))).isEqualTo("data");
        Files.writeString(volumes.resolve("after"), "writable again");
    }

    /**
     * What a launch meets after the filesystem under skep's data dir was full (found by FullDiskEndToEndTest): a write
     * into the app's sparse image failed, which aborted its ext4's journal; ext4 marks itself read-only only at its
     * next change, and then (Linux 6.18 here) as {@code emergency_ro} alone, still read-write to statvfs and to
     * {@code FileStore.isReadOnly()}. The launch, once there is room again, fails saying what happened and what to
     * do, never with a bare EROFS; with no instance left holding the disk it is repaired, data kept.
     */
    @Test
    void aDiskWhoseWritesFailedWhileTheDiskUnderItWasFullIsRefusedClearlyThenRepaired() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        run("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", small.toString());
        LoopDisks onSmall = new LoopDisks(small.resolve("disks"), app -> small.resolve("volumes"), QUOTA);
        try {
            Path volumes = onSmall.prepare(shop);
            Files.writeString(volumes.resolve("kept"), "data");
            run("sync", "-f", volumes.toString());
            Path mountPoint = onSmall.mountPoint(shop);
            Process other = holder(null);
            Process holder = holder(volumes);
            try {
                Path filler = small.resolve("filler");
                assertThat(fill(filler, 64)).hasMessageContaining("No space left on device");
                // the app writes; its image cannot grow under it: the data and then the journal fail to reach it
                fill(volumes.resolve("lost"), 4);
                Process commit = new ProcessBuilder("sync", "-f", volumes.toString()).start();
                assertThat(commit.waitFor()).as("the write into the image fails").isNotZero();
                Files.delete(filler); // room again: what is left is the app's disk's own state

                assertThatThrownBy(() -> onSmall.prepare(shop)).isInstanceOf(IOException.class)
                        .hasMessageContaining("went read-only after a write to it failed")
                        .hasMessageContaining("skep stop alice/shop");
                assertThat(MountTable.mounted(mountPoint)).as("mounted again, for reads").isTrue();
                assertThat(onSmall.readOnly(shop)).as("what the disk watch tells").isTrue();
                assertThat(volumes.resolve("kept")).hasContent("data");
                holder.destroyForcibly().waitFor();

                assertThat(onSmall.prepare(shop)).isEqualTo(volumes);
                assertThat(other.isAlive()).isTrue();
            } finally {
                holder.destroyForcibly().waitFor();
                other.destroyForcibly().waitFor();
            }
            assertThat(MountTable.readOnly(mountPoint)).isFalse();
            assertThat(volumes.resolve("kept")).hasContent("data");
            Files.writeString(volumes.resolve("after"), "writable again");
        } finally {
            onSmall.remove(shop);
            run("umount", "-l", small.toString()); // lazy: a namespace made meanwhile elsewhere may hold a copy
        }
    }

    /**
     * A process in a mount namespace of its own, made with a copy of the host's mounts (the apps' disks among
     * them), as an instance's, working in {@code uses} (an instance of the app that owns that disk), or in none of
     * the disks (another app's instance) when null.
     */
    private static Process holder(Path uses) throws Exception {
        Process holder = new ProcessBuilder("unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                "cd \"$1\" && exec sleep 60", "holder", uses == null ? "/" : uses.toString()).start();
        Path ns = Path.of("/proc", Long.toString(holder.pid()), "ns", "mnt");
        String ours = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
        Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> !Files.readSymbolicLink(ns).toString().equals(ours));
        return holder;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }
}

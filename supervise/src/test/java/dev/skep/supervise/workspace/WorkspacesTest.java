package dev.skep.supervise.workspace;

import dev.skep.model.fs.RecursiveDelete;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.DataDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both kinds of copies, run for real: writes land in the copy or the volume, never in the slug. */
class WorkspacesTest {

    @TempDir
    Path dir;

    Path slug;
    Path volume;

    @BeforeEach
    void slug() throws IOException {
        slug = Files.createDirectories(dir.resolve("slugs/alice.notes.abc"));
        Files.writeString(slug.resolve("server.js"), "original\n");
        Files.createDirectories(slug.resolve("data"));
        Files.writeString(slug.resolve("data/seed.txt"), "seed\n");
        volume = VolumeDirs.ensure(dir.resolve("volumes/alice.notes/data"), slug, "data", null, "alice/notes");
    }

    /** Runs sh in the prepared copy (through its mount head, if any) and returns its output. */
    private static String run(Prepared prepared, String script) throws Exception {
        List<String> command = new ArrayList<>(prepared.head());
        command.addAll(List.of("/bin/sh", "-c", script));
        Process p = new ProcessBuilder(command).directory(prepared.appDir().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private void writesStayInTheCopyAndTheVolume(Workspaces workspaces) throws Exception {
        SlugSeal.seal(slug, null);
        List<Workspaces.VolumeMount> mounts = List.of(new Workspaces.VolumeMount(volume, "data"));
        Prepared first = workspaces.prepare("alice.notes.1.aaaaaa", slug, null, mounts);
        assertThat(run(first, "echo changed >> server.js; echo note >> data/notes.txt; cat server.js data/seed.txt"))
                .isEqualTo("original\nchanged\nseed\n");
        Prepared other = workspaces.prepare("alice.notes.1.bbbbbb", slug, null, mounts);
        assertThat(run(other, "cat server.js data/notes.txt")).as("another instance: its own copy, the same volume")
                .isEqualTo("original\nnote\n");
        assertThat(Files.readString(slug.resolve("server.js"))).isEqualTo("original\n");
        assertThat(Files.readString(volume.resolve("notes.txt"))).isEqualTo("note\n");

        Prepared again = workspaces.prepare("alice.notes.1.aaaaaa", slug, null, mounts);
        assertThat(run(again, "cat server.js")).as("a new launch starts from the slug again").isEqualTo("original\n");
        workspaces.remove("alice.notes.1.aaaaaa");
        assertThat(dir.resolve("work/alice.notes.1.aaaaaa")).doesNotExist();
    }

    @Test
    void eachOverlayInstanceHasItsOwnTmpVarTmpAndDevShmAndSeesNoOtherUsersProcesses() throws Exception {
        // outside /tmp, so that /tmp can be made private (a data dir under /tmp keeps the shared one);
        // a checkout under /tmp (a CI clone) cannot use its target dir for that
        Path base = Path.of("target").toAbsolutePath();
        if (DataDirs.runningAsRoot() && OverlayWorkspaces.privateDirs(base).size() < OverlayWorkspaces.PRIVATE_DIRS.size()) {
            base = Path.of("/var/lib");
        }
        Path work = Files.createDirectories(base.resolve("skep-private-dirs-" + System.nanoTime()));
        Assumptions.assumeTrue(DataDirs.runningAsRoot() && OverlayWorkspaces.works(work), "overlays need root");
        OverlayWorkspaces workspaces = new OverlayWorkspaces(work);
        Assumptions.assumeTrue(OverlayWorkspaces.hidepidWorks(), "this kernel cannot mount a /proc with hidepid");
        int uidA = 190_100 + (int) (System.nanoTime() % 1000);
        int uidB = uidA + 1000;
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("on-the-hosts-tmp"), "x");
        Process other = new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + uidA, "--regid=" + uidA, "--clear-groups",
                "/bin/sleep", "60").start();
        try {
            Prepared a = workspaces.prepare("alice.a.1.aaaaaa", slug, new Owner(uidA, uidA), List.of());
            Prepared b = workspaces.prepare("bob.b.1.bbbbbb", slug, new Owner(uidB, uidB), List.of());

            assertThat(run(a, as(uidA, "for d in /tmp /var/tmp /dev/shm; do echo secret > $d/s && cat $d/s; done")))
                    .isEqualTo("secret\nsecret\nsecret\n");
            assertThat(run(b, as(uidB, "ls -A /tmp /var/tmp /dev/shm; [ -e " + dir.resolve("on-the-hosts-tmp")
                    + " ] && echo host-tmp-visible; [ -e /proc/" + other.pid() + " ] && echo other-uid-visible; "
                    + "[ -e /proc/$$ ] && echo self-visible")))
                    .as("another app's (and the host's) scratch files and processes")
                    .isEqualTo("/dev/shm:\n\n/tmp:\n\n/var/tmp:\n" + "self-visible\n");
        } finally {
            other.destroyForcibly();
            workspaces.remove("alice.a.1.aaaaaa");
            workspaces.remove("bob.b.1.bbbbbb");
            RecursiveDelete.delete(work);
        }
    }

    /** sh -c SCRIPT as that uid, no groups. */
    private static String as(int uid, String script) {
        return "exec /usr/bin/setpriv --reuid=" + uid + " --regid=" + uid + " --clear-groups /bin/sh -c '" + script + "'";
    }

    @Test
    void copiesWithoutRoot() throws Exception {
        writesStayInTheCopyAndTheVolume(new CopyWorkspaces(Files.createDirectories(dir.resolve("work"))));
    }

    @Test
    void overlaysAsRoot() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Assumptions.assumeTrue(DataDirs.runningAsRoot() && OverlayWorkspaces.works(work), "overlays need root");
        writesStayInTheCopyAndTheVolume(new OverlayWorkspaces(work));
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).as("no mount is left in the host's namespace")
                .doesNotContain(work.toString());
    }

    @Test
    void aVolumeIsNeverMountedOnALinkOrAFileOfTheSlug() throws Exception {
        Files.createSymbolicLink(slug.resolve("linked"), Path.of("/etc"));
        Files.writeString(slug.resolve("afile"), "x");
        Workspaces copies = new CopyWorkspaces(Files.createDirectories(dir.resolve("work")));
        assertThatThrownBy(() -> copies.prepare("alice.notes.1.cccccc", slug, null,
                List.of(new Workspaces.VolumeMount(volume, "linked")))).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> copies.prepare("alice.notes.1.cccccc", slug, null,
                List.of(new Workspaces.VolumeMount(volume, "afile/x")))).hasMessageContaining("is a file");
    }

    @Test
    void aVolumeIsSeededOnceFromTheRelease() throws Exception {
        assertThat(Files.readString(volume.resolve("seed.txt"))).isEqualTo("seed\n");
        Files.delete(volume.resolve("seed.txt"));
        Files.writeString(slug.resolve("data/seed.txt"), "a later upload\n");
        VolumeDirs.ensure(volume, slug, "data", null, "alice/notes");
        assertThat(volume.resolve("seed.txt")).as("an existing volume is never seeded again").doesNotExist();
    }

    @Test
    void withoutRootTheSlugIsReadOnly() throws Exception {
        SlugSeal.seal(slug, null);
        assertThat(PosixFilePermissions.toString(
                Files.getPosixFilePermissions(slug.resolve("server.js")))).doesNotContain("w");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(slug)))
                .isEqualTo("r-xr-xr-x");
        RecursiveDelete.delete(slug);
        assertThat(slug).doesNotExist();
    }
}

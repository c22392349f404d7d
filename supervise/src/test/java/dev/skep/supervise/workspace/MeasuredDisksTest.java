package dev.skep.supervise.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the kernel cannot hold the quota: volumes plus what each copy holds beyond its slug, measured. */
class MeasuredDisksTest {

    @TempDir
    Path dir;

    final AppId shop = new AppId("alice", "shop");

    @Test
    void countsTheVolumesAndWhatTheCopiesWroteNotTheSlug() throws Exception {
        Path volumesRoot = Files.createDirectories(dir.resolve("volumes"));
        MeasuredDisks disks = new MeasuredDisks(volumesRoot, app -> volumesRoot.resolve(app.user() + "." + app.name()),
                1000);
        Path slug = Files.createDirectories(dir.resolve("slug"));
        Files.write(slug.resolve("server.js"), new byte[300]);
        Path volumes = disks.prepare(shop);
        Files.createDirectories(volumes.resolve("data"));
        Files.write(volumes.resolve("data/notes"), new byte[400]);

        Workspaces copies = new CopyWorkspaces(Files.createDirectories(dir.resolve("work")));
        String instance = "alice.shop.1.web.1.abcdef";
        Prepared prepared = copies.prepare(instance, slug, null,
                List.of(new Workspaces.VolumeMount(volumes.resolve("data"), "data")));
        Files.write(prepared.appDir().resolve("scratch"), new byte[250]);

        AppDisks.Usage usage = disks.usage(shop, List.of(instance), copies);
        // 400 in the volume (not counted again through the copy's link) + 250 written, the slug's 300 not at all
        assertThat(usage).isEqualTo(new AppDisks.Usage(650, 1000));
        assertThat(usage.atLeast(0.9)).isFalse();
        Files.write(volumes.resolve("data/more"), new byte[300]);
        assertThat(disks.usage(shop, List.of(instance), copies).atLeast(0.9)).isTrue();

        assertThat(disks.apps()).containsExactly(shop);
        disks.remove(shop);
        assertThat(volumes).doesNotExist();
        assertThat(disks.apps()).isEmpty();
    }
}

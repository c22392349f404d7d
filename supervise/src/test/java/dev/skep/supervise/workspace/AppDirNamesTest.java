package dev.skep.supervise.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppDirNamesTest {

    @TempDir
    Path dir;

    @Test
    void entriesNamedUserDotAppAreTheAppsSortedWithTheSuffixTakenOff() throws Exception {
        Files.createDirectory(dir.resolve("bob.blog"));
        Files.createFile(dir.resolve("alice.shop.img"));
        Files.createFile(dir.resolve(".spare.img"));      // the spare image
        Files.createFile(dir.resolve("not-an-app"));
        Files.createFile(dir.resolve("a.b.c"));
        assertThat(AppDirNames.appsIn(dir, ".img"))
                .containsExactly(new AppId("alice", "shop"), new AppId("bob", "blog"));
    }

    @Test
    void withoutASuffixTheWholeNameIsTheAppAndAMissingDirHoldsNone() throws Exception {
        Files.createDirectory(dir.resolve("alice.shop"));
        Files.createFile(dir.resolve("alice.shop.img"));
        assertThat(AppDirNames.appsIn(dir, "")).containsExactly(new AppId("alice", "shop"));
        assertThat(AppDirNames.appsIn(dir.resolve("missing"), ".img")).isEmpty();
    }
}

package dev.skep.api.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.AppId;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitReposTest {

    @TempDir
    Path data;

    @Test
    void makesABareRepositoryPerAppOnFirstUseAndDeletesIt() throws Exception {
        GitRepos repos = new GitRepos(data.resolve("git"));
        AppId app = new AppId("alice", "shop");
        assertThat(repos.existing(app)).isEmpty();
        try (Repository repo = repos.open(app)) {
            assertThat(repo.isBare()).isTrue();
        }
        assertThat(data.resolve("git/alice/shop.git/HEAD")).exists();
        try (Repository again = repos.existing(app).orElseThrow()) {
            assertThat(again.getDirectory().toPath()).isEqualTo(data.resolve("git/alice/shop.git"));
        }
        repos.delete(app);
        assertThat(data.resolve("git/alice/shop.git")).doesNotExist();
        assertThat(repos.existing(app)).isEmpty();
    }

    @Test
    void sweepsWhatAKilledPushLeftAndNothingElse() throws Exception {
        GitRepos repos = new GitRepos(data.resolve("git"));
        AppId app = new AppId("alice", "shop");
        repos.open(app).close();
        Path lock = Files.writeString(data.resolve("git/alice/shop.git/refs/heads/main.lock"), "half");
        Path tmp = Files.createDirectories(data.resolve("tmp"));
        Path work = Files.createDirectories(tmp.resolve(PushDeploy.WORK_PREFIX + "123/app"));
        Path upload = Files.writeString(tmp.resolve("upload-1.tar.gz"), "another's");

        assertThat(repos.sweep(tmp)).isEqualTo(2);
        assertThat(lock).doesNotExist();
        assertThat(work.getParent()).doesNotExist();
        assertThat(upload).exists();
        assertThat(data.resolve("git/alice/shop.git/HEAD")).exists();
    }
}

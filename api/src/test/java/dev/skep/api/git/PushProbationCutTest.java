package dev.skep.api.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.deploy.intake.UploadLimits;
import dev.skep.deploy.release.ProbationCut;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.Daemon;
import org.eclipse.jgit.transport.ReceivePack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real git push (the git binary, over git's own protocol on a loopback port: JGit's daemon carries it as the
 * API carries smart HTTP) into {@link PushDeploy}, whose deploy answers as the deployer does when skep stops during
 * the probation. The release serves, so the push is accepted and the branch moves; a failed deploy still rejects it.
 */
class PushProbationCutTest {

    static final AppId SHOP = new AppId("alice", "shop");

    @TempDir
    Path dir;

    Daemon daemon;
    PushDeploy hook;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.stop();
        }
    }

    /** A daemon that receives pushes into the app's repository, through the hook, which deploys with this. */
    private String serve(GitRepos repos, PushDeploy.Deploys deploys) throws IOException {
        hook = new PushDeploy(SHOP, "alice", deploys, UploadLimits.defaults(), dir.resolve("tmp"),
                app -> "http://shop.example", OutputStream.nullOutputStream());
        daemon = new Daemon(new InetSocketAddress("127.0.0.1", 0));
        daemon.getService("git-receive-pack").setEnabled(true);
        daemon.setRepositoryResolver((client, name) -> {
            try {
                return repos.open(SHOP);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        daemon.setReceivePackFactory((client, repo) -> {
            ReceivePack rp = new ReceivePack(repo);
            rp.setPreReceiveHook(hook);
            return rp;
        });
        daemon.start();
        return "git://127.0.0.1:" + daemon.getAddress().getPort() + "/alice/shop.git";
    }

    private record Run(int exit, String out) {
    }

    private Run git(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Test",
                "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("GIT_"));
        builder.environment().put("HOME", dir.resolve("home").toString());
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out);
    }

    /** A work tree with one commit of an app; its commit id. */
    private Path commitAnApp() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("package.json"), "{\"name\":\"shop\",\"scripts\":{\"start\":\"node x.js\"}}");
        assertThat(git(work, "init", "-q").exit()).isZero();
        assertThat(git(work, "add", ".").exit()).isZero();
        assertThat(git(work, "commit", "-q", "-m", "shop").exit()).isZero();
        return work;
    }

    private ObjectId head(Path work) throws Exception {
        return ObjectId.fromString(git(work, "rev-parse", "HEAD").out().strip());
    }

    private static ObjectId branch(GitRepos repos) throws IOException {
        try (Repository repo = repos.open(SHOP)) {
            var ref = repo.exactRef("refs/heads/main");
            return ref == null ? null : ref.getObjectId();
        }
    }

    @Test
    void aReleaseThatServesButWhoseProbationWasCutShortIsAcceptedAsPushed() throws Exception {
        GitRepos repos = new GitRepos(dir.resolve("git"));
        String url = serve(repos, (app, upload, by, listener) -> {
            throw new ProbationCut(2, "release 2 of alice/shop serves, but its probation was cut short (skep is "
                    + "stopping)", "watch it with `skep ps alice/shop`");
        });
        Path work = commitAnApp();

        Run push = git(work, "push", url, "main");

        assertThat(push.exit()).as(push.out()).isZero();
        assertThat(push.out()).contains("remote: warning: release 2 of alice/shop serves, but its probation was cut "
                + "short (skep is stopping)", "watch it with `skep ps alice/shop`", "* [new branch]");
        assertThat(branch(repos)).isEqualTo(head(work)); // the next push of this commit is "Everything up-to-date"
        assertThat(hook.deployed().release()).isEqualTo(2);
        assertThat(hook.deployed().probationCut()).isTrue();
        assertThat(git(work, "push", url, "main").out()).contains("Everything up-to-date");
    }

    @Test
    void aFailedDeployIsStillRejectedAndTheBranchStays() throws Exception {
        GitRepos repos = new GitRepos(dir.resolve("git"));
        String url = serve(repos, (app, upload, by, listener) -> {
            throw new SkepException(SkepException.Kind.UNPROCESSABLE, "release 2 of alice/shop failed its probation",
                    null);
        });
        Path work = commitAnApp();

        Run push = git(work, "push", url, "main");

        assertThat(push.exit()).isNotZero();
        assertThat(push.out()).contains("remote: error: release 2 of alice/shop failed its probation",
                "[remote rejected]");
        assertThat(branch(repos)).isNull();
        assertThat(hook.deployed()).isNull();
    }
}

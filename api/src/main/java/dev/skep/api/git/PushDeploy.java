package dev.skep.api.git;

import dev.skep.deploy.DeployListener;
import dev.skep.deploy.Deployer;
import dev.skep.deploy.intake.UploadLimits;
import dev.skep.deploy.release.ProbationCut;
import dev.skep.model.AppId;
import dev.skep.model.SkepException;
import dev.skep.model.fs.RecursiveDelete;
import dev.skep.model.pack.Tarball;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.internal.JGitText;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PreReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RequestNotYetReadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys a push before its branch moves: the pushed commit's tree is checked out, packed as {@code skep deploy}
 * packs a directory (same ignore rules), and deployed as a tarball would be (same build, same release checks).
 * Progress goes to git's own output ("remote: ..."). If the deploy fails, the branch update is rejected with the
 * reason, so the repository, like the app, stays at what serves. A release that serves but whose probation was cut
 * short (skep stopping) moves the branch: the repository says what serves, and the next push is a new commit.
 */
final class PushDeploy implements PreReceiveHook {

    private static final Logger log = LoggerFactory.getLogger(PushDeploy.class);
    static final String STAGE = "-----> ";
    static final String INDENT = "       ";
    /** The scratch dirs of pushes in {@code <data-dir>/tmp}. */
    static final String WORK_PREFIX = "push-";

    /**
     * What a push that went through produced, for the audit log: its release, and whether its probation was cut
     * short.
     */
    record Deployed(int release, String commit, boolean probationCut) {
    }

    /** {@link Deployer#deploy}: the one thing a push asks of the deployer. */
    @FunctionalInterface
    interface Deploys {
        Deployer.Outcome deploy(AppId app, InputStream upload, String by, DeployListener listener);
    }

    private final AppId app;
    private final String user;
    private final Deploys deployer;
    private final UploadLimits limits;
    private final Path tmp;
    private final Function<AppId, String> url;
    private final OutputStream raw;
    private Deployed deployed;
    /** When the pusher last heard from us (nanoTime), for the keep-alive. */
    private volatile long lastSaid = System.nanoTime();

    /** @param raw the response itself, for keep-alive packets while a build is quiet */
    PushDeploy(AppId app, String user, Deploys deployer, UploadLimits limits, Path tmp, Function<AppId, String> url,
               OutputStream raw) {
        this.raw = raw;
        this.app = app;
        this.user = user;
        this.deployer = deployer;
        this.limits = limits;
        this.tmp = tmp;
        this.url = url;
    }

    /** The release this push made, or null when it deployed nothing. */
    Deployed deployed() {
        return deployed;
    }

    @Override
    public void onPreReceive(ReceivePack rp, Collection<ReceiveCommand> commands) {
        explainRaces(rp);
        List<ReceiveCommand> wanted = commands.stream()
                .filter(c -> c.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED).toList();
        if (wanted.isEmpty()) {
            return;
        }
        String refusal = PushRules.refusal(wanted, name -> current(rp.getRepository(), name));
        if (refusal != null) {
            wanted.forEach(c -> c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, refusal));
            say(rp, "error: " + refusal);
            log.info("event=git.push-refused app={} by={} reason=\"{}\"", app, user, refusal);
            return;
        }
        ReceiveCommand command = wanted.get(0);
        try {
            deploy(rp, command);
        } catch (SkepException e) {
            command.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, e.getMessage());
            say(rp, "error: " + e.getMessage());
            if (e.detail() != null) {
                e.detail().lines().forEach(line -> say(rp, INDENT + line));
            }
            log.info("event=git.push-rejected app={} by={} ref={} reason=\"{}\"", app, user, command.getRefName(),
                    e.getMessage());
        } catch (IOException | RuntimeException e) {
            command.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "deploy failed: " + e.getMessage());
            say(rp, "error: deploy failed: " + e.getMessage());
            log.warn("event=git.push-failed app={} by={} ref={} error=\"{}\"", app, user, command.getRefName(),
                    e.toString(), e);
        }
    }

    /**
     * JGit itself refuses an update whose old commit is no longer the branch's ("invalid old id sent", "already
     * exists"): here that means another push went first while this one waited for the app. Said in skep's words.
     */
    private void explainRaces(ReceivePack rp) {
        var text = JGitText.get();
        for (ReceiveCommand c : rp.getAllCommands()) {
            String why = c.getMessage();
            if (c.getResult() == ReceiveCommand.Result.REJECTED_OTHER_REASON
                    && (text.invalidOldIdSent.equals(why) || text.refAlreadyExists.equals(why))) {
                String moved = PushRules.moved(c.getRefName());
                c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, moved);
                say(rp, "error: " + moved);
                log.info("event=git.push-refused app={} by={} reason=\"{}\"", app, user, moved);
            }
        }
    }

    private static ObjectId current(Repository repo, String name) {
        try {
            Ref ref = repo.exactRef(name);
            return ref == null || ref.getObjectId() == null ? ObjectId.zeroId() : ref.getObjectId();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deploy(ReceivePack rp, ReceiveCommand command) throws IOException {
        String branch = command.getRefName().substring(PushRules.BRANCHES.length());
        RevCommit commit;
        try (RevWalk walk = new RevWalk(rp.getRepository())) {
            commit = walk.parseCommit(command.getNewId());
        } catch (IncorrectObjectTypeException e) {
            throw new SkepException(SkepException.Kind.UNPROCESSABLE, branch + " does not name a commit",
                    "push a branch: git push URL main");
        }
        String shortId = commit.abbreviate(7).name();
        log.info("event=git.push-deploying app={} by={} branch={} commit={}", app, user, branch, commit.name());
        say(rp, STAGE + "deploying " + branch + " (" + shortId + ") to " + app);
        Files.createDirectories(tmp);
        Path work = Files.createTempDirectory(tmp, WORK_PREFIX);
        try {
            Path dir = work.resolve("app");
            TreeCheckout.Result tree;
            try (var reader = rp.getRepository().newObjectReader()) {
                tree = TreeCheckout.write(reader, commit.getTree(), dir, limits.maxUnpackedBytes(),
                        limits.maxEntries());
            }
            tree.warnings().forEach(w -> say(rp, "warning: " + w));
            Path tarball = work.resolve("app.tar.gz");
            Tarball.Summary summary = Tarball.pack(dir, tarball);
            summary.warnings().forEach(w -> say(rp, "warning: " + w));
            if (!summary.hasAppRoot()) {
                throw new SkepException(SkepException.Kind.UNPROCESSABLE, "nothing to deploy: " + branch + " ("
                        + shortId + ") " + Tarball.NO_APP_ROOT, "commit package.json (or a Procfile) at the "
                        + "repository's root, and check .gitignore and .skepignore there (a '*' line leaves out "
                        + "everything)");
            }
            say(rp, STAGE + "packed " + summary.files() + " files (" + summary.bytes() + " bytes)");
            Deployer.Outcome outcome;
            Thread keepAlive = keepAlive(rp);
            try (InputStream in = Files.newInputStream(tarball)) {
                outcome = deployer.deploy(app, in, user, listener(rp));
            } catch (ProbationCut cut) {
                // the release serves: the branch moves to it (the command is left to be applied), said as a warning
                deployed = new Deployed(cut.release(), commit.name(), true);
                say(rp, "warning: " + cut.getMessage());
                if (cut.detail() != null) {
                    say(rp, INDENT + cut.detail());
                }
                say(rp, INDENT + url.apply(app));
                log.info("event=git.push-deployed app={} by={} branch={} commit={} release={} probation=cut", app,
                        user, branch, commit.name(), cut.release());
                return;
            } finally {
                keepAlive.interrupt();
            }
            deployed = new Deployed(outcome.release().number(), commit.name(), false);
            say(rp, STAGE + "released v" + outcome.release().number() + " of " + app + " in "
                    + outcome.took().toMillis() + " ms");
            say(rp, INDENT + url.apply(app));
            log.info("event=git.push-deployed app={} by={} branch={} commit={} release={}", app, user, branch,
                    commit.name(), outcome.release().number());
        } finally {
            try {
                RecursiveDelete.delete(work);
            } catch (IOException e) {
                log.warn("event=git.push-cleanup-failed app={} dir={} error=\"{}\"", app, work, e.getMessage());
            }
        }
    }

    /** The deploy's stages as git's "remote:" lines, in {@code skep deploy}'s layout. */
    private DeployListener listener(ReceivePack rp) {
        return (stage, message) -> {
            if (DeployListener.BUILD.equals(stage) || Deployer.RELEASE_PHASE.equals(stage)) {
                say(rp, INDENT + message);
            } else {
                say(rp, stageLine(stage, message));
            }
        };
    }

    /**
     * One stage as a "-----> " line: "stage: message", or the message alone when it names its stage itself (it
     * read "received: received 7424 bytes, sha256 ..." and "unpacked: unpacked 13 entries").
     */
    static String stageLine(String stage, String message) {
        if (message == null || message.isEmpty()) {
            return STAGE + stage;
        }
        return STAGE + (message.startsWith(stage + " ") ? message : stage + ": " + message);
    }

    /**
     * While a build or a rollout is quiet, an empty packet on the data band every 5 s (what git's own receive-pack
     * sends, receive.keepAlive): git shows nothing, and no proxy or idle timeout takes the connection for dead.
     */
    private Thread keepAlive(ReceivePack rp) {
        boolean sideBand;
        try {
            sideBand = rp.isSideBand();
        } catch (RequestNotYetReadException e) {
            sideBand = false;
        }
        if (!sideBand) {
            return Thread.ofVirtual().unstarted(() -> { });
        }
        return Thread.ofVirtual().name("git-keepalive-" + app).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(KEEP_ALIVE.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (rp) {
                    if (System.nanoTime() - lastSaid >= KEEP_ALIVE.toNanos()) {
                        try {
                            raw.write(EMPTY_DATA_PACKET);
                            raw.flush();
                            lastSaid = System.nanoTime();
                        } catch (IOException gone) {
                            return; // the pusher went away; the deploy goes on, its log keeps the output
                        }
                    }
                }
            }
        });
    }

    private static final Duration KEEP_ALIVE = Duration.ofSeconds(5);
    /** pkt-line of length 5: the length itself and band 1 with nothing in it. */
    private static final byte[] EMPTY_DATA_PACKET = {'0', '0', '0', '5', 1};

    /** One line now: flushed through the side band at once, so the pusher watches the build as it runs. */
    private void say(ReceivePack rp, String line) {
        lastSaid = System.nanoTime();
        synchronized (rp) {
            rp.sendMessage(line);
            try {
                rp.getMessageOutputStream().flush();
            } catch (IOException e) {
                // the pusher went away; the deploy goes on and its log keeps the output
            }
        }
    }
}

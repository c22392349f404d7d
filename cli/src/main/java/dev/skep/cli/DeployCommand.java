package dev.skep.cli;

import dev.skep.client.SkepClient;
import dev.skep.model.AppId;
import dev.skep.model.pack.IgnoreRules;
import dev.skep.model.pack.Tarball;
import dev.skep.model.view.DeployResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** skep deploy [DIR] [--app USER/APP] */
@Command(name = "deploy", description = {"Pack DIR and deploy it as the next release of an app.",
    "The first deploy names the app (--app alice/shop, or --app alice/ for package.json's name); DIR/.skep",
    "remembers it for the next ones, which need no --app.",
    "Leaves out what .gitignore files and DIR/.skepignore name (.skepignore last: '!dist/' re-includes),",
    "and always .git, node_modules, .env, skep data dirs and token files. Refuses above 200 MB",
    "without --force, and a DIR with neither package.json nor Procfile.",
    "The server installs the dependencies (npm ci), starts the new release and switches traffic",
    "when it is ready; a release that never gets ready leaves the old one serving."})
final class DeployCommand extends ClientVerb {

    @Option(names = {"-a", "--app"}, paramLabel = "USER/APP",
            description = "the app to deploy to, e.g. alice/shop (created on its first deploy); USER/ takes the name "
                    + "in package.json; default: the one DIR/.skep remembers")
    String appOption;

    private AppId app;

    /** The stage a deploy's answer starts with once the server has taken the upload. */
    private static final String RECEIVED = "received";

    /** Above this an upload is a mistake more often than an app (a data dir, a video, a build cache). */
    static final long MAX_UPLOAD = 200L * 1024 * 1024;

    @Option(names = "--force", description = "upload even when the packed app is larger than 200 MB")
    boolean force;

    @Parameters(arity = "0..1", paramLabel = "DIR", defaultValue = ".",
            description = "the app's directory (default: the current one)")
    Path dir;

    @Override
    public Integer call() throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            // `skep deploy alice/shop` is the usual slip of a Heroku user: the app is named with -a
            boolean looksLikeApp = appOption == null && dir.getNameCount() == 2 && !dir.isAbsolute();
            throw usage("DIR " + root + " is not a directory"
                    + (looksLikeApp ? "; to name the app, use: skep deploy -a " + dir : ""));
        }
        if (!Files.exists(root.resolve("package.json")) && !Files.exists(root.resolve("Procfile"))) {
            throw new CliFailure(root + " " + Tarball.NO_APP_ROOT,
                    "run skep deploy in the app's directory, or name it: skep deploy DIR"
                            + (appOption == null ? "" : " --app " + appOption));
        }
        app = target(root);
        SkepClient client = client(); // a missing token fails here, before any packing
        PrintWriter out = out();
        Path tarball = Files.createTempFile("skep-deploy-", ".tar.gz");
        try {
            long size = pack(root, tarball, out);
            out.println("uploading " + Format.bytes(size) + " to " + client.server() + " as " + app);
            out.flush();
            DeployPrinter printer = new DeployPrinter(out, skep().interactive(), skep().clock());
            AtomicBoolean received = new AtomicBoolean();
            DeployResult result;
            try {
                result = client.deploy(app, tarball, printer::uploaded, progress -> {
                    received.compareAndSet(false, RECEIVED.equals(progress.stage()));
                    printer.progress(progress);
                });
            } catch (RuntimeException e) {
                // the server took the upload for this app and its build or release failed: the fix is deployed from
                // here next, to the same app (a refusal, such as someone else's app or a bad token, names none)
                if (received.get()) {
                    remember(root, out);
                }
                throw e;
            }
            printer.result(result);
            remember(root, out);
        } finally {
            Files.deleteIfExists(tarball);
        }
        return SkepCli.EXIT_OK;
    }

    private void remember(Path root, PrintWriter out) {
        if (appOption != null && ProjectLink.write(root, app)) {
            out.println("remembered " + app + " in " + root.resolve(ProjectLink.FILE)
                    + ": the next skep deploy here needs no --app");
            out.flush();
        }
    }

    /** --app, else what DIR/.skep remembers. */
    private AppId target(Path root) {
        if (appOption != null) {
            try {
                return ProjectLink.resolve(appOption, root);
            } catch (CommandLine.TypeConversionException e) {
                throw usage("invalid --app " + appOption + ": " + e.getMessage());
            }
        }
        AppId remembered = ProjectLink.read(root);
        if (remembered == null) {
            throw usage("which app? " + root + " has no " + ProjectLink.FILE
                    + " file yet: name the app on the first deploy with --app USER/APP (or --app USER/ to take "
                    + "package.json's name); later deploys from here remember it");
        }
        return remembered;
    }

    private long pack(Path root, Path tarball, PrintWriter out) {
        try {
            Tarball.Summary summary = Tarball.pack(root, tarball);
            summary.warnings().forEach(warning -> skep().err().println("warning: " + warning));
            long size = Files.size(tarball);
            out.println("packed " + summary.files() + " files (" + Format.bytes(summary.bytes()) + ") from " + root
                    + " into " + Format.bytes(size));
            if (!summary.hasAppRoot()) {
                throw new CliFailure("nothing to deploy: the ignore rules leave out package.json and Procfile",
                        "check .gitignore and " + IgnoreRules.FILE + " in " + root + " (a '*' line leaves out everything)");
            }
            if (size > MAX_UPLOAD && !force) {
                throw new CliFailure("the packed app is " + Format.bytes(size) + ", more than "
                        + MAX_UPLOAD / (1024 * 1024) + " MB (largest: " + summary.largest(3, Format::bytes) + ")",
                        "leave out what the app does not need in " + IgnoreRules.FILE + ", or upload anyway with --force");
            }
            return size;
        } catch (IOException e) {
            throw new CliFailure("cannot pack " + root + ": " + e.getMessage(),
                    "check that the files are readable, or leave them out in " + IgnoreRules.FILE, e);
        }
    }
}
